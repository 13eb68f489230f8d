"""Incoming order JSON -> ``Order``: lenient parsing, request validation, static preflight checks.

Parsing accepts numbers or strings for every decimal and ignores unknown keys (real clients
send ``source``, ``behavior``...). Schema problems raise ``ApiError`` 400 ``validation_error``
with ``domain``/``reason`` items; business-rule problems are returned as preflight errors
(``{"code", "message"}``) for the caller to combine with the buying-power check.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from typing import Any

from desktop.core.money import TickSize, is_on_tick, tick_for_price
from desktop.simulator.account.models import Leg, Order
from desktop.simulator.market import Instrument, MarketModel
from desktop.simulator.rest.envelope import ApiError

TIME_IN_FORCE = ("Day", "GTC", "GTD", "Ext", "Ext Overnight", "GTC Ext", "GTC Ext Overnight", "IOC")
ORDER_TYPES = ("Limit", "Market", "Stop", "Stop Limit", "Notional Market", "Marketable Limit")
ACTIONS = ("Buy to Open", "Buy to Close", "Sell to Open", "Sell to Close", "Buy", "Sell")
PRICED = ("Limit", "Stop Limit", "Marketable Limit")
ORDER_SIZE_LIMITS = {
    "Equity": Decimal(50_000),
    "Equity Option": Decimal(10_000),
    "Future": Decimal(2_500),
    "Future Option": Decimal(2_500),
    "Cryptocurrency": Decimal(1_000_000),
}
EXTENDED_TIF = ("Ext", "Ext Overnight", "GTC Ext", "GTC Ext Overnight")


def _bad(domain: str, reason: str) -> ApiError:
    return ApiError(
        400, "validation_error", "Request validation failed", [{"domain": domain, "reason": reason}]
    )


def _decimal(body: dict[str, Any], key: str) -> Decimal | None:
    raw = body.get(key)
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise _bad(key, "must be a number")
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise _bad(key, "must be a number") from None
    if not value.is_finite():
        raise _bad(key, "must be a finite number")
    return value


def perr(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def parse_order(
    body: dict[str, Any], account: str, market: MarketModel
) -> tuple[Order, list[Instrument | None]]:
    """Parse a new-order body (schema errors raise 400); returns the order and leg instruments."""
    tif = body.get("time-in-force")
    if tif not in TIME_IN_FORCE:
        raise _bad(
            "time-in-force", "is missing" if tif is None else f"must be one of {', '.join(TIME_IN_FORCE)}"
        )
    otype = body.get("order-type")
    if otype not in ORDER_TYPES:
        raise _bad(
            "order-type", "is missing" if otype is None else f"must be one of {', '.join(ORDER_TYPES)}"
        )
    price = _decimal(body, "price")
    effect = body.get("price-effect")
    stop = _decimal(body, "stop-trigger")
    notional = _decimal(body, "value")
    value_effect = body.get("value-effect")
    if otype in PRICED:
        if price is None:
            raise _bad("price", "is missing")
        if effect not in ("Debit", "Credit") and not (price == 0 and effect in (None, "None")):
            raise _bad("price-effect", "must be Debit or Credit")
    elif price is not None:
        raise _bad("price", f"is not allowed for {otype} orders")
    if price is not None and price < 0:
        raise _bad("price", "must not be negative (use price-effect for the direction)")
    if otype in ("Stop", "Stop Limit"):
        if stop is None or stop <= 0:
            raise _bad("stop-trigger", "is missing")
    elif stop is not None:
        raise _bad("stop-trigger", f"is not allowed for {otype} orders")
    if otype == "Notional Market":
        if notional is None or notional <= 0 or value_effect not in ("Debit", "Credit"):
            raise _bad("value", "Notional Market orders need value and value-effect")
    elif notional is not None and price is not None:
        raise _bad("value", "price and value cannot both be given")
    gtc_date = body.get("gtc-date")
    if tif == "GTD" and (not isinstance(gtc_date, str) or len(gtc_date) < 10):
        raise _bad("gtc-date", "is missing (required with GTD)")
    raw_legs = body.get("legs")
    if not isinstance(raw_legs, list) or not raw_legs:
        raise _bad("legs", "is missing")
    if len(raw_legs) > 4:
        raise _bad("legs", "at most 4 legs")
    legs: list[Leg] = []
    instruments: list[Instrument | None] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_legs):
        if not isinstance(raw, dict):
            raise _bad(f"legs[{i}]", "must be an object")
        symbol = raw.get("symbol")
        action = raw.get("action")
        if not isinstance(symbol, str) or not symbol.strip():
            raise _bad(f"legs[{i}].symbol", "is missing")
        if action not in ACTIONS:
            raise _bad(
                f"legs[{i}].action",
                "is missing" if action is None else f"must be one of {', '.join(ACTIONS)}",
            )
        qty = _decimal(raw, "quantity")
        if otype != "Notional Market" and (qty is None or qty <= 0):
            raise _bad(f"legs[{i}].quantity", "must be a positive number")
        inst = market.resolve_rest(symbol)
        kind = inst.kind if inst is not None else str(raw.get("instrument-type") or "Equity")
        if kind == "Index":
            kind = "Equity"
        canonical = inst.symbol if inst is not None else symbol.strip()
        if canonical in seen:
            raise _bad(f"legs[{i}].symbol", "each leg symbol must be distinct")
        seen.add(canonical)
        legs.append(Leg(kind, canonical, action, qty or Decimal(0), qty or Decimal(0)))
        instruments.append(inst)
    first = instruments[0]
    underlying = first.underlying_symbol if first is not None else legs[0].symbol
    under_kind = "Equity"
    if legs[0].instrument_type in ("Future", "Future Option"):
        under_kind = "Future"
    elif legs[0].instrument_type == "Cryptocurrency":
        under_kind = "Cryptocurrency"
    if first is not None and first.kind == "Future":
        underlying = "/" + first.product_code
    if first is not None and first.kind == "Future Option":
        underlying = "/" + first.product_code
    order = Order(
        None,
        account,
        tif,
        otype,
        "Received",
        legs,
        underlying,
        under_kind,
        price=price,
        price_effect=effect if price is not None and effect in ("Debit", "Credit") else None,
        stop_trigger=stop,
        value=notional,
        value_effect=value_effect if notional is not None else None,
        gtc_date=gtc_date[:10] if tif == "GTD" and isinstance(gtc_date, str) else None,
        source=_str(body.get("source")),
        external_identifier=_str(body.get("external-identifier")),
        partition_key=_str(body.get("partition-key")),
    )
    if price is not None and price == 0 and order.price_effect is None:
        order.price_effect = "None"
    return order, instruments


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def strict_position_effect(body: dict[str, Any]) -> bool:
    adv = body.get("advanced-instructions")
    return isinstance(adv, dict) and bool(adv.get("strict-position-effect-validation"))


def static_checks(
    order: Order, instruments: list[Instrument | None], cash_account: bool
) -> list[dict[str, str]]:
    """Preflight errors that do not depend on prices or positions."""
    errors: list[dict[str, str]] = []
    for leg, inst in zip(order.legs, instruments, strict=True):
        if inst is None:
            errors.append(perr("invalid_symbol", f"{leg.symbol} is not a tradable instrument."))
            continue
        if inst.kind == "Index":
            errors.append(perr("invalid_symbol", f"{leg.symbol} is an index and cannot be traded."))
        limit = ORDER_SIZE_LIMITS.get(inst.kind)
        if limit is not None and leg.quantity > limit:
            errors.append(
                perr(
                    "order_quantity_exceeds_limit",
                    f"Order quantity {leg.quantity:,} exceeds the maximum of {limit:,} "
                    f"for {inst.kind} orders.",
                )
            )
        if (
            inst.kind in ("Equity Option", "Future Option", "Future")
            and leg.quantity != leg.quantity.to_integral_value()
        ):
            errors.append(
                perr("invalid_quantity", f"{leg.symbol}: quantity must be a whole number of contracts.")
            )
    kinds = {i.kind for i in instruments if i is not None}
    if len(order.legs) > 1 and kinds & {"Future", "Cryptocurrency"}:
        errors.append(
            perr("invalid_leg_combination", "Futures and cryptocurrency orders have exactly one leg.")
        )
    if order.order_type in ("Market", "Stop", "Notional Market") and len(order.legs) > 1:
        errors.append(perr("invalid_order_type", f"{order.order_type} orders must have exactly one leg."))
    if order.order_type == "Market" and order.time_in_force in ("GTC", "GTD", "GTC Ext", "GTC Ext Overnight"):
        errors.append(perr("gtc_market_orders_not_supported", "GTC/GTD Market orders are not supported."))
    if order.time_in_force in EXTENDED_TIF and (len(order.legs) > 1 or kinds - {"Equity"}):
        errors.append(
            perr(
                "invalid_time_in_force",
                "Extended-hours orders are only accepted for single-leg equity orders.",
            )
        )
    if order.order_type == "Notional Market" and kinds - {"Cryptocurrency", "Equity"}:
        errors.append(
            perr(
                "invalid_order_type", "Notional orders are only accepted for crypto and fractional equities."
            )
        )
    if order.price_effect in ("Debit", "Credit") and order.price and order.price > 0:
        if all(leg.is_buy for leg in order.legs) and order.price_effect == "Credit":
            errors.append(perr("cant_buy_for_credit", "You cannot buy for a credit."))
        if all(not leg.is_buy for leg in order.legs) and order.price_effect == "Debit":
            errors.append(perr("cant_sell_for_debit", "You cannot sell for a debit."))
    if order.price is not None and order.price > 0 and instruments and instruments[0] is not None:
        ticks = _order_ticks(instruments)
        tick = tick_for_price(order.price, ticks)
        if not is_on_tick(order.price, tick):
            errors.append(
                perr(
                    "invalid_price_increment",
                    f"The price {order.price} is not a valid increment; "
                    f"this order's prices move in steps of {tick}.",
                )
            )
    if order.stop_trigger is not None and instruments and instruments[0] is not None:
        tick = tick_for_price(order.stop_trigger, instruments[0].tick_sizes)
        if not is_on_tick(order.stop_trigger, tick):
            errors.append(
                perr(
                    "invalid_price_increment",
                    f"The stop trigger {order.stop_trigger} is not a valid increment of {tick}.",
                )
            )
    if cash_account:
        for leg, inst in zip(order.legs, instruments, strict=True):
            if inst is not None and inst.kind == "Equity" and leg.action == "Sell to Open":
                errors.append(
                    perr("short_selling_not_permitted", "Short selling is not permitted in a cash account.")
                )
            if inst is not None and inst.kind == "Future":
                errors.append(perr("futures_not_permitted", "Futures are not permitted in this account."))
    return errors


def _order_ticks(instruments: list[Instrument | None]) -> tuple[TickSize, ...]:
    """Tick rules for the order price: the leg's own for one leg; the finest for spreads."""
    if len(instruments) == 1:
        return instruments[0].tick_sizes  # type: ignore[union-attr]
    finest = min((i.tick_sizes[0].value for i in instruments if i is not None), default=Decimal("0.01"))
    return (TickSize(finest),)


