"""Wire value helpers shared by REST and the ledger: decimal strings, effects, timestamps."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from desktop.core.money import wire_decimal


def dec(value: Decimal | int | float | str) -> str:
    """A wire decimal string: ``"100.0"``, ``"2.302"``, ``"0.0"`` (``"NaN"`` for non-finite floats)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return "NaN"
        value = Decimal(repr(value))
    return wire_decimal(value)


def effect_of(signed: Decimal) -> str:
    """``Credit`` for positive, ``Debit`` for negative, ``None`` for zero."""
    return "Credit" if signed > 0 else ("Debit" if signed < 0 else "None")


def money(prefix: str, signed: Decimal, out: dict[str, Any], effect_key: str | None = None) -> None:
    """Write ``prefix`` (magnitude) and ``prefix-effect`` for a signed amount into ``out``."""
    out[prefix] = dec(abs(signed))
    out[effect_key or f"{prefix}-effect"] = effect_of(signed)


def iso(ms: int | None) -> str | None:
    """``2025-05-28T13:38:47.851+00:00`` for epoch ms (None stays None)."""
    if ms is None:
        return None
    dt = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+00:00"


def quantity(q: Decimal) -> int | float:
    """Quantities are JSON numbers: ints when whole."""
    return int(q) if q == q.to_integral_value() else float(q)
