"""First start of a state file: fund the demo accounts and open a few positions and orders.

``5WT00001`` gets ~$100k of net liquidating value with 100 AAPL, an SPY put credit spread, one
/ES future and two working GTC orders; ``5WT00002`` (Roth IRA, cash) holds QQQ shares;
``5WT00003`` (read-only) holds NVDA. Positions are opened at prices of a few weeks ago (from
the same seeded history the charts show), with the deposits and trades as transactions.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from desktop.core import calendar
from desktop.simulator.account import identity
from desktop.simulator.account.ledger import Ledger, new_request_id
from desktop.simulator.account.models import Leg, Order
from desktop.simulator.account.store import Batch
from desktop.simulator.market.hours import et_date, midnight_ms
from desktop.simulator.wire import dec, iso

_CENT = Decimal("0.01")


def _price(ledger: Ledger, symbol: str, days_ago: int, tick: Decimal = _CENT) -> Decimal:
    """The instrument's close ``days_ago`` trading days back (seeded history), on ``tick``."""
    inst = ledger.instrument(symbol)
    assert inst is not None, symbol
    day = et_date(ledger.ctx.clock.now_ms())
    for _ in range(days_ago):
        day = calendar.previous_trading_day(day)
    level = math.exp(ledger.market.paths.level_on(inst.path, day)) * inst.ratio
    if inst.kind == "Future":
        product = ledger.market.universe.futures[inst.product_code]
        years = max(inst.expires_ms - midnight_ms(day), 0) / (365.0 * 86_400_000)
        level *= math.exp(product.carry_rate * years)
    return (Decimal(repr(level)) / tick).quantize(Decimal(1), ROUND_HALF_UP) * tick


def _mark(ledger: Ledger, symbol: str) -> Decimal:
    inst = ledger.instrument(symbol)
    assert inst is not None
    _, _, mid = ledger.market.quote(inst)
    return Decimal(repr(mid)).quantize(_CENT, ROUND_HALF_UP)


def _trade(
    ledger: Ledger,
    batch: Batch,
    account: str,
    legs: list[tuple[str, str, str, int, Decimal]],
    when_ms: int,
    order_type: str = "Limit",
) -> None:
    """A filled historical order: legs are (instrument type, symbol, action, quantity, price)."""
    oid = ledger.next_id("order", batch)
    order = Order(
        oid,
        account,
        "Day",
        order_type,
        "Routed",
        [Leg(t, s, a, Decimal(q), Decimal(q)) for t, s, a, q, _ in legs],
        _underlying(ledger, legs[0][1]),
        "Future" if legs[0][0] == "Future" else "Equity",
        received_at=when_ms,
        updated_at=when_ms,
        global_request_id=new_request_id(),
    )
    net = sum(((-p if a.startswith("Buy") else p) for _, _, a, _, p in legs), Decimal(0))
    if order_type == "Limit":
        order.price, order.price_effect = abs(net), ("Credit" if net > 0 else "Debit")
    ledger.orders[oid] = order
    for leg, (_, _, _, q, p) in zip(order.legs, legs, strict=True):
        ledger.fill_leg(batch, order, leg, Decimal(q), p, when_ms)
    order.status, order.in_flight_at, order.live_at = "Filled", when_ms + 40, when_ms + 80
    order.terminal_at = order.updated_at = when_ms + 120
    ledger.put_order(batch, order, publish=False)


def _underlying(ledger: Ledger, symbol: str) -> str:
    inst = ledger.instrument(symbol)
    return inst.underlying_symbol if inst else symbol


def _working(
    ledger: Ledger,
    batch: Batch,
    account: str,
    symbol: str,
    action: str,
    qty: int,
    price: Decimal,
    when_ms: int,
) -> None:
    oid = ledger.next_id("order", batch)
    order = Order(
        oid,
        account,
        "GTC",
        "Limit",
        "Live",
        [Leg("Equity", symbol, action, Decimal(qty), Decimal(qty))],
        symbol,
        "Equity",
        price=price,
        price_effect="Debit" if action.startswith("Buy") else "Credit",
        received_at=when_ms,
        in_flight_at=when_ms + 40,
        live_at=when_ms + 80,
        updated_at=when_ms + 80,
        global_request_id=new_request_id(),
    )
    if action.endswith("Open"):
        order.bp_reserved = (price * qty / 2).quantize(_CENT)
    ledger.orders[oid] = order
    ledger.put_order(batch, order, publish=False)


