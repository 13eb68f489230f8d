"""The order ticket model and its exact wire JSON (``POST .../orders`` and ``.../dry-run``).

``NewOrder.to_json()`` is canonical: the same ticket always gives the same bytes, so the
text that passed dry-run is exactly the text that is sent (``fingerprint()`` compares them).
Prices, values and stop triggers are unsigned decimals with a ``Debit``/``Credit`` effect.
``problems()`` lists what Tastytrade would reject, in plain words, before anything is sent.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

from desktop.core.money import to_decimal, wire_decimal
from desktop.core.order_checks import complex_order_problems, order_problems

__all__ = [
    "NewComplexOrder",
    "NewOrder",
    "OrderAction",
    "OrderLeg",
    "OrderType",
    "PriceEffect",
    "TimeInForce",
    "net_price_effect",
    "spread_unit",
]


class OrderType(StrEnum):
    LIMIT = "Limit"
    MARKET = "Market"
    STOP = "Stop"
    STOP_LIMIT = "Stop Limit"
    NOTIONAL_MARKET = "Notional Market"
    MARKETABLE_LIMIT = "Marketable Limit"


class TimeInForce(StrEnum):
    DAY = "Day"
    GTC = "GTC"
    GTD = "GTD"
    EXT = "Ext"
    GTC_EXT = "GTC Ext"
    IOC = "IOC"
    EXT_OVERNIGHT = "Ext Overnight"
    GTC_EXT_OVERNIGHT = "GTC Ext Overnight"


class OrderAction(StrEnum):
    BUY_TO_OPEN = "Buy to Open"
    BUY_TO_CLOSE = "Buy to Close"
    SELL_TO_OPEN = "Sell to Open"
    SELL_TO_CLOSE = "Sell to Close"
    BUY = "Buy"
    SELL = "Sell"

    @property
    def is_buy(self) -> bool:
        return self in (OrderAction.BUY_TO_OPEN, OrderAction.BUY_TO_CLOSE, OrderAction.BUY)

    @property
    def is_opening(self) -> bool:
        """``... to Open`` (plain ``Buy``/``Sell`` futures actions count as opening)."""
        return self not in (OrderAction.BUY_TO_CLOSE, OrderAction.SELL_TO_CLOSE)


class PriceEffect(StrEnum):
    DEBIT = "Debit"
    CREDIT = "Credit"


_E = TypeVar("_E", bound=StrEnum)


def _decimal_or_none(value: object, name: str) -> Decimal | None:
    try:
        return to_decimal(value)
    except ValueError:
        raise ValueError(f"{name} is not a number: {value!r}") from None


def _wire_enum(kind: type[_E], value: object, field: str) -> _E:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in kind)  # type: ignore[attr-defined]
        raise ValueError(f"{field} {value!r} is not one of {allowed}") from None


def _optional_enum(kind: type[_E], value: object, field: str) -> _E | None:
    return None if value in (None, "") else _wire_enum(kind, value, field)


def _wire_date(value: object, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{field} {value!r} is not a YYYY-MM-DD date") from None


def _wire_quantity(quantity: Decimal) -> int | str:
    """Whole quantities as JSON integers, fractional ones (crypto, fractional shares) as strings."""
    return int(quantity) if quantity == quantity.to_integral_value() else wire_decimal(quantity)


@dataclass(frozen=True)
class OrderLeg:
    """One leg: ``instrument_type`` is the wire string (``"Equity Option"``...)."""

    instrument_type: str
    symbol: str
    action: OrderAction
    quantity: Decimal | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "instrument_type", str(self.instrument_type))
        object.__setattr__(self, "action", OrderAction(self.action))
        if self.quantity is not None and not isinstance(self.quantity, Decimal):
            object.__setattr__(self, "quantity", _decimal_or_none(self.quantity, "leg quantity"))

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"instrument-type": self.instrument_type, "symbol": self.symbol}
        if self.quantity is not None:
            wire["quantity"] = _wire_quantity(self.quantity)
        wire["action"] = self.action.value
        return wire

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> OrderLeg:
        """Parse a request leg (quantity as number or string; absent for notional orders)."""
        try:
            return cls(
                str(data["instrument-type"]),
                str(data["symbol"]),
                _wire_enum(OrderAction, data["action"], "action"),
                _decimal_or_none(data.get("quantity"), "quantity"),
            )
        except KeyError as missing:
            raise ValueError(f"order leg is missing {missing.args[0]!r}") from None


@dataclass(frozen=True)
class NewOrder:
    """A new (single) order as the ticket builds it."""

    order_type: OrderType
    time_in_force: TimeInForce
    legs: tuple[OrderLeg, ...]
    price: Decimal | None = None
    price_effect: PriceEffect | None = None
    stop_trigger: Decimal | None = None
    value: Decimal | None = None
    value_effect: PriceEffect | None = None
    gtc_date: date | None = None
    source: str | None = None
    external_identifier: str | None = None

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "order_type", OrderType(self.order_type))
        set_(self, "time_in_force", TimeInForce(self.time_in_force))
        set_(self, "legs", tuple(self.legs))
        for name in ("price", "stop_trigger", "value"):
            raw = getattr(self, name)
            if raw is not None and not isinstance(raw, Decimal):
                set_(self, name, _decimal_or_none(raw, name.replace("_", "-")))
        for name in ("price_effect", "value_effect"):
            if getattr(self, name) is not None:
                set_(self, name, PriceEffect(getattr(self, name)))

    # -- wire -----------------------------------------------------------------------------

    def to_wire(self) -> dict[str, Any]:
        """The request body, keys in the documented order, absent fields omitted."""
        wire: dict[str, Any] = {"time-in-force": self.time_in_force.value}
        if self.gtc_date is not None:
            wire["gtc-date"] = self.gtc_date.isoformat()
        wire["order-type"] = self.order_type.value
        if self.stop_trigger is not None:
            wire["stop-trigger"] = wire_decimal(self.stop_trigger)
        if self.price is not None:
            wire["price"] = wire_decimal(self.price)
        if self.price_effect is not None:
            wire["price-effect"] = self.price_effect.value
        if self.value is not None:
            wire["value"] = wire_decimal(self.value)
        if self.value_effect is not None:
            wire["value-effect"] = self.value_effect.value
        wire["legs"] = [leg.to_wire() for leg in self.legs]
        if self.source is not None:
            wire["source"] = self.source
        if self.external_identifier is not None:
            wire["external-identifier"] = self.external_identifier
        return wire

    def to_json(self) -> str:
        """Compact canonical JSON: what dry-run and send both post, byte for byte."""
        return _canonical_json(self.to_wire())

    def fingerprint(self) -> str:
        """SHA-256 (hex) of ``to_json()``."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> NewOrder:
        """Parse a request body (numbers or strings for decimals; unknown keys ignored).

        Raises ``ValueError`` naming the field when a required field is missing or invalid.
        """
        if not isinstance(data, Mapping):
            raise ValueError("an order must be a JSON object")
        try:
            legs = data["legs"]
            order_type, tif = data["order-type"], data["time-in-force"]
        except KeyError as missing:
            raise ValueError(f"order is missing {missing.args[0]!r}") from None
        if not isinstance(legs, list):
            raise ValueError("'legs' must be a list")
        gtc = data.get("gtc-date")
        try:
            return cls(
                order_type=_wire_enum(OrderType, order_type, "order-type"),
                time_in_force=_wire_enum(TimeInForce, tif, "time-in-force"),
                legs=tuple(OrderLeg.from_wire(leg) for leg in legs),
                price=_decimal_or_none(data.get("price"), "price"),
                price_effect=_optional_enum(PriceEffect, data.get("price-effect"), "price-effect"),
                stop_trigger=_decimal_or_none(data.get("stop-trigger"), "stop-trigger"),
                value=_decimal_or_none(data.get("value"), "value"),
                value_effect=_optional_enum(PriceEffect, data.get("value-effect"), "value-effect"),
                gtc_date=_wire_date(gtc, "gtc-date"),
                source=data.get("source"),
                external_identifier=data.get("external-identifier"),
            )
        except (TypeError, AttributeError):
            raise ValueError("order has a field of the wrong type") from None

    # -- checks ---------------------------------------------------------------------------

    def problems(self, today: date | None = None) -> list[str]:
        """What is wrong with this order, in plain words (empty when it looks sendable).

        ``today`` (the exchange's date) enables the "GTD date in the past" check.
        """
        return order_problems(self, today)

    @property
    def is_buy_only(self) -> bool:
        return bool(self.legs) and all(leg.action.is_buy for leg in self.legs)

    @property
    def is_sell_only(self) -> bool:
        return bool(self.legs) and not any(leg.action.is_buy for leg in self.legs)


