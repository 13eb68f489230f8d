"""``TastytradeClient``: the typed async REST client for one environment.

One ``httpx.AsyncClient`` per client (connection reuse, ``User-Agent: tastydesk/<version>``,
JSON, ``Accept-Version`` when the environment pins one), OAuth access tokens from a
:class:`~desktop.api.auth.TokenManager`, the retry rules of :mod:`desktop.api.http`, and typed
results from :mod:`desktop.api.models`. The calls themselves live in three mixins by resource:
:mod:`~desktop.api.rest_accounts`, :mod:`~desktop.api.rest_orders`, :mod:`~desktop.api.rest_market`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from types import TracebackType
from typing import Self

import httpx

from desktop import __version__
from desktop.api.auth import TokenManager
from desktop.api.environments import Environment
from desktop.api.http import RestTransport
from desktop.api.rest_accounts import AccountsApi
from desktop.api.rest_market import MarketApi
from desktop.api.rest_orders import OrdersApi
from desktop.api.retry import RetryPolicy

log = logging.getLogger(__name__)

USER_AGENT = f"tastydesk/{__version__}"
DEFAULT_TIMEOUT_S = 20.0


class TastytradeClient(AccountsApi, OrdersApi, MarketApi):
    """Async REST client for one environment and one set of OAuth credentials.

    ``timeout`` applies to every request; ``order_lookup_s`` is how long to keep looking for
    an order whose submit got no answer; ``lookup_timeout`` is the timeout of those look-ups
    (deliberately longer than a short submit timeout). ``on_rest_state`` hears "ok",
    "retrying", "offline" and "unauthorized"; ``on_refresh_token_rotated`` hears a new refresh
    token when the server rotates it (so a remembered one can be re-saved).
    """

    def __init__(
        self,
        env: Environment,
        client_secret: str,
        refresh_token: str,
        *,
        timeout: float = DEFAULT_TIMEOUT_S,
        retry: RetryPolicy | None = None,
        order_lookup_s: float = 10.0,
        lookup_timeout: float | None = None,
        on_rest_state: Callable[[str], None] | None = None,
        on_refresh_token_rotated: Callable[[str], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.env = env
        self.timeout = timeout
        self.order_lookup_s = order_lookup_s
        self.lookup_timeout = lookup_timeout if lookup_timeout is not None else max(timeout, 15.0)
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **env.version_header}
        self._http = httpx.AsyncClient(
            base_url=env.rest_url,
            headers=headers,
            timeout=httpx.Timeout(timeout),
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=8, keepalive_expiry=60.0),
            follow_redirects=False,
            transport=transport,
        )
        retry = retry or RetryPolicy()
        self.tokens = TokenManager(
            self._http,
            client_secret,
            refresh_token,
            retry=retry,
            on_refresh_token_rotated=on_refresh_token_rotated,
        )
        self._transport = RestTransport(self._http, self.tokens, retry=retry, on_state=on_rest_state)
        self._closed = False

    def __repr__(self) -> str:
        return f"TastytradeClient(env={self.env.name!r}, url={self.env.rest_url!r})"

    @property
    def rest_state(self) -> str:
        return self._transport.state

    @property
    def request_count(self) -> int:
        """Requests sent so far, retries included (for tests and the status bar)."""
        return self._transport.request_count

    @property
    def token_refreshes(self) -> int:
        return self.tokens.refresh_count

    async def access_token(self) -> str:
        """A currently valid OAuth access token (raw, without ``Bearer``). Never log it."""
        return await self.tokens.access_token()

    async def authorization(self) -> str:
        """``"Bearer <access token>"``: the account streamer's ``auth-token``. Never log it."""
        return f"Bearer {await self.tokens.access_token()}"

    async def sign_in(self) -> None:
        """Check the credentials: refresh an access token now (raises a typed error if refused)."""
        await self.tokens.refresh()

    @property
    def closed(self) -> bool:
        return self._closed

    async def aclose(self) -> None:
        """Close the connection pool; the client cannot be used afterwards."""
        if not self._closed:
            self._closed = True
            self.tokens.invalidate()
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
