"""Order prices against the market: natural/mid net prices and per-leg fill prices.

Net prices are *signed debits per unit* (positive: the trader pays; negative: a credit), so
one comparison works for every order: a limit fills when the natural price is at or better
than the limit, ``natural <= limit``.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from desktop.simulator.account.intake import ratios
from desktop.simulator.account.models import Order
from desktop.simulator.market import Instrument, MarketModel

_CENT = Decimal("0.01")


def signed_limit(order: Order) -> Decimal | None:
    """The order's limit as a signed debit per unit (None for market-type orders)."""
    if order.price is None:
        return None
    return order.price if order.price_effect == "Debit" else -order.price


def leg_quotes(market: MarketModel, instruments: list[Instrument | None]) -> list[tuple[float, float]]:
    out = []
    for inst in instruments:
        if inst is None:
            out.append((math.nan, math.nan))
            continue
        bid, ask, _ = market.quote(inst)
        out.append((bid, ask))
    return out


def natural(order: Order, quotes: list[tuple[float, float]]) -> float:
    """Signed debit per unit at the quotes (buy at the ask, sell at the bid); NaN if unquoted."""
    _, per_unit = ratios(order)
    total = 0.0
    for leg, r, (bid, ask) in zip(order.legs, per_unit, quotes, strict=True):
        px = ask if leg.is_buy else bid
        if px != px:
            return math.nan
        total += float(r) * (px if leg.is_buy else -px)
    return total


def mid(order: Order, quotes: list[tuple[float, float]]) -> float:
    _, per_unit = ratios(order)
    total = 0.0
    for leg, r, (bid, ask) in zip(order.legs, per_unit, quotes, strict=True):
        m = (bid + ask) / 2
        total += float(r) * (m if leg.is_buy else -m)
    return total


def _q(x: float, tick: float) -> Decimal:
    d = Decimal(repr(round(x / tick) * tick)).quantize(Decimal(repr(tick)).normalize() if tick < 1 else _CENT)
    return d if d > 0 else Decimal(0)


def leg_prices(
    order: Order, quotes: list[tuple[float, float]], net: float, instruments: list[Instrument | None]
) -> list[Decimal]:
    """Per-leg fill prices (unsigned) whose signed, ratio-weighted sum is ``net``."""
    _, per_unit = ratios(order)
    if len(order.legs) == 1:
        inst = instruments[0]
        tick = inst.tick_at(abs(net)) if inst is not None else 0.01
        return [_q(abs(net), tick)]
    prices = [(ask if leg.is_buy else bid) for leg, (bid, ask) in zip(order.legs, quotes, strict=True)]
    signs = [1.0 if leg.is_buy else -1.0 for leg in order.legs]
    rs = [float(r) for r in per_unit]
    current = sum(s * r * p for s, r, p in zip(signs, rs, prices, strict=True))
    delta = net - current
    if abs(delta) > 1e-9:
        order_idx = sorted(range(len(prices)), key=lambda i: -rs[i] * prices[i])
        for j in order_idx:
            room = delta / (signs[j] * rs[j])
            new = prices[j] + room
            if new >= 0:
                prices[j] = new
                delta = 0.0
                break
            delta -= (-prices[j]) * signs[j] * rs[j]
            prices[j] = 0.0
    out = [_q(p, 0.01) for p in prices]
    # absorb rounding so the legs add up to the net exactly (to the cent)
    total = sum(Decimal(repr(s * r)) * p for s, r, p in zip(signs, rs, out, strict=True))
    target = Decimal(repr(round(net, 2)))
    diff = target - total
    if diff != 0:
        j = max(range(len(out)), key=lambda i: out[i])
        fix = out[j] + diff / Decimal(repr(signs[j] * rs[j]))
        if fix >= 0:
            out[j] = fix.quantize(Decimal("0.0001"), ROUND_HALF_UP).normalize()
    return out