def _deposit(ledger: Ledger, batch: Batch, account: str, amount: Decimal, when_ms: int) -> None:
    ledger.cash[account] = ledger.cash.get(account, Decimal(0)) + amount
    row: dict[str, Any] = {
        "id": ledger.next_id("transaction", batch),
        "account-number": account,
        "transaction-type": "Money Movement",
        "transaction-sub-type": "Deposit",
        "description": "ACH DEPOSIT",
        "executed-at": iso(when_ms),
        "transaction-date": et_date(when_ms).isoformat(),
        "value": dec(amount),
        "value-effect": "Credit",
        "net-value": dec(amount),
        "net-value-effect": "Credit",
        "is-estimated-fee": False,
    }
    ledger.add_transaction(batch, row)
    ledger.put_cash(batch, account)


def _spread_legs(ledger: Ledger) -> list[tuple[str, str, str, int, Decimal]]:
    """An SPY put credit spread ~5 % out of the money in the monthly 30-60 days out."""
    chain = ledger.market.chain("SPY")
    assert chain is not None
    today = et_date(ledger.ctx.clock.now_ms())
    spot = ledger.market.price_of("SPY")
    monthlies = [
        e
        for e in chain.expirations
        if e.spec.expiration_type == "Regular"
        and timedelta(days=25) <= e.spec.day - today <= timedelta(days=70)
    ]
    exp = monthlies[0] if monthlies else chain.expirations[len(chain.expirations) // 2]
    strikes = [k for k in exp.strikes if k % 5 == 0]
    short_k = min(strikes, key=lambda k: abs(float(k) - spot * 0.95))
    long_k = max((k for k in strikes if k <= short_k - 10), default=strikes[0])
    short_sym = next(
        i.symbol
        for i in chain.instruments
        if i.expiration == exp.spec.day
        and i.option_type == "P"
        and Decimal(repr(i.strike)) == short_k
        and i.root == exp.spec.root
    )
    long_sym = next(
        i.symbol
        for i in chain.instruments
        if i.expiration == exp.spec.day
        and i.option_type == "P"
        and Decimal(repr(i.strike)) == long_k
        and i.root == exp.spec.root
    )
    short_px = (_mark(ledger, short_sym) * Decimal("1.35")).quantize(_CENT) + Decimal("0.05")
    long_px = (_mark(ledger, long_sym) * Decimal("1.2")).quantize(_CENT)
    return [
        ("Equity Option", short_sym, "Sell to Open", 2, short_px),
        ("Equity Option", long_sym, "Buy to Open", 2, long_px),
    ]


def seed(ledger: Ledger) -> None:
    """Fund and populate the demo accounts; commits one batch and marks the store seeded."""
    batch = Batch()
    now = ledger.ctx.clock.now_ms()
    today = et_date(now)
    for spec in identity.ACCOUNTS:
        opened = midnight_ms(date.fromisoformat(spec.opened_at[:10])) + 15 * 3_600_000
        _deposit(ledger, batch, spec.number, Decimal(spec.starting_cash), opened)

    def ago(days: int) -> int:
        d = today
        for _ in range(days):
            d = calendar.previous_trading_day(d)
        return midnight_ms(d) + 15 * 3_600_000 + days * 61_000

    a1, a2, a3 = (s.number for s in identity.ACCOUNTS)
    _trade(ledger, batch, a1, [("Equity", "AAPL", "Buy to Open", 100, _price(ledger, "AAPL", 23))], ago(23))
    _trade(ledger, batch, a1, [("Equity", "MSFT", "Buy to Open", 30, _price(ledger, "MSFT", 12))], ago(12))
    _trade(ledger, batch, a1, _spread_legs(ledger), ago(6))
    es = ledger.market.registry.contracts["ES"][0].symbol
    _trade(
        ledger, batch, a1, [("Future", es, "Buy to Open", 1, _price(ledger, es, 4, Decimal("0.25")))], ago(4)
    )
    _trade(ledger, batch, a2, [("Equity", "QQQ", "Buy to Open", 25, _price(ledger, "QQQ", 30))], ago(30))
    _trade(ledger, batch, a3, [("Equity", "NVDA", "Buy to Open", 50, _price(ledger, "NVDA", 40))], ago(40))
    msft = _mark(ledger, "MSFT")
    aapl = _mark(ledger, "AAPL")
    _working(ledger, batch, a1, "MSFT", "Buy to Open", 10, (msft * Decimal("0.92")).quantize(_CENT), ago(2))
    _working(ledger, batch, a1, "AAPL", "Sell to Close", 50, (aapl * Decimal("1.10")).quantize(_CENT), ago(1))
    for positions in ledger.positions.values():
        for p in positions.values():
            p.close_price = _mark(ledger, p.symbol)
            ledger.put_position(batch, p, publish=False)
    from desktop.simulator.account.watchlists import seed_watchlists

    seed_watchlists(ledger, batch, now)
    batch.meta["seeded"] = iso(now) or ""
    batch.meta["last_day"] = today.isoformat()
    ledger.last_day = today.isoformat()
    ledger.commit(batch)
