"""Issued tokens: OAuth access tokens (REST, account streamer) and DXLink quote tokens.

Token values are random and never logged; only their count and lifetimes are.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from desktop.simulator.clock import Clock

QUOTE_TOKEN_TTL_S = 24 * 3600


@dataclass
class _Access:
    customer_id: str
    expires_ms: int


class TokenStore:
    """Access and quote tokens with their expiry, checked against the exchange clock."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._access: dict[str, _Access] = {}
        self._quote: dict[str, int] = {}  # token -> expires ms
        self._quote_customer: dict[str, str] = {}

    def issue_access(self, customer_id: str, ttl_s: float) -> str:
        """A new Bearer token for ``customer_id`` that stops working after ``ttl_s`` seconds."""
        self._prune()
        token = "sim." + secrets.token_urlsafe(32)
        self._access[token] = _Access(customer_id, self._clock.now_ms() + int(ttl_s * 1000))
        return token

    def validate_access(self, token: str | None) -> str | None:
        """The customer id of a valid, unexpired access token (with or without ``Bearer ``)."""
        if not token:
            return None
        if token.startswith("Bearer "):
            token = token[7:].strip()
        entry = self._access.get(token)
        if entry is None or entry.expires_ms <= self._clock.now_ms():
            return None
        return entry.customer_id

    def expire_all_access(self) -> int:
        """Expire every issued access token now; returns how many were live."""
        now = self._clock.now_ms()
        live = sum(1 for a in self._access.values() if a.expires_ms > now)
        for entry in self._access.values():
            entry.expires_ms = min(entry.expires_ms, now)
        return live

    def issue_quote_token(self, customer_id: str = "") -> tuple[str, datetime]:
        """A new DXLink quote token valid 24 h, and its expiry (aware UTC)."""
        token = "simq." + secrets.token_urlsafe(32)
        expires_ms = self._clock.now_ms() + QUOTE_TOKEN_TTL_S * 1000
        self._quote[token] = expires_ms
        self._quote_customer[token] = customer_id
        return token, datetime.fromtimestamp(expires_ms / 1000, tz=UTC)

    def validate_quote(self, token: str | None) -> bool:
        exp = self._quote.get(token or "")
        return exp is not None and exp > self._clock.now_ms()

    def quote_customer(self, token: str) -> str | None:
        """The customer a quote token was issued to (DXLink's ``userId``)."""
        return self._quote_customer.get(token) if self.validate_quote(token) else None

    def refuse_quote_tokens(self) -> int:
        """Invalidate every quote token issued so far; returns how many were valid."""
        now = self._clock.now_ms()
        live = sum(1 for exp in self._quote.values() if exp > now)
        for token in self._quote:
            self._quote[token] = min(self._quote[token], now)
        return live

    def _prune(self) -> None:
        if len(self._access) < 5000:
            return
        cutoff = self._clock.now_ms() - 3600_000
        self._access = {t: a for t, a in self._access.items() if a.expires_ms > cutoff}


def iso_ms(when: datetime) -> str:
    """``2026-08-05T14:30:00.000Z`` style timestamp (quote-token ``expires-at``)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
