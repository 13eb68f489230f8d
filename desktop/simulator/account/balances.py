"""Account valuation: marks, net liquidating value, requirements, buying power, balance JSON.

``net liquidating value = cash + stock and option values (longs minus shorts) + futures
unrealized P/L + crypto``; option buying power is ``NLV - requirement - reserved`` where
``reserved`` is what working opening orders hold. Stock buying power is twice that in a margin
account (Reg T), equal to it in a cash account.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from desktop.simulator.account.margin import Holding, requirement
from desktop.simulator.account.models import Position
from desktop.simulator.market import Instrument, MarketModel
from desktop.simulator.wire import dec, effect_of, iso

ZERO = Decimal(0)
_CENT = Decimal("0.001")
HUGE = Decimal("1e12")


def d3(x: float | int | Decimal) -> Decimal:
    """Money rounded to 3 decimals (as the API shows most balances)."""
    if isinstance(x, int):
        x = Decimal(x)
    if isinstance(x, float):
        if not math.isfinite(x):
            return HUGE if x > 0 else -HUGE
        x = Decimal(repr(x))
    return x.quantize(_CENT, ROUND_HALF_UP)


@dataclass
class Marked:
    """A position (or hypothetical one) with its instrument and current mark."""

    symbol: str
    kind: str
    qty: Decimal
    multiplier: Decimal
    mark: Decimal
    average_open_price: Decimal
    inst: Instrument | None
    under_price: float


@dataclass
class Valuation:
    cash: Decimal
    long_equity: Decimal = ZERO
    short_equity: Decimal = ZERO
    long_derivative: Decimal = ZERO
    short_derivative: Decimal = ZERO
    long_futures: Decimal = ZERO
    short_futures: Decimal = ZERO
    futures_pnl: Decimal = ZERO
    long_futures_derivative: Decimal = ZERO
    short_futures_derivative: Decimal = ZERO
    long_crypto: Decimal = ZERO
    requirement: Decimal = ZERO
    futures_requirement: Decimal = ZERO
    reserved: Decimal = ZERO
    cash_account: bool = False

    @property
    def nlv(self) -> Decimal:
        return (
            self.cash
            + self.long_equity
            - self.short_equity
            + self.long_derivative
            - self.short_derivative
            + self.futures_pnl
            + self.long_futures_derivative
            - self.short_futures_derivative
            + self.long_crypto
        )

    @property
    def option_bp(self) -> Decimal:
        return self.nlv - self.requirement - self.reserved

    @property
    def equity_bp(self) -> Decimal:
        bp = self.option_bp
        return bp if self.cash_account or bp <= 0 else bp * 2


def mark_positions(
    positions: Iterable[Position], market: MarketModel, resolve: Callable[[str], Instrument | None]
) -> list[Marked]:
    out = []
    for p in positions:
        if p.quantity == 0:
            continue
        inst = resolve(p.symbol)
        mark = p.close_price
        under = math.nan
        if inst is not None:
            _bid, _ask, mid = market.quote(inst)
            if mid == mid:
                mark = Decimal(repr(round(mid, 6)))
            if inst.is_option:
                under = market.price_of(inst.underlying_streamer)
        out.append(
            Marked(
                p.symbol, p.instrument_type, p.quantity, p.multiplier, mark, p.average_open_price, inst, under
            )
        )
    return out


def holdings_of(marked: Iterable[Marked], market: MarketModel) -> list[Holding]:
    out = []
    for m in marked:
        inst = m.inst
        group = m.symbol
        strike, is_call, initial = 0.0, False, 0.0
        if inst is not None:
            if inst.is_option:
                group = inst.underlying_symbol
                strike, is_call = inst.strike, inst.option_type == "C"
            elif inst.kind == "Future":
                product = market.universe.futures.get(inst.product_code)
                initial = product.initial_margin if product else 0.0
                group = inst.symbol
            else:
                group = inst.symbol
        out.append(
            Holding(
                m.kind,
                group,
                float(m.qty),
                float(m.mark),
                float(m.multiplier),
                strike,
                is_call,
                m.under_price,
                initial,
            )
        )
    return out


def value(
    cash: Decimal, marked: list[Marked], market: MarketModel, cash_account: bool, reserved: Decimal
) -> Valuation:
    v = Valuation(cash=cash, reserved=reserved, cash_account=cash_account)
    for m in marked:
        amount = m.qty * m.mark * m.multiplier
        if m.kind == "Equity":
            if amount >= 0:
                v.long_equity += amount
            else:
                v.short_equity -= amount
        elif m.kind == "Equity Option":
            if amount >= 0:
                v.long_derivative += amount
            else:
                v.short_derivative -= amount
        elif m.kind == "Future Option":
            if amount >= 0:
                v.long_futures_derivative += amount
            else:
                v.short_futures_derivative -= amount
        elif m.kind == "Future":
            if amount >= 0:
                v.long_futures += amount
            else:
                v.short_futures -= amount
            v.futures_pnl += (m.mark - m.average_open_price) * m.qty * m.multiplier
        elif m.kind == "Cryptocurrency":
            v.long_crypto += amount
    holdings = holdings_of(marked, market)
    v.requirement = d3(requirement(holdings, cash_account))
    v.futures_requirement = d3(requirement([h for h in holdings if h.kind == "Future"], cash_account))
    return v


def balance_wire(account: str, v: Valuation, now_ms: int, snapshot_date: str) -> dict[str, Any]:
    """The balance object of tastytrade-rest.md 2.3 (every amount a string)."""
    nlv = v.nlv
    bp = v.option_bp
    free = max(bp, ZERO)
    out = {
        "account-number": account,
        "currency": "USD",
        "cash-balance": d3(v.cash),
        "long-equity-value": d3(v.long_equity),
        "short-equity-value": d3(v.short_equity),
        "long-derivative-value": d3(v.long_derivative),
        "short-derivative-value": d3(v.short_derivative),
        "long-futures-value": d3(v.long_futures),
        "short-futures-value": d3(v.short_futures),
        "long-futures-derivative-value": d3(v.long_futures_derivative),
        "short-futures-derivative-value": d3(v.short_futures_derivative),
        "long-margineable-value": d3(ZERO if v.cash_account else v.long_equity),
        "short-margineable-value": d3(ZERO if v.cash_account else v.short_equity),
        "margin-equity": d3(nlv),
        "equity-buying-power": d3(max(v.equity_bp, ZERO)),
        "derivative-buying-power": d3(free),
        "day-trading-buying-power": "0.0",
        "futures-margin-requirement": d3(v.futures_requirement),
        "available-trading-funds": d3(free),
        "maintenance-requirement": d3(v.requirement),
        "maintenance-call-value": d3(max(-bp, ZERO)),
        "reg-t-call-value": "0.0",
        "day-trading-call-value": "0.0",
        "day-equity-call-value": "0.0",
        "net-liquidating-value": d3(nlv),
        "cash-available-to-withdraw": d3(max(min(v.cash, free), ZERO)),
        "day-trade-excess": d3(free),
        "pending-cash": "0.0",
        "pending-cash-effect": "None",
        "long-cryptocurrency-value": d3(v.long_crypto),
        "short-cryptocurrency-value": "0.0",
        "cryptocurrency-margin-requirement": d3(v.long_crypto),
        "unsettled-cryptocurrency-fiat-amount": "0.0",
        "unsettled-cryptocurrency-fiat-effect": "None",
        "closed-loop-available-balance": d3(max(min(v.cash, free), ZERO)),
        "equity-offering-margin-requirement": "0.0",
        "long-bond-value": "0.0",
        "bond-margin-requirement": "0.0",
        "long-fixed-income-security-value": "0.0",
        "fixed-income-security-margin-requirement": "0.0",
        "used-derivative-buying-power": d3(v.requirement + v.reserved),
        "snapshot-date": snapshot_date,
        "reg-t-margin-requirement": d3(v.requirement),
        "futures-overnight-margin-requirement": d3(v.futures_requirement),
        "futures-intraday-margin-requirement": d3(v.futures_requirement / 2),
        "maintenance-excess": d3(nlv - v.requirement),
        "pending-margin-interest": "0.0",
        "buying-power-adjustment": "0.0",
        "buying-power-adjustment-effect": "None",
        "effective-cryptocurrency-buying-power": d3(free),
        "updated-at": iso(now_ms),
    }
    return {k: (dec(x) if isinstance(x, Decimal) else x) for k, x in out.items()}


def bp_wire(
    current: Decimal, new: Decimal, change_req: Decimal, isolated: Decimal, change_bp: Decimal, spread: bool
) -> dict[str, Any]:
    def q(x: Decimal) -> str:
        return dec(abs(x).quantize(Decimal("0.001")))

    return {
        "change-in-margin-requirement": q(change_req),
        "change-in-margin-requirement-effect": "Debit"
        if change_req > 0
        else ("Credit" if change_req < 0 else "None"),
        "change-in-buying-power": q(change_bp),
        "change-in-buying-power-effect": effect_of(-change_bp),
        "current-buying-power": q(current),
        "current-buying-power-effect": "Credit" if current >= 0 else "Debit",
        "new-buying-power": q(new),
        "new-buying-power-effect": "Credit" if new >= 0 else "Debit",
        "isolated-order-margin-requirement": q(isolated),
        "isolated-order-margin-requirement-effect": "Debit" if isolated > 0 else "None",
        "is-spread": spread,
        "impact": q(change_bp),
        "effect": effect_of(-change_bp),
    }
