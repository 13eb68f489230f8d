"""Client-side order checks: Tastytrade's documented order rules, as plain sentences.

Used by ``NewOrder.problems()`` / ``NewComplexOrder.problems()`` (and by the embedded
exchange to reject what the real one rejects). Enumerations are compared by their wire
strings, so this module needs no runtime import of ``desktop.core.orders``.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.core.orders import NewComplexOrder, NewOrder, OrderLeg

__all__ = ["MAX_LEGS", "complex_order_problems", "order_problems"]

MAX_LEGS = 4
_PRICED = ("Limit", "Stop Limit", "Marketable Limit")
_EXTENDED = ("Ext", "GTC Ext", "Ext Overnight", "GTC Ext Overnight")
_LONG_LIVED = ("GTC", "GTD", "GTC Ext", "GTC Ext Overnight")
_WHOLE_CONTRACTS = ("Equity Option", "Future", "Future Option")
_NOTIONAL_TYPES = ("Equity", "Cryptocurrency")
_BUYS = ("Buy to Open", "Buy to Close", "Buy")
_CLOSING = ("Buy to Close", "Sell to Close")


def _leg_name(index: int, leg: OrderLeg) -> str:
    return f"Leg {index} ({leg.symbol.strip() or 'no symbol'})"


def _leg_problems(order: NewOrder) -> list[str]:
    found: list[str] = []
    legs = order.legs
    if not legs:
        return ["The order has no legs."]
    if len(legs) > MAX_LEGS:
        found.append(f"An order can have at most {MAX_LEGS} legs; this one has {len(legs)}.")
    repeated = [symbol for symbol, n in Counter(leg.symbol.strip() for leg in legs).items() if n > 1]
    if repeated:
        found.append(f"Each leg needs a different symbol; {', '.join(repeated)} appears more than once.")
    notional = order.order_type == "Notional Market"
    for i, leg in enumerate(legs, start=1):
        name = _leg_name(i, leg)
        if not leg.symbol.strip():
            found.append(f"Leg {i} has no symbol.")
        if notional:
            if leg.quantity is not None:
                found.append(f"{name}: a notional order gives a dollar value, not a quantity.")
        elif leg.quantity is None:
            found.append(f"{name} needs a quantity.")
        elif leg.quantity <= 0:
            found.append(f"{name}: the quantity must be positive (the action says buy or sell).")
        elif leg.instrument_type in _WHOLE_CONTRACTS and leg.quantity != leg.quantity.to_integral_value():
            found.append(f"{name}: {leg.instrument_type.lower()} quantities must be whole contracts.")
        if leg.action in ("Buy", "Sell") and leg.instrument_type != "Future":
            found.append(
                f"{name}: plain '{leg.action}' is only for futures; "
                f"use '{leg.action} to Open' or '{leg.action} to Close'."
            )
    if len(legs) > 1 and any(leg.instrument_type == "Cryptocurrency" for leg in legs):
        found.append("Cryptocurrency orders have a single leg.")
    return found


def _price_problems(order: NewOrder) -> list[str]:
    found: list[str] = []
    kind = order.order_type
    has_price = order.price is not None
    if kind in _PRICED:
        if not has_price:
            found.append(f"A {kind.lower()} order needs a limit price.")
        if order.price_effect is None:
            found.append("Say whether the price is a debit or a credit.")
    elif has_price:
        found.append(f"A {kind.lower()} order cannot have a limit price.")
    elif order.price_effect is not None:
        found.append("A price effect was given without a price.")
    if has_price and order.price is not None and order.price < 0:
        found.append("The price must not be negative; use the debit/credit effect for its direction.")
    if has_price and order.price == 0 and len(order.legs) == 1:
        found.append("A single-leg order needs a price above zero.")

    if kind in ("Stop", "Stop Limit"):
        if order.stop_trigger is None:
            found.append(f"A {kind.lower()} order needs a stop trigger price.")
        elif order.stop_trigger <= 0:
            found.append("The stop trigger must be above zero.")
    elif order.stop_trigger is not None:
        found.append(f"A {kind.lower()} order cannot have a stop trigger.")

    if kind == "Notional Market":
        if order.value is None or order.value <= 0:
            found.append("A notional market order needs a dollar value above zero.")
        if order.value_effect is None:
            found.append("Say whether the notional value is a debit or a credit.")
        if len(order.legs) != 1:
            found.append("A notional market order has exactly one leg.")
        if any(leg.instrument_type not in _NOTIONAL_TYPES for leg in order.legs):
            found.append("Notional (dollar amount) orders are only for stocks and cryptocurrencies.")
    elif order.value is not None or order.value_effect is not None:
        found.append("Only notional market orders take a dollar value.")

    effect = order.price_effect or order.value_effect
    if effect == "Credit" and order.is_buy_only:
        found.append("You cannot buy for a credit.")
    if effect == "Debit" and order.is_sell_only:
        found.append("You cannot sell for a debit.")
    return found


def _time_in_force_problems(order: NewOrder, today: date | None) -> list[str]:
    found: list[str] = []
    tif, kind = order.time_in_force, order.order_type
    if tif == "GTD":
        if order.gtc_date is None:
            found.append("A good-till-date order needs its date.")
        elif today is not None and order.gtc_date < today:
            found.append(f"The good-till date {order.gtc_date.isoformat()} is in the past.")
    elif order.gtc_date is not None:
        found.append("A date is only used with the GTD time in force.")
    if kind in ("Market", "Notional Market"):
        if tif in _LONG_LIVED:
            found.append("GTC/GTD market orders are not supported.")
        if kind == "Market" and len(order.legs) > 1:
            found.append("Market orders have a single leg; price a spread with a limit.")
    if kind == "Stop" and tif in _LONG_LIVED and any(leg.action not in _CLOSING for leg in order.legs):
        found.append("A GTC stop order can only close a position.")
    if tif in _EXTENDED and (len(order.legs) != 1 or order.legs[0].instrument_type != "Equity"):
        found.append("Extended-hours orders are for a single stock leg only.")
    return found


def order_problems(order: NewOrder, today: date | None = None) -> list[str]:
    """Everything wrong with ``order`` (empty when it looks sendable)."""
    return _leg_problems(order) + _price_problems(order) + _time_in_force_problems(order, today)


def _prefixed(prefix: str, problems: list[str]) -> list[str]:
    return [f"{prefix}: {p[0].lower()}{p[1:]}" for p in problems]


def complex_order_problems(order: NewComplexOrder, today: date | None = None) -> list[str]:
    """Structure checks for OCO / OTOCO / OTO / PAIRS plus each child's own problems."""
    found: list[str] = []
    kind, children, trigger = order.type, order.orders, order.trigger_order
    if kind not in ("OCO", "OTOCO", "OTO", "PAIRS"):
        return [f"Unknown complex order type {kind!r} (OCO, OTOCO, OTO or PAIRS)."]
    if kind in ("OTOCO", "OTO") and trigger is None:
        found.append(f"An {kind} order needs a trigger order.")
    if kind in ("OCO", "PAIRS") and trigger is not None:
        found.append(f"An {kind} order has no trigger order.")
    if kind in ("OCO", "OTOCO", "PAIRS") and len(children) != 2:
        found.append(f"An {kind} order has exactly two orders; this one has {len(children)}.")
    if kind == "OTO" and not 1 <= len(children) <= 3:
        found.append(f"An OTO order has one to three orders after the trigger; this one has {len(children)}.")
    if kind in ("OCO", "OTOCO"):
        for i, child in enumerate(children, start=1):
            if any(leg.action not in _CLOSING for leg in child.legs):
                found.append(f"Order {i}: the one-cancels-other orders must close a position.")
    if trigger is not None:
        found += _prefixed("Trigger order", order_problems(trigger, today))
    for i, child in enumerate(children, start=1):
        found += _prefixed(f"Order {i}", order_problems(child, today))
    return found
