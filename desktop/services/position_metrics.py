"""Live values of a position: mark, P/L, greeks, beta-weighted delta, DTE (pure math, no Qt).

Conventions (the ones trading platforms use):

* ``delta`` is in underlying units (share-equivalents): stock ``quantity``; an option
  ``greek delta x quantity x multiplier``; a future ``quantity x multiplier``. So
  ``delta x underlying price`` is the dollar delta.
* ``theta`` and ``vega`` are dollars per day and per volatility point for the whole position.
* ``beta_weighted_delta`` is the position's dollar delta expressed in SPY shares:
  ``delta x beta x underlying price / SPY price``.
* Open P/L is against the average open price; day P/L against the day's basis (the
  average daily market close, which is today's open price for a position opened today) plus
  what was realized today. Money is ``Decimal`` rounded to cents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from desktop.api.models import Position
from desktop.core.calendar import days_to_expiration
from desktop.core.money import quantize_money
from desktop.core.symbols import InstrumentType, instrument_type_of, parse_occ

NEW_YORK = ZoneInfo("America/New_York")
OPTION_TYPES = frozenset({InstrumentType.EQUITY_OPTION.value, InstrumentType.FUTURE_OPTION.value})


@dataclass(frozen=True, slots=True)
class MarketInputs:
    """What the market says about one position right now (floats from the feed; NaN = unknown)."""

    bid: float = math.nan
    ask: float = math.nan
    last: float = math.nan
    delta: float = math.nan
    theta: float = math.nan
    vega: float = math.nan
    underlying_price: float = math.nan
    beta: float | None = None
    spy_price: float = math.nan


@dataclass(frozen=True, slots=True)
class PositionValues:
    """Computed values for one position; ``None`` where the inputs do not allow a number."""

    mark: Decimal | None
    market_value: Decimal | None
    open_pl: Decimal | None
    day_pl: Decimal | None
    delta: float | None
    theta: float | None
    vega: float | None
    beta_weighted_delta: float | None
    dte: int | None


def _ok(x: float | None) -> bool:
    return x is not None and math.isfinite(x)


def mark_price(inputs: MarketInputs, fallback: Decimal | None = None) -> Decimal | None:
    """Mid of a two-sided quote, else the last trade, else ``fallback`` (REST mark/close)."""
    if _ok(inputs.bid) and _ok(inputs.ask) and inputs.bid > 0 and inputs.ask > 0 and inputs.ask >= inputs.bid:
        return Decimal(repr((inputs.bid + inputs.ask) / 2))
    if _ok(inputs.last) and inputs.last > 0:
        return Decimal(repr(inputs.last))
    return fallback


def expiration_of(position: Position) -> date | None:
    """The option's expiration date (New York), from ``expires-at`` or the OCC symbol."""
    if position.expires_at is not None:
        return position.expires_at.astimezone(NEW_YORK).date()
    if position.instrument_type == InstrumentType.EQUITY_OPTION.value:
        try:
            return parse_occ(position.symbol).expiration
        except ValueError:
            return None
    return None


def is_option(position: Position) -> bool:
    return position.instrument_type in OPTION_TYPES or instrument_type_of(position.symbol) in (
        InstrumentType.EQUITY_OPTION,
        InstrumentType.FUTURE_OPTION,
    )


def position_values(position: Position, inputs: MarketInputs, today: date) -> PositionValues:
    """Everything the Positions panel shows for ``position`` given the live ``inputs``."""
    qty = position.signed_quantity
    mult = position.multiplier or Decimal(1)
    rest_mark = position.mark_price or position.mark
    mark = mark_price(inputs, rest_mark if rest_mark is not None else position.close_price)
    size = qty * mult

    market_value = quantize_money(mark * size) if mark is not None else None
    open_pl = day_pl = None
    if mark is not None and position.average_open_price is not None:
        open_pl = quantize_money((mark - position.average_open_price) * size)
    basis = position.average_daily_market_close_price or position.close_price
    if mark is not None and basis is not None:
        day_pl = quantize_money((mark - basis) * size + position.realized_day_gain)

    f_size = float(size)
    option = is_option(position)
    if option:
        delta = inputs.delta * f_size if _ok(inputs.delta) else None
        theta = inputs.theta * f_size if _ok(inputs.theta) else None
        vega = inputs.vega * f_size if _ok(inputs.vega) else None
        underlying = inputs.underlying_price
    else:
        delta, theta, vega = f_size, 0.0, 0.0
        underlying = inputs.underlying_price if _ok(inputs.underlying_price) else float(mark or "nan")

    bw_delta = None
    if delta is not None and _ok(underlying) and _ok(inputs.spy_price) and inputs.spy_price > 0:
        beta = inputs.beta if _ok(inputs.beta) else None
        if beta is not None:
            bw_delta = delta * beta * underlying / inputs.spy_price

    expiration = expiration_of(position) if option else None
    dte = days_to_expiration(expiration, today) if expiration is not None else None
    return PositionValues(
        mark=mark,
        market_value=market_value,
        open_pl=open_pl,
        day_pl=day_pl,
        delta=delta,
        theta=theta,
        vega=vega,
        beta_weighted_delta=bw_delta,
        dte=dte,
    )


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over a group of positions (None-valued members are skipped and counted)."""

    open_pl: Decimal
    day_pl: Decimal
    delta: float
    theta: float
    vega: float
    beta_weighted_delta: float
    incomplete: int


def totals(values: list[PositionValues]) -> Totals:
    """Subtotals for a group; ``incomplete`` counts positions with a value still unknown."""
    open_pl = day_pl = Decimal(0)
    delta = theta = vega = bw = 0.0
    incomplete = 0
    for v in values:
        missing = False
        for name in ("open_pl", "day_pl", "delta", "theta", "vega", "beta_weighted_delta"):
            if getattr(v, name) is None:
                missing = True
        incomplete += missing
        open_pl += v.open_pl or 0
        day_pl += v.day_pl or 0
        delta += v.delta or 0.0
        theta += v.theta or 0.0
        vega += v.vega or 0.0
        bw += v.beta_weighted_delta or 0.0
    return Totals(open_pl, day_pl, delta, theta, vega, bw, incomplete)
