"""Money on the wire: Decimal parsing, decimal strings, ``-effect`` signs, tick sizes.

The API sends amounts as unsigned decimal strings with a ``Credit``/``Debit``/``None``
sibling (``price`` + ``price-effect``). Internally a signed ``Decimal`` is easier to add up:
credits positive, debits negative (``signed`` / ``split_signed`` convert).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Literal

__all__ = [
    "Effect",
    "TickSize",
    "is_on_tick",
    "parse_tick_sizes",
    "quantize_money",
    "round_price",
    "round_to_tick",
    "signed",
    "split_signed",
    "step_price",
    "tick_for_price",
    "to_decimal",
    "wire_decimal",
]

RoundingMode = Literal["nearest", "up", "down"]
_ROUNDING = {"nearest": ROUND_HALF_UP, "up": ROUND_CEILING, "down": ROUND_FLOOR}


def to_decimal(value: object) -> Decimal | None:
    """A wire number (string, int, float or Decimal) as a ``Decimal``.

    ``None``, ``""``, ``"NaN"`` and non-finite values give ``None``; floats go through
    ``repr`` so ``0.1`` becomes ``Decimal("0.1")``. Anything else raises ``ValueError``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        return Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            return None
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    else:
        raise ValueError(f"not a number: {value!r} ({type(value).__name__})")
    return result if result.is_finite() else None


def wire_decimal(value: Decimal | int | str) -> str:
    """Plain decimal notation with at least one decimal and no trailing zeros beyond it:
    ``Decimal("100") -> "100.0"``, ``Decimal("2.3020") -> "2.302"``, ``0 -> "0.0"``."""
    d = value if isinstance(value, Decimal) else to_decimal(value)
    if d is None or not d.is_finite():
        raise ValueError(f"cannot write {value!r} as a wire decimal")
    if d == 0:
        return "0.0"
    text = format(d.normalize(), "f")
    return text if "." in text else text + ".0"


class Effect(StrEnum):
    """The ``-effect`` sibling of an unsigned wire amount."""

    CREDIT = "Credit"
    DEBIT = "Debit"
    NONE = "None"


def signed(amount: Decimal | str | float | int | None, effect: Effect | str | None) -> Decimal:
    """Signed value of an unsigned wire amount: Credit positive, Debit negative.

    A missing amount counts as zero; an effect of ``None`` (or absent) keeps the amount as is.
    """
    value = to_decimal(amount) or Decimal(0)
    kind = Effect(effect) if effect else Effect.NONE
    if kind is Effect.DEBIT:
        return -abs(value)
    if kind is Effect.CREDIT:
        return abs(value)
    return value


def split_signed(value: Decimal) -> tuple[Decimal, Effect]:
    """Signed value -> (magnitude, effect); zero gives ``Effect.NONE``."""
    if value > 0:
        return value, Effect.CREDIT
    if value < 0:
        return -value, Effect.DEBIT
    return abs(value), Effect.NONE


def quantize_money(value: Decimal, places: int = 2) -> Decimal:
    """Round half away from zero to ``places`` decimals (cents by default)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


# ---------------------------------------------------------------------------------------------
# Tick sizes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TickSize:
    """One tick-size rule: ``value`` applies below ``threshold`` (``None``: everywhere above)."""

    value: Decimal
    threshold: Decimal | None = None


def parse_tick_sizes(items: Iterable[Mapping[str, object]] | None) -> tuple[TickSize, ...]:
    """Wire ``tick-sizes`` (``[{"value": "0.01", "threshold": "3.0"}, {"value": "0.05"}]``)."""
    result = []
    for item in items or ():
        value = to_decimal(item.get("value"))
        if value is None or value <= 0:
            raise ValueError(f"bad tick size {item!r}")
        result.append(TickSize(value, to_decimal(item.get("threshold"))))
    return tuple(result)


def tick_for_price(price: Decimal, tick_sizes: Sequence[TickSize]) -> Decimal:
    """The tick that applies at ``price``: the first rule whose threshold is above the
    price's magnitude, else the rule without a threshold."""
    if not tick_sizes:
        raise ValueError("no tick sizes given")
    magnitude = abs(price)
    fallback = None
    for rule in tick_sizes:
        if rule.threshold is None:
            fallback = fallback or rule.value
        elif magnitude < rule.threshold:
            return rule.value
    if fallback is None:
        # every rule has a threshold and the price is above them all: use the last one
        return tick_sizes[-1].value
    return fallback


def round_to_tick(price: Decimal, tick: Decimal, mode: RoundingMode = "nearest") -> Decimal:
    """Round to a multiple of ``tick``; ``up``/``down`` round toward +/- infinity."""
    if tick <= 0:
        raise ValueError(f"tick must be positive, not {tick}")
    steps = (price / tick).quantize(Decimal(1), rounding=_ROUNDING[mode])
    return (steps * tick).quantize(tick)


def is_on_tick(price: Decimal, tick: Decimal) -> bool:
    """Whether ``price`` is an exact multiple of ``tick``."""
    return price % tick == 0


def round_price(price: Decimal, tick_sizes: Sequence[TickSize], mode: RoundingMode = "nearest") -> Decimal:
    """Round to the tick that applies at the price (thresholds honoured on both sides)."""
    rounded = round_to_tick(price, tick_for_price(price, tick_sizes), mode)
    tick_there = tick_for_price(rounded, tick_sizes)
    if is_on_tick(rounded, tick_there):
        return rounded
    return round_to_tick(rounded, tick_there, mode)


def step_price(price: Decimal, tick_sizes: Sequence[TickSize], steps: int) -> Decimal:
    """Move a price by whole ticks (the up/down arrows of a price field).

    Each step uses the tick that applies on its side of a threshold: with
    ``[0.01 below 3, 0.05]`` one step up from 2.99 is 3.00 and one step down from 3.00 is 2.99.
    """
    value = round_price(price, tick_sizes)
    for _ in range(abs(steps)):
        if steps > 0:
            tick = tick_for_price(value, tick_sizes) if value >= 0 else _tick_below(-value, tick_sizes)
            value += tick
        else:
            tick = _tick_below(value, tick_sizes) if value > 0 else tick_for_price(value, tick_sizes)
            value -= tick
    return value


def _tick_below(magnitude: Decimal, tick_sizes: Sequence[TickSize]) -> Decimal:
    """The tick of the band just below ``magnitude`` (used when stepping toward zero)."""
    smallest = min(rule.value for rule in tick_sizes)
    return tick_for_price(magnitude - smallest, tick_sizes) if magnitude > smallest else smallest
