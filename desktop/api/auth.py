"""OAuth2 access tokens: refresh-token grant, refreshed ahead of expiry, one refresh at a time.

:class:`TokenManager` holds the client secret and refresh token and hands out short-lived
access tokens. All callers share one refresh: concurrent requests that find the token stale
(or that got a 401 with the same token) wait for the single refresh in flight instead of
starting their own. Secrets live in :class:`Secret` holders whose repr is masked, and every
value is registered with :mod:`desktop.api.redaction` so no log line can carry it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable

import httpx

from desktop.api import redaction
from desktop.api.errors import ApiError, NetworkError, RateLimited, ServerError, oauth_error
from desktop.api.retry import RetryPolicy, parse_retry_after

log = logging.getLogger(__name__)

DEFAULT_LIFETIME_S = 900.0
TOKEN_PATH = "/oauth/token"


class Secret:
    """A string that never shows itself in a repr, str or log line."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        redaction.register_secret(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('[redacted]')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)


class TokenManager:
    """Access tokens for one set of OAuth credentials on one REST host."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        client_secret: str,
        refresh_token: str,
        *,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_refresh_token_rotated: Callable[[str], None] | None = None,
    ) -> None:
        self._http = http
        self._client_secret = Secret(client_secret)
        self._refresh_token = Secret(refresh_token)
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self._access: Secret | None = None
        self._expires_at = 0.0
        self._lifetime = DEFAULT_LIFETIME_S
        self._lock = asyncio.Lock()
        self._on_rotated = on_refresh_token_rotated
        self.refresh_count = 0

    def __repr__(self) -> str:
        return f"TokenManager(valid={self.is_valid}, expires_in={self.expires_in:.0f}s)"

    @property
    def expires_in(self) -> float:
        """Seconds until the current access token expires (0 when there is none)."""
        return max(0.0, self._expires_at - self._clock()) if self._access else 0.0

    @property
    def is_valid(self) -> bool:
        return self._access is not None and self._clock() < self._expires_at

    def _refresh_margin(self) -> float:
        """Refresh this long before expiry: a minute for 15-minute tokens, less for short ones."""
        return min(60.0, self._lifetime * 0.2)

    def _fresh(self) -> bool:
        return self._access is not None and self._clock() < self._expires_at - self._refresh_margin()

    async def access_token(self) -> str:
        """A valid access token, refreshed first if it expires within the refresh margin."""
        if self._fresh():
            assert self._access is not None
            return self._access.reveal()
        async with self._lock:
            if not self._fresh():
                await self._refresh_locked()
            assert self._access is not None
            return self._access.reveal()

    async def refresh(self, stale: str | None = None) -> str:
        """Force a new token, unless another caller already replaced ``stale`` meanwhile."""
        async with self._lock:
            current = self._access.reveal() if self._access else None
            if stale is None or current is None or current == stale or not self.is_valid:
                await self._refresh_locked()
            assert self._access is not None
            return self._access.reveal()

    def invalidate(self) -> None:
        """Forget the access token (the next request refreshes)."""
        self._access = None
        self._expires_at = 0.0

    async def _refresh_locked(self) -> None:
        body = {
            "grant_type": "refresh_token",
            "refresh_token": self._refresh_token.reveal(),
            "client_secret": self._client_secret.reveal(),
        }
        attempt = 0
        while True:
            attempt += 1
            started = self._clock()
            try:
                response = await self._http.post(
                    TOKEN_PATH,
                    content=json.dumps(body),
                    headers={"Content-Type": "application/json"},
                )
            except httpx.HTTPError as exc:
                if attempt < self._retry.max_attempts:
                    delay = self._retry.backoff(attempt)
                    log.warning(
                        "Refreshing the access token failed (%s); retrying in %.1f s",
                        type(exc).__name__,
                        delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                raise NetworkError(
                    f"Could not reach {self._http.base_url.host} to sign in "
                    f"({type(exc).__name__}). Check the network connection."
                ) from None
            status = response.status_code
            if status == 429 or status >= 500:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                wait = retry_after if retry_after is not None else self._retry.backoff(attempt)
                if attempt < self._retry.max_attempts and wait <= self._retry.max_retry_after:
                    log.warning("Token endpoint answered HTTP %d; retrying in %.1f s", status, wait)
                    await asyncio.sleep(wait)
                    continue
                if status == 429:
                    raise RateLimited(
                        "Signing in was refused: too many requests. Wait a moment and try again.",
                        status=status,
                        retry_after=retry_after,
                    )
                raise ServerError(
                    f"The sign-in server failed (HTTP {status}). Try again in a moment.", status=status
                )
            try:
                payload = response.json()
            except ValueError:
                payload = None
            if status >= 400 or not isinstance(payload, dict):
                raise oauth_error(status, payload)
            self._accept(payload, started)
            return

    def _accept(self, payload: dict[str, object], started: float) -> None:
        token = payload.get("access_token")
        if not isinstance(token, str) or not token:
            raise ApiError("The sign-in server answered without an access token. Try again.", status=200)
        try:
            lifetime = float(payload.get("expires_in") or DEFAULT_LIFETIME_S)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            lifetime = DEFAULT_LIFETIME_S
        self._access = Secret(token)
        self._lifetime = max(1.0, lifetime)
        self._expires_at = started + self._lifetime
        self.refresh_count += 1
        # A rotated refresh token (optional in the grant response) replaces the old one.
        new_refresh = payload.get("refresh_token")
        if isinstance(new_refresh, str) and new_refresh and new_refresh != self._refresh_token.reveal():
            self._refresh_token = Secret(new_refresh)
            log.info("The server rotated the refresh token")
            if self._on_rotated is not None:
                self._on_rotated(new_refresh)
        log.debug("Access token refreshed (valid %.0f s, refresh #%d)", self._lifetime, self.refresh_count)

    @property
    def refresh_token(self) -> Secret:
        """The current refresh token (it may rotate); for the credential store only."""
        return self._refresh_token
