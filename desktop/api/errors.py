"""Typed API errors with messages a trader can act on.

Every failure the REST client reports is an :class:`ApiError` (or a subclass). ``message`` is
plain words for the Messages dock; ``code`` is the server's machine code when there is one;
``details`` keeps the nested errors (preflight checks, validation). No exception built here
ever carries a request header, a token or a secret: only the server's answer and our own words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop.api.models.orders import BuyingPowerEffect, DryRunResult

_SUPPORT_ID = re.compile(r"\s*Unique customer support identifier:\s*(\S+)\s*$")


@dataclass(frozen=True, slots=True)
class ErrorDetail:
    """One nested error: ``{code, message}`` (preflight) or ``{domain, reason}`` (validation)."""

    code: str
    message: str

    @classmethod
    def from_wire(cls, item: Any) -> ErrorDetail:
        if not isinstance(item, Mapping):
            return cls(code="", message=str(item))
        code = str(item.get("code") or item.get("domain") or "")
        message = str(item.get("message") or item.get("reason") or item.get("description") or "")
        if "domain" in item and "reason" in item and "message" not in item:
            message = f"{item['domain']} {item['reason']}"
        return cls(code=code, message=message)


class ApiError(Exception):
    """A request failed; ``message`` says what happened and what to do, in plain words."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str = "",
        details: list[ErrorDetail] | None = None,
        support_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.details: list[ErrorDetail] = list(details or [])
        self.support_id = support_id

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, message={self.message!r})"


class AuthError(ApiError):
    """The credentials or the session were refused."""


class SignInRequired(AuthError):
    """The refresh token or client secret no longer works: the user must sign in again."""


class NotPermitted(ApiError):
    """HTTP 403: the account's authority level or the token's scope does not allow this."""


class NotFound(ApiError):
    """HTTP 404: no such account, order, symbol or watchlist."""


class InvalidRequest(ApiError):
    """HTTP 400/406/422 other than a preflight failure: the request itself was refused."""