@dataclass(frozen=True)
class NewComplexOrder:
    """An OCO / OTOCO / OTO order: ``orders`` plus an optional ``trigger_order``."""

    type: str
    orders: tuple[NewOrder, ...]
    trigger_order: NewOrder | None = None
    source: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "orders", tuple(self.orders))

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"type": self.type}
        if self.trigger_order is not None:
            wire["trigger-order"] = self.trigger_order.to_wire()
        wire["orders"] = [order.to_wire() for order in self.orders]
        if self.source is not None:
            wire["source"] = self.source
        return wire

    def to_json(self) -> str:
        return _canonical_json(self.to_wire())

    def fingerprint(self) -> str:
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> NewComplexOrder:
        if not isinstance(data, Mapping) or not isinstance(data.get("orders"), list):
            raise ValueError("a complex order needs an 'orders' list")
        trigger = data.get("trigger-order")
        return cls(
            type=str(data.get("type") or ("OTOCO" if trigger else "OCO")),
            orders=tuple(NewOrder.from_wire(o) for o in data["orders"]),
            trigger_order=NewOrder.from_wire(trigger) if trigger else None,
            source=data.get("source"),
        )

    def problems(self, today: date | None = None) -> list[str]:
        """Structure checks (order counts per type, closing legs) plus each order's own."""
        return complex_order_problems(self, today)


