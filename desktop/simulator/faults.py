"""Fault knobs for tests: REST errors, latency, early token expiry, websocket faults.

The admin API (``/__admin/faults``) reads and merges these; REST middleware and the
websocket servers consult them on every request. ``register`` lets the websocket side add
knobs of its own without editing this module.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, fields
from typing import Any

_STATUS_CHOICES = (429, 500, 502, 503)


@dataclass
class Faults:
    """Current knobs; all default to "no fault"."""

    rest_error_rate: float = 0.0  # share of REST requests answered with rest_error_status
    rest_error_status: int = 429  # 429 or 500 (502/503 also accepted)
    retry_after_s: int | None = 1  # Retry-After header on 429s; None = no header
    latency_ms: int = 0  # added before every REST answer
    access_token_ttl_s: int | None = None  # real lifetime of newly issued access tokens
    dxlink_upgrade_status: int | None = None  # e.g. 502: refuse the DXLink websocket upgrade
    streamer_upgrade_status: int | None = None  # the same for the account streamer
    quote_token_refused: bool = False  # DXLink answers every AUTH with UNAUTHORIZED
    extras: dict[str, Any] = field(default_factory=dict)
    _defaults: dict[str, Any] = field(default_factory=dict, repr=False)
    _rng: random.Random = field(default_factory=lambda: random.Random(1), repr=False)

    def register(self, name: str, default: Any) -> None:
        """Add a knob (used by the websocket servers); reset puts it back to ``default``."""
        self._defaults[name] = default
        self.extras.setdefault(name, default)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
        extras = out.pop("extras")
        out.update(extras)
        return out

    def merge(self, body: dict[str, Any]) -> None:
        """Apply the given knobs; raises ``ValueError`` naming a bad key or value (nothing applied)."""
        known = {f.name for f in fields(self) if not f.name.startswith("_") and f.name != "extras"}
        staged: dict[str, Any] = {}
        for key, value in body.items():
            name = key.replace("-", "_")
            if name in known:
                staged[name] = _check(name, value)
            elif name in self._defaults:
                staged[name] = value
            else:
                raise ValueError(f"unknown fault knob {key!r}; known: {sorted(known | set(self._defaults))}")
        for name, value in staged.items():
            if name in known:
                setattr(self, name, value)
            else:
                self.extras[name] = value

    def reset(self) -> None:
        for f in fields(self):
            if not f.name.startswith("_") and f.name != "extras":
                setattr(self, f.name, f.default)
        self.extras = dict(self._defaults)

    def roll_rest_error(self) -> int | None:
        """The status to fail this REST request with, or None to serve it."""
        if self.rest_error_rate > 0 and self._rng.random() < self.rest_error_rate:
            return self.rest_error_status
        return None


def _check(name: str, value: Any) -> Any:
    def bad(why: str) -> ValueError:
        return ValueError(f"fault knob {name}: {why}, got {value!r}")

    if name == "rest_error_rate":
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise bad("must be a number from 0 to 1")
        return float(value)
    if name == "rest_error_status":
        if value not in _STATUS_CHOICES:
            raise bad(f"must be one of {_STATUS_CHOICES}")
        return int(value)
    if name in ("retry_after_s", "access_token_ttl_s", "dxlink_upgrade_status", "streamer_upgrade_status"):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad("must be a non-negative integer or null")
        return value
    if name == "latency_ms":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise bad("must be a non-negative number")
        return value
    if name == "quote_token_refused":
        if not isinstance(value, bool):
            raise bad("must be true or false")
        return value
    return value
