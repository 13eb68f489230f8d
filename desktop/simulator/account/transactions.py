"""Transaction rows (the ``/transactions`` item shape) for trades."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from desktop.simulator.account.fees import Fees
from desktop.simulator.account.models import Leg, Order
from desktop.simulator.market import Instrument
from desktop.simulator.market.hours import et_date
from desktop.simulator.wire import dec, effect_of, iso, quantity

ZERO = Decimal(0)
_PAST = {"Buy to Open": "Bought", "Buy to Close": "Bought", "Buy": "Bought"}


def trade_row(
    order: Order,
    leg: Leg,
    inst: Instrument | None,
    qty: Decimal,
    price: Decimal,
    mult: Decimal,
    fees: Fees,
    flow: Decimal,
    now: int,
) -> dict[str, Any]:
    """One fill of one leg as a ``Trade`` transaction (``id`` 0: the ledger assigns it).

    ``value`` is the principal (debit for buys); futures move no principal, their realized P/L
    (``flow``) shows as ``other-charge``; ``net-value`` is what the cash balance changed by.
    """
    f = fees.rounded()
    future = leg.instrument_type == "Future"
    value_signed = ZERO if future else -(qty if leg.is_buy else -qty) * price * mult
    net = (flow if future else value_signed) - f.total
    verb = _PAST.get(leg.action, "Sold")
    what = inst.description if inst is not None and inst.is_option else leg.symbol
    row: dict[str, Any] = {
        "id": 0,
        "account-number": order.account,
        "symbol": leg.symbol,
        "instrument-type": leg.instrument_type,
        "underlying-symbol": inst.underlying_symbol if inst else leg.symbol,
        "transaction-type": "Trade",
        "transaction-sub-type": leg.action,
        "description": f"{verb} {quantity(qty)} {what} @ {dec(price)}",
        "action": leg.action,
        "quantity": dec(qty),
        "price": dec(price),
        "executed-at": iso(now),
        "transaction-date": et_date(now).isoformat(),
        "value": dec(abs(value_signed)),
        "value-effect": effect_of(value_signed),
        "regulatory-fees": dec(f.regulatory),
        "regulatory-fees-effect": effect_of(-f.regulatory),
        "clearing-fees": dec(f.clearing),
        "clearing-fees-effect": effect_of(-f.clearing),
        "commission": dec(f.commission),
        "commission-effect": effect_of(-f.commission),
        "proprietary-index-option-fees": dec(f.proprietary),
        "proprietary-index-option-fees-effect": effect_of(-f.proprietary),
        "net-value": dec(abs(net)),
        "net-value-effect": effect_of(net),
        "is-estimated-fee": True,
        "order-id": order.id,
        "exec-id": leg.fills[-1].exec_id,
        "ext-exec-id": leg.fills[-1].exec_id,
        "ext-group-fill-id": "0",
        "leg-count": len(order.legs),
        "destination-venue": "TASTYDESK_SIM",
        "exchange": "SIM",
    }
    if future:
        row["other-charge"] = dec(abs(flow))
        row["other-charge-effect"] = effect_of(flow)
        row["other-charge-description"] = "Realized futures P/L"
    return row