def ratios(order: Order) -> tuple[Decimal, list[Decimal]]:
    """(units, per-unit quantity of each leg): a 1x2 of 3 units is 3 x (1, 2)."""
    qs = [leg.quantity for leg in order.legs]
    if not qs or any(q <= 0 for q in qs) or any(q != q.to_integral_value() for q in qs):
        return Decimal(1), qs
    g = math.gcd(*(int(q) for q in qs))
    return Decimal(g), [q / g for q in qs]


def replacement_body(old: Order, body: dict[str, Any], partial: bool) -> dict[str, Any]:
    """The full order body of a replacement: the old order, overridden by the new fields."""
    base = old.to_wire()
    merged: dict[str, Any] = {k: base[k] for k in ("time-in-force", "order-type", "legs") if k in base}
    if partial:
        for k in ("price", "price-effect", "stop-trigger", "gtc-date", "value", "value-effect"):
            if k in base:
                merged[k] = base[k]
    merged.update({k: v for k, v in body.items() if v is not None})
    if "legs" not in body or not body.get("legs"):
        merged["legs"] = [
            {
                "instrument-type": leg["instrument-type"],
                "symbol": leg["symbol"],
                "quantity": leg["quantity"],
                "action": leg["action"],
            }
            for leg in base["legs"]
        ]
    if merged.get("order-type") in ("Market", "Stop"):
        merged.pop("price", None)
        merged.pop("price-effect", None)
    if merged.get("order-type") in ("Market", "Limit", "Marketable Limit"):
        merged.pop("stop-trigger", None)
    return merged