def _canonical_json(wire: Mapping[str, Any]) -> str:
    return json.dumps(wire, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def spread_unit(quantities: Sequence[Decimal]) -> Decimal:
    """One unit of a spread: the greatest common divisor of whole positive quantities
    (2, 4, 2 -> 2), a single leg's own quantity, else 1. A spread is priced per unit."""
    if quantities and all(q == q.to_integral_value() and q > 0 for q in quantities):
        return Decimal(math.gcd(*(int(q) for q in quantities)))
    if len(quantities) == 1:
        return quantities[0]
    return Decimal(1)


def net_price_effect(
    legs_with_prices: Iterable[tuple[OrderLeg, Decimal | float]], shares_per_contract: int = 100
) -> tuple[Decimal, PriceEffect]:
    """Net unsigned price and its effect from per-leg prices (e.g. mids).

    Buying legs cost (debit), selling legs pay (credit). Quantities are reduced to the
    spread's ratio (a 2x4 butterfly prices as 1x2); with options present, stock legs count
    in round lots of ``shares_per_contract`` (a 100-share covered call prices per share).
    A zero net is reported as a debit.
    """
    items = [
        (leg, price if isinstance(price, Decimal) else Decimal(str(price))) for leg, price in legs_with_prices
    ]
    if not items:
        raise ValueError("no legs to price")
    has_options = any("Option" in leg.instrument_type for leg, _ in items)

    def units(leg: OrderLeg) -> Decimal:
        qty = abs(leg.quantity) if leg.quantity is not None else Decimal(1)
        return qty / shares_per_contract if has_options and leg.instrument_type == "Equity" else qty

    counts = [units(leg) for leg, _ in items]
    ratio = spread_unit(counts)
    net = Decimal(0)
    for (leg, price), count in zip(items, counts, strict=True):
        amount = count / ratio * price
        net += amount if leg.action.is_buy else -amount
    return abs(net), PriceEffect.DEBIT if net >= 0 else PriceEffect.CREDIT
