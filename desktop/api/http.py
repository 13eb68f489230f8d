"""The REST transport: one ``httpx.AsyncClient``, auth, retries, envelopes, pagination.

Retry rules (issue #4):

* 401: one token refresh (shared with every concurrent caller) and one retry, then
  :class:`~desktop.api.errors.SignInRequired`.
* 429: honour ``Retry-After`` (up to the policy's ceiling), else exponential backoff with
  jitter; the request was refused unprocessed, so this applies to every method.
* 5xx, dropped connections and read timeouts: retried with backoff for idempotent requests
  only. A request that could not even connect is retried whatever its method (nothing was sent).
* A non-idempotent request (an order submit or replace) that was sent but got no answer raises
  :class:`ResponseLost`; the caller looks for the order before saying anything else.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from desktop.api.auth import TokenManager
from desktop.api.errors import (
    ApiError,
    AuthError,
    NetworkError,
    ResponseLost,
    ServerError,
    SignInRequired,
    error_from_response,
)
from desktop.api.retry import RetryPolicy, parse_retry_after

log = logging.getLogger(__name__)

MAX_PAGES = 10_000
#: Answers larger than this are JSON-decoded in a worker thread, not on the event loop.
OFF_LOOP_BYTES = 256 * 1024

#: REST connectivity as reported to the session service.
REST_OK, REST_RETRYING, REST_OFFLINE, REST_UNAUTHORIZED = "ok", "retrying", "offline", "unauthorized"


@dataclass(frozen=True, slots=True)
class Response:
    """A decoded 2xx (or explicitly accepted) answer."""

    status: int
    body: Any
    text: str

    @property
    def data(self) -> Any:
        """The envelope's ``data`` (or the whole body for the few endpoints without one)."""
        if isinstance(self.body, Mapping) and "data" in self.body:
            return self.body["data"]
        return self.body

    @property
    def items(self) -> list[Any]:
        """``data.items`` of a collection (a bare ``data`` object becomes a one-item list)."""
        data = self.data
        if isinstance(data, Mapping):
            items = data.get("items")
            if isinstance(items, list):
                return items
            return [data] if data else []
        return data if isinstance(data, list) else []

    @property
    def pagination(self) -> Mapping[str, Any] | None:
        p = self.body.get("pagination") if isinstance(self.body, Mapping) else None
        return p if isinstance(p, Mapping) else None