class RateLimited(ApiError):
    """HTTP 429 after our retries; ``retry_after`` (seconds) says when to try again, if known."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(ApiError):
    """HTTP 5xx after our retries (or at once, for a request that is not safe to repeat)."""


class NetworkError(ApiError):
    """The server could not be reached, or stopped answering."""


class ResponseLost(NetworkError):
    """A request was sent but no answer came back: it may or may not have been processed."""


class PreflightFailed(ApiError):
    """The broker's checks rejected the order (HTTP 422 ``preflight_check_failure``).

    ``details`` lists each failed check. For a dry-run the server still returns the
    buying-power effect; it is kept in ``buying_power_effect`` and ``dry_run`` (a full
    :class:`~desktop.api.models.orders.DryRunResult` whose ``errors`` are these checks).
    """

    def __init__(
        self,
        message: str,
        *,
        buying_power_effect: BuyingPowerEffect | None = None,
        dry_run: DryRunResult | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(message, **kw)
        self.buying_power_effect = buying_power_effect
        self.dry_run = dry_run


class OrderStatusUnknown(ApiError):
    """Sending an order timed out and the order could not be found among live orders.

    It may or may not have reached the exchange. Nothing was resent.
    """


_PLAIN_BY_CODE: dict[str, str] = {
    "unauthorized": "The session was refused by the server. Sign in again.",
    "invalid_session": "The session has ended. Sign in again.",
    "not_permitted": "This account does not allow that action (its authority level or the "
    "application's permissions do not cover it).",
    "unconfirmed_user": "The Tastytrade user's e-mail address is not confirmed yet; confirm it "
    "on tastytrade.com and sign in again.",
    "quote_streamer.customer_not_found_error": "Live quotes need a funded Tastytrade customer "
    "account; this login has none.",
    "cannot_update_order": "The order can no longer be changed or cancelled (it is already "
    "filled, cancelled or being changed).",
    "cannot_reconfirm_order": "The order does not need to be reconfirmed.",
    "internal_server_error": "The Tastytrade server failed while handling the request. Try again "
    "in a moment.",
}

_OAUTH_PLAIN: dict[str, str] = {
    "invalid_grant": "The refresh token was refused ({detail}). Create a new grant for the "
    "OAuth application on tastytrade.com and sign in again.",
    "invalid_client": "The client secret was refused ({detail}). Check the OAuth application's "
    "client secret and sign in again.",
    "invalid_request": "The sign-in request was refused ({detail}). Sign in again; if this "
    "keeps happening, the sandbox may be having trouble.",
    "unauthorized_client": "This OAuth application may not use refresh tokens ({detail}).",
    "invalid_scope": "The grant does not include the permissions TastyDesk needs ({detail}). "
    "Create a grant with the read and trade scopes.",
}


def split_support_id(message: str) -> tuple[str, str | None]:
    """``"Bad thing. Unique customer support identifier: ab12"`` -> ``("Bad thing.", "ab12")``."""
    m = _SUPPORT_ID.search(message)
    if not m:
        return message.strip(), None
    return message[: m.start()].strip(), m.group(1)


def oauth_error(status: int, body: Any) -> SignInRequired | ApiError:
    """Turn an ``/oauth/token`` failure (``{error_code, error_description}``) into an error."""
    if isinstance(body, Mapping) and ("error_code" in body or "error" in body):
        code = str(body.get("error_code") or body.get("error") or "")
        if isinstance(body.get("error"), Mapping):  # someone sent the standard envelope instead
            return error_from_response(status, body, what="Signing in")
        detail = str(body.get("error_description") or code or "no reason given")
        template = _OAUTH_PLAIN.get(code)
        message = (
            template.format(detail=detail)
            if template
            else f"Signing in failed: {detail}. Check the client secret and refresh token."
        )
        return SignInRequired(message, status=status, code=code)
    if status >= 500:
        return ServerError(
            f"The sign-in server failed (HTTP {status}). Try again in a moment.", status=status
        )
    if status in (401, 403):
        return SignInRequired(
            f"Signing in was refused (HTTP {status}). Check the client secret and refresh token.",
            status=status,
        )
    return SignInRequired(f"Signing in failed (HTTP {status}). Sign in again.", status=status)


def error_from_response(
    status: int,
    body: Any,
    *,
    what: str = "The request",
    retry_after: float | None = None,
) -> ApiError:
    """Build the typed error for a non-2xx response.

    ``body`` is the decoded JSON (or ``None`` for HTML / empty bodies); ``what`` names the
    action in plain words ("Placing the order", "Loading positions").
    """
    err = body.get("error") if isinstance(body, Mapping) else None
    code, server_message, details = "", "", []
    if isinstance(err, Mapping):
        code = str(err.get("code") or "")
        server_message = str(err.get("message") or "")
        details = [ErrorDetail.from_wire(e) for e in err.get("errors") or []]
    elif isinstance(body, Mapping) and "error_code" in body:
        return oauth_error(status, body)
    server_message, support_id = split_support_id(server_message)
    plain = _PLAIN_BY_CODE.get(code)
    kw: dict[str, Any] = {"status": status, "code": code, "details": details, "support_id": support_id}

    if status == 401:
        return AuthError(plain or "The server did not accept the session. Sign in again.", **kw)
    if status == 403:
        return NotPermitted(plain or f"{what} is not permitted for this account ({server_message}).", **kw)
    if status == 404:
        text = f"{what} failed: not found"
        return NotFound(f"{text} ({server_message})." if server_message else f"{text}.", **kw)
    if status == 429:
        wait = f" Try again in {retry_after:.0f} s." if retry_after else " Wait a moment and try again."
        return RateLimited(
            f"{what} was refused: too many requests to Tastytrade.{wait}", retry_after=retry_after, **kw
        )
    if status >= 500:
        return ServerError(plain or f"{what} failed: the server had an error (HTTP {status}).", **kw)
    if code == "preflight_check_failure" or (status == 422 and details and not plain):
        reasons = "; ".join(d.message or d.code for d in details) or server_message
        return PreflightFailed(f"The order was rejected by the broker's checks: {reasons}", **kw)
    if status == 406:
        return InvalidRequest(
            "The server does not support the API version TastyDesk asks for "
            f"({server_message or 'HTTP 406'}). Update TastyDesk.",
            **kw,
        )
    if plain:
        return InvalidRequest(plain, **kw)
    reasons = "; ".join(d.message or d.code for d in details)
    parts = [p for p in (server_message, reasons) if p]
    explanation = ": ".join(parts) if parts else f"HTTP {status}"
    return InvalidRequest(f"{what} was refused ({explanation}).", **kw)
