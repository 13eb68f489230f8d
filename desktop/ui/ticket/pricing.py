"""Pricing the ticket from live quotes: mid and natural of the whole order, ticks, brackets.

Pure functions over :class:`~desktop.ui.ticket.legs.TicketLeg` and per-symbol
:class:`LegQuote` values (floats from the feed). Prices leave here as ``Decimal``s rounded
to the order's tick size; ``None`` means "not known yet" (a leg without a two-sided quote).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from desktop.core.money import TickSize, round_price, step_price
from desktop.core.orders import OrderLeg, PriceEffect, net_price_effect, spread_unit

from .legs import EQUITY_TICKS, TicketLeg

__all__ = [
    "LegQuote",
    "bracket_defaults",
    "cash_per_point",
    "implied_effect",
    "nudge",
    "order_tick_sizes",
    "round_order_price",
    "spread_price",
]


@dataclass(frozen=True, slots=True)
class LegQuote:
    """A leg's best bid and ask (``None`` when the feed has not said)."""

    bid: float | None
    ask: float | None

    @property
    def mid(self) -> float | None:
        if self.bid is None or self.ask is None or self.ask < self.bid or self.ask <= 0:
            return None
        return (self.bid + self.ask) / 2


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def order_tick_sizes(legs: Sequence[TicketLeg]) -> tuple[TickSize, ...]:
    """The tick sizes the order's price moves in: the options' (a spread prices like its
    options), else the first leg's."""
    for leg in legs:
        if leg.is_option and leg.tick_sizes:
            return leg.tick_sizes
    return legs[0].tick_sizes if legs and legs[0].tick_sizes else EQUITY_TICKS


def round_order_price(price: Decimal, legs: Sequence[TicketLeg]) -> Decimal:
    return round_price(abs(price), order_tick_sizes(legs))


def nudge(price: Decimal, legs: Sequence[TicketLeg], ticks: int) -> Decimal:
    """``price`` moved by whole ticks, never below zero."""
    return max(step_price(abs(price), order_tick_sizes(legs), ticks), Decimal(0))


def _option_multiplier(legs: Sequence[TicketLeg]) -> Decimal:
    for leg in legs:
        if leg.is_option:
            return leg.multiplier
    return Decimal(100)


def spread_price(
    legs: Sequence[TicketLeg], quotes: Mapping[str, LegQuote], kind: str = "mid"
) -> tuple[Decimal, PriceEffect] | None:
    """Net price of one unit of the order at ``kind`` (``"mid"``, or ``"natural"``: buys at
    the ask, sells at the bid), rounded to the tick; ``None`` while a leg has no quote."""
    if not legs:
        return None
    priced: list[tuple[OrderLeg, Decimal]] = []
    for leg in legs:
        quote = quotes.get(leg.symbol)
        if quote is None:
            return None
        value = quote.mid if kind == "mid" else _finite(quote.ask) if leg.is_buy else _finite(quote.bid)
        if value is None or value < 0:
            return None
        priced.append((leg.order_leg(Decimal(1)), Decimal(repr(value))))
    shares = int(_option_multiplier(legs))
    net, effect = net_price_effect(priced, shares_per_contract=shares)
    return round_order_price(net, legs), effect


def implied_effect(legs: Sequence[TicketLeg]) -> PriceEffect | None:
    """Debit for an all-buy order, Credit for an all-sell one, ``None`` for a mix (the
    quotes decide)."""
    if not legs:
        return None
    if all(leg.is_buy for leg in legs):
        return PriceEffect.DEBIT
    if not any(leg.is_buy for leg in legs):
        return PriceEffect.CREDIT
    return None


def cash_per_point(legs: Sequence[TicketLeg], size: Decimal) -> Decimal:
    """Dollars per 1.00 of the order's price: a 1x1 SPY vertical x2 is 200, 300 shares is 300.

    Mirrors how ``net_price_effect`` quotes a spread: quantities reduced to their ratio, shares
    counted in round lots when options are present.
    """
    if not legs:
        return Decimal(0)
    has_options = any(leg.is_option for leg in legs)
    lot = _option_multiplier(legs)
    counts = [leg.ratio / lot if has_options and not leg.is_option else leg.ratio for leg in legs]
    unit = spread_unit(counts)
    per_unit = lot if has_options else legs[0].multiplier
    return unit * size * per_unit


def bracket_defaults(
    price: Decimal, effect: PriceEffect, legs: Sequence[TicketLeg]
) -> tuple[Decimal, Decimal]:
    """Starting (take-profit limit, stop trigger) for a bracket on an order at ``price``.

    Options: take half the credit or half again the debit; stop at a 100 % loss of the
    credit (twice the credit) or half the debit. Shares, futures, crypto: +/- 5 %.
    """
    options = any(leg.is_option for leg in legs)
    if options:
        profit_k, stop_k = ("0.5", "2") if effect is PriceEffect.CREDIT else ("1.5", "0.5")
    else:
        profit_k, stop_k = ("0.95", "1.05") if effect is PriceEffect.CREDIT else ("1.05", "0.95")
    ticks = order_tick_sizes(legs)
    smallest = min(t.value for t in ticks)
    profit = max(round_price(price * Decimal(profit_k), ticks), smallest)
    stop = max(round_price(price * Decimal(stop_k), ticks), smallest)
    return profit, stop
