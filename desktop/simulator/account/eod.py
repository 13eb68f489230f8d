"""Housekeeping run every few seconds: the day roll and option expirations.

When the New York date changes, each account gets an end-of-day balance snapshot for the day
that ended and positions take today's marks as their ``close-price``. Options past their
expiration leave the account: worthless ones with an ``Expiration`` transaction, in-the-money
equity options by exercise/assignment into stock at the strike, cash-settled (index and
future) options by their intrinsic value.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.simulator.account import identity
from desktop.simulator.account.store import Batch
from desktop.simulator.market.hours import et_date
from desktop.simulator.wire import dec, iso

if TYPE_CHECKING:
    from desktop.simulator.account.ledger import Ledger
    from desktop.simulator.account.models import Position

log = logging.getLogger(__name__)
ZERO = Decimal(0)
CASH_SETTLED_ROOTS = frozenset({"SPX", "SPXW", "NDX", "RUT", "VIX", "XSP"})


def housekeeping(ledger: Ledger) -> None:
    now = ledger.ctx.clock.now_ms()
    today = et_date(now).isoformat()
    if ledger.last_day and ledger.last_day != today:
        roll_day(ledger, ledger.last_day, today)
    elif not ledger.last_day:
        ledger.last_day = today
    expire_options(ledger, now)


def roll_day(ledger: Ledger, ended: str, today: str) -> None:
    batch = Batch()
    ledger.drop_closed_positions(batch)
    for spec in identity.ACCOUNTS:
        snap = ledger.balance(spec.number)
        snap["snapshot-date"] = ended
        snap["time-of-day"] = "EOD"
        ledger.snapshots[(spec.number, ended, "EOD")] = snap
        batch.put("snapshots", (spec.number, ended, "EOD"), snap)
        for p in ledger.positions[spec.number].values():
            inst = ledger.instrument(p.symbol)
            if inst is not None:
                _, _, mid = ledger.market.quote(inst)
                if mid == mid:
                    p.close_price = Decimal(repr(round(mid, 4)))
            ledger.put_position(batch, p, publish=False)
    ledger.last_day = today
    batch.meta["last_day"] = today
    ledger.commit(batch)
    log.info("day roll: %s ended, snapshots written", ended)


def expire_options(ledger: Ledger, now: int) -> None:
    expired: list[Position] = [
        p
        for positions in ledger.positions.values()
        for p in positions.values()
        if p.expires_at and p.expires_at <= now and p.quantity != 0
    ]
    if not expired:
        return
    batch = Batch()
    for p in expired:
        _settle(ledger, batch, p, now)
    ledger.commit(batch)
    for account in {p.account for p in expired}:
        ledger.publish_balance(account)


def _settle(ledger: Ledger, batch: Batch, p: Position, now: int) -> None:
    inst = ledger.instrument(p.symbol)
    if p.instrument_type == "Future":
        _settle_future(ledger, batch, p, now)
        return
    under = ledger.market.price_of(inst.underlying_streamer) if inst is not None else float("nan")
    strike = Decimal(repr(inst.strike)) if inst is not None else ZERO
    is_call = inst is not None and inst.option_type == "C"
    u = Decimal(repr(round(under, 4))) if under == under else ZERO
    intrinsic = max(u - strike, ZERO) if is_call else max(strike - u, ZERO)
    qty = p.quantity
    long = qty > 0
    if intrinsic <= 0 or inst is None:
        _record(
            ledger, batch, p, "Expiration", ZERO, now, f"Removal of {abs(qty)} {p.symbol} due to expiration."
        )
    elif inst.kind == "Future Option" or inst.root in CASH_SETTLED_ROOTS:
        amount = intrinsic * abs(qty) * p.multiplier * (1 if long else -1)
        ledger.cash[p.account] += amount
        ledger.put_cash(batch, p.account)
        kind = "Cash Settled Exercise" if long else "Cash Settled Assignment"
        _record(ledger, batch, p, kind, amount, now, f"{kind} of {abs(qty)} {p.symbol}")
    else:
        shares = abs(qty) * p.multiplier
        buy = (is_call and long) or (not is_call and not long)
        from desktop.simulator.account.models import Leg, Order

        stock = ledger.instrument(inst.underlying_symbol)
        order = Order(None, p.account, "Day", "Market", "Filled", [], inst.underlying_symbol, "Equity")
        leg = Leg("Equity", inst.underlying_symbol, "Buy to Open" if buy else "Sell to Open", shares, shares)
        order.id = ledger.next_id("order", batch)
        order.legs = [leg]
        if stock is not None:
            ledger._apply_position(
                p.account, leg, stock, shares if buy else -shares, strike, Decimal(1), now, batch
            )
        flow = -shares * strike if buy else shares * strike
        ledger.cash[p.account] += flow
        ledger.put_cash(batch, p.account)
        kind = "Exercise" if long else "Assignment"
        _record(
            ledger,
            batch,
            p,
            kind,
            flow,
            now,
            f"{kind} of {abs(qty)} {p.symbol}: {dec(shares)} shares at {dec(strike)}",
        )
    p.quantity = ZERO
    p.updated_at = now
    ledger.put_position(batch, p)


def _settle_future(ledger: Ledger, batch: Batch, p: Position, now: int) -> None:
    """A future at its last trading time: settle at the final price, realizing the P/L in cash."""
    inst = ledger.instrument(p.symbol)
    final = ledger.market.price_of(inst.streamer_symbol) if inst is not None else float("nan")
    price = Decimal(repr(round(final, 2))) if final == final else p.close_price
    pnl = (price - p.average_open_price) * p.quantity * p.multiplier
    ledger.cash[p.account] += pnl
    ledger.put_cash(batch, p.account)
    _record(
        ledger,
        batch,
        p,
        "Futures Settlement",
        pnl,
        now,
        f"Final settlement of {abs(p.quantity)} {p.symbol} at {dec(price)}",
    )
    p.quantity = ZERO
    p.updated_at = now
    ledger.put_position(batch, p)


def _record(
    ledger: Ledger, batch: Batch, p: Position, sub_type: str, amount: Decimal, now: int, text: str
) -> None:
    row: dict[str, Any] = {
        "id": ledger.next_id("transaction", batch),
        "account-number": p.account,
        "symbol": p.symbol,
        "instrument-type": p.instrument_type,
        "underlying-symbol": p.underlying_symbol,
        "transaction-type": "Receive Deliver",
        "transaction-sub-type": sub_type,
        "description": text,
        "action": "Buy to Close" if p.quantity < 0 else "Sell to Close",
        "quantity": dec(abs(p.quantity)),
        "price": "0.0",
        "executed-at": iso(now),
        "transaction-date": et_date(now).isoformat(),
        "value": dec(abs(amount)),
        "value-effect": "Credit" if amount > 0 else ("Debit" if amount < 0 else "None"),
        "net-value": dec(abs(amount)),
        "net-value-effect": "Credit" if amount > 0 else ("Debit" if amount < 0 else "None"),
        "is-estimated-fee": False,
    }
    ledger.add_transaction(batch, row)