class RestTransport:
    """Authenticated JSON requests against one environment's REST host."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        tokens: TokenManager,
        *,
        retry: RetryPolicy | None = None,
        on_state: Callable[[str], None] | None = None,
    ) -> None:
        self.http = http
        self.tokens = tokens
        self.retry = retry or RetryPolicy()
        self._on_state = on_state
        self.state = REST_OK
        self.request_count = 0

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            if self._on_state is not None:
                try:
                    self._on_state(state)
                except Exception:  # a listener's bug must not break a request
                    log.exception("REST state listener failed")

    async def call(
        self,
        method: str,
        path: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        content: str | None = None,
        json_body: Any = None,
        idempotent: bool | None = None,
        request_timeout: float | None = None,
        accept: tuple[int, ...] = (),
    ) -> Response:
        """Send one request with the retry rules above; ``what`` names it for error messages.

        ``content`` is posted byte for byte (order JSON); ``json_body`` is serialised here.
        Statuses in ``accept`` are returned instead of raised (dry-run preflight answers).
        """
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "OPTIONS")
        if json_body is not None:
            content = json.dumps(json_body, separators=(",", ":"))
        headers = {"Content-Type": "application/json"} if content is not None else {}
        timeout_cfg = (
            httpx.Timeout(request_timeout) if request_timeout is not None else httpx.USE_CLIENT_DEFAULT
        )
        attempt, reauthorised = 0, False
        while True:
            attempt += 1
            token = await self._token(self.tokens.access_token())
            headers["Authorization"] = f"Bearer {token}"
            started = time.monotonic()
            self.request_count += 1
            try:
                response = await self.http.request(
                    method, path, params=params, content=content, headers=headers, timeout=timeout_cfg
                )
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Nothing reached the server: safe to try again whatever the method.
                await self._backoff_or_raise(attempt, method, path, exc, what, sent=False)
                continue
            except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
                if idempotent:
                    await self._backoff_or_raise(attempt, method, path, exc, what, sent=True)
                    continue
                self._set_state(REST_RETRYING)
                log.warning("%s %s: no answer (%s); not repeating it", method, path, type(exc).__name__)
                raise ResponseLost(
                    f"{what}: the server did not answer in time ({type(exc).__name__}). "
                    "It may or may not have been processed."
                ) from None
            elapsed_ms = (time.monotonic() - started) * 1000
            status = response.status_code
            log.debug("%s %s -> %d in %.0f ms (try %d)", method, path, status, elapsed_ms, attempt)

            if status == 401 and not reauthorised:
                reauthorised = True
                log.info("%s %s: access token refused; refreshing it once", method, path)
                await self._token(self.tokens.refresh(stale=token))
                continue
            if status == 401:
                self._set_state(REST_UNAUTHORIZED)
                raise SignInRequired(
                    "The server refused the session even after renewing it. Sign in again.",
                    status=401,
                    code=_error_code(response),
                )
            if status == 429 or (status >= 500 and idempotent):
                retry_after = (
                    parse_retry_after(response.headers.get("Retry-After")) if status == 429 else None
                )
                wait = retry_after if retry_after is not None else self.retry.backoff(attempt)
                if attempt < self.retry.max_attempts and wait <= self.retry.max_retry_after:
                    self._set_state(REST_RETRYING)
                    log.warning(
                        "%s %s answered HTTP %d; retrying in %.1f s (try %d of %d)",
                        method,
                        path,
                        status,
                        wait,
                        attempt + 1,
                        self.retry.max_attempts,
                    )
                    await asyncio.sleep(wait)
                    continue
                raise self._error(response, what, retry_after)
            if 200 <= status < 300 or status in accept:
                self._set_state(REST_OK)
                return await _decode(response)
            if status >= 500:
                self._set_state(REST_RETRYING)
            else:
                self._set_state(REST_OK)
            raise self._error(response, what)

    async def _token(self, pending: Awaitable[str]) -> str:
        try:
            return await pending
        except AuthError:
            self._set_state(REST_UNAUTHORIZED)
            raise
        except NetworkError:
            self._set_state(REST_OFFLINE)
            raise

    def _error(self, response: httpx.Response, what: str, retry_after: float | None = None) -> ApiError:
        try:
            body = response.json()
        except ValueError:
            body = None
        err = error_from_response(response.status_code, body, what=what, retry_after=retry_after)
        log.warning("%s failed: HTTP %d %s", what, response.status_code, err.code or "")
        return err

    async def _backoff_or_raise(
        self, attempt: int, method: str, path: str, exc: Exception, what: str, *, sent: bool
    ) -> None:
        if attempt >= self.retry.max_attempts:
            self._set_state(REST_OFFLINE)
            host = self.http.base_url.host
            if sent:
                raise ResponseLost(
                    f"{what}: {host} stopped answering ({type(exc).__name__}) after "
                    f"{attempt} tries. Check the network connection."
                ) from None
            raise NetworkError(
                f"{what}: could not reach {host} ({type(exc).__name__}) after {attempt} tries. "
                "Check the network connection."
            ) from None
        self._set_state(REST_RETRYING)
        delay = self.retry.backoff(attempt)
        log.warning(
            "%s %s failed (%s); retrying in %.1f s (try %d of %d)",
            method,
            path,
            type(exc).__name__,
            delay,
            attempt + 1,
            self.retry.max_attempts,
        )
        await asyncio.sleep(delay)

    async def pages(
        self,
        path: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        per_page: int = 250,
        request_timeout: float | None = None,
    ) -> AsyncIterator[Response]:
        """Every page of a paginated collection, in order (one page when there is no pagination)."""
        base = dict(params or {})
        offset = 0
        while offset < MAX_PAGES:
            page = await self.call(
                "GET",
                path,
                what=what,
                params={**base, "per-page": per_page, "page-offset": offset},
                request_timeout=request_timeout,
            )
            yield page
            p = page.pagination
            if not p:
                return
            total_pages = _int(p.get("total-pages"))
            if total_pages is None or offset >= total_pages - 1 or not page.items:
                return
            offset += 1

    async def items(
        self,
        path: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        per_page: int = 250,
        request_timeout: float | None = None,
    ) -> AsyncIterator[Mapping[str, Any]]:
        """Every item of a paginated collection, fetched page by page as you iterate."""
        async for page in self.pages(
            path, what=what, params=params, per_page=per_page, request_timeout=request_timeout
        ):
            for item in page.items:
                if isinstance(item, Mapping):
                    yield item


async def _decode(response: httpx.Response) -> Response:
    text = response.text
    body: Any = None
    if text.strip():
        try:
            # A big answer (a whole option chain is megabytes) is decoded off the loop.
            body = (
                await asyncio.to_thread(json.loads, text) if len(text) > OFF_LOOP_BYTES else json.loads(text)
            )
        except ValueError:
            raise ServerError(
                f"The server sent an answer that is not JSON (HTTP {response.status_code}).",
                status=response.status_code,
            ) from None
    return Response(status=response.status_code, body=body, text=text)


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    err = body.get("error") if isinstance(body, dict) else None
    return str(err.get("code") or "") if isinstance(err, dict) else ""


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
