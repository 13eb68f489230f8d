# ruff: noqa: RUF009  (wire() returns a dataclasses.field)
"""Orders, legs, fills, complex orders, dry-run and submit results.

Prices and amounts are signed ``Decimal``s (Debit negative, Credit positive) with the raw
``-effect`` string kept beside them; :attr:`Order.price` of a debit limit at 1.09 is
``Decimal("-1.09")`` and ``price_effect`` is ``"Debit"``. Quantities are unsigned.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

from desktop.api.models._wire import (
    WireModel,
    boolean,
    day,
    dec,
    integer,
    many,
    one,
    raw_field,
    signed,
    text,
    timestamp,
    wire,
)

ZERO = Decimal(0)

#: Statuses after which an order never changes again (§3.9).
TERMINAL_STATUSES = frozenset({"Filled", "Cancelled", "Expired", "Rejected", "Removed", "Partially Removed"})
#: Statuses of an order that is (or is about to be) working at the exchange.
WORKING_STATUSES = frozenset(
    {"Received", "Routed", "In Flight", "Live", "Contingent", "Cancel Requested", "Replace Requested"}
)


@dataclass(frozen=True, slots=True)
class Fill(WireModel):
    """One execution of a leg."""

    fill_id: str = wire(text, default="")
    quantity: Decimal = wire(dec, default=ZERO)
    fill_price: Decimal | None = wire(dec)
    filled_at: datetime | None = wire(timestamp)
    destination_venue: str = wire(text, default="")
    ext_exec_id: str = wire(text, default="")
    ext_group_fill_id: str = wire(text, default="")


@dataclass(frozen=True, slots=True)
class OrderLeg(WireModel):
    """One leg of a placed order."""

    instrument_type: str = wire(text, default="")
    symbol: str = wire(text, default="")
    action: str = wire(text, default="")
    quantity: Decimal | None = wire(dec)
    remaining_quantity: Decimal | None = wire(dec)
    fills: tuple[Fill, ...] = wire(many(Fill), default=())

    @property
    def filled_quantity(self) -> Decimal:
        return sum((f.quantity for f in self.fills), ZERO)

    @property
    def is_buy(self) -> bool:
        return self.action.lower().startswith("buy")


@dataclass(frozen=True, slots=True)
class Order(WireModel):
    """A placed order (submit/dry-run result, ``/orders`` items, ``Order`` streamer events).

    ``id`` is ``None`` on a dry-run. ``updated_at`` comes off the wire as epoch milliseconds.
    """

    id: int | None = wire(integer)
    account_number: str = wire(text, default="")
    time_in_force: str = wire(text, default="")
    gtc_date: date | None = wire(day)
    order_type: str = wire(text, default="")
    size: Decimal | None = wire(dec)
    underlying_symbol: str = wire(text, default="")
    underlying_instrument_type: str = wire(text, default="")
    price: Decimal | None = wire(signed)
    price_effect: str | None = wire(text)
    value: Decimal | None = wire(signed)
    value_effect: str | None = wire(text)
    stop_trigger: Decimal | None = wire(dec)
    status: str = wire(text, default="")
    contingent_status: str | None = wire(text)
    confirmation_status: str | None = wire(text)
    reject_reason: str | None = wire(text)
    cancellable: bool = wire(boolean, default=False)
    editable: bool = wire(boolean, default=False)
    edited: bool = wire(boolean, default=False)
    received_at: datetime | None = wire(timestamp)
    in_flight_at: datetime | None = wire(timestamp)
    live_at: datetime | None = wire(timestamp)
    cancelled_at: datetime | None = wire(timestamp)
    terminal_at: datetime | None = wire(timestamp)
    updated_at: datetime | None = wire(timestamp)
    replaces_order_id: int | None = wire(integer)
    replacing_order_id: int | None = wire(integer)
    complex_order_id: int | None = wire(integer)
    complex_order_tag: str | None = wire(text)
    external_identifier: str | None = wire(text)
    source: str | None = wire(text)
    global_request_id: str | None = wire(text)
    destination_venue: str | None = wire(text)
    legs: tuple[OrderLeg, ...] = wire(many(OrderLeg), default=())
    raw: Mapping[str, Any] | None = raw_field()

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL_STATUSES

    @property
    def is_working(self) -> bool:
        return self.status in WORKING_STATUSES

    @property
    def is_dry_run(self) -> bool:
        return self.id is None

    @property
    def filled_quantity(self) -> Decimal:
        """Filled quantity of the first leg (order size is per ratio of the first leg)."""
        return self.legs[0].filled_quantity if self.legs else ZERO

    @property
    def has_fills(self) -> bool:
        return any(leg.fills for leg in self.legs)

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(leg.symbol for leg in self.legs)


@dataclass(frozen=True, slots=True)
class ComplexOrder(WireModel):
    """OCO / OTOCO / OTO / PAIRS: a trigger order and the orders it controls."""

    id: int | None = wire(integer)
    account_number: str = wire(text, default="")
    type: str = wire(text, default="")
    trigger_order: Order | None = wire(one(Order))
    orders: tuple[Order, ...] = wire(many(Order), default=())
    terminal_at: datetime | None = wire(timestamp)
    ratio_price_threshold: Decimal | None = wire(dec)
    ratio_price_comparator: str | None = wire(text)
    raw: Mapping[str, Any] | None = raw_field()

    @property
    def all_orders(self) -> tuple[Order, ...]:
        head = (self.trigger_order,) if self.trigger_order is not None else ()
        return head + self.orders

    @property
    def is_terminal(self) -> bool:
        return bool(self.all_orders) and all(o.is_terminal for o in self.all_orders)


@dataclass(frozen=True, slots=True)
class OrderMessage(WireModel):
    """A dry-run warning or error: ``{"code": ..., "message": ...}``."""

    code: str = wire(text, default="")
    message: str = wire(text, default="")

    def __str__(self) -> str:
        return self.message or self.code


@dataclass(frozen=True, slots=True)
class FeeItem(WireModel):
    """One line of a fee breakdown (signed)."""

    name: str = wire(text, default="")
    value: Decimal = wire(signed, signed_by="effect", default=ZERO)
    effect: str = wire(text, default="None")


@dataclass(frozen=True, slots=True)
class FeeCalculation(WireModel):
    """Fees of an order (dry-run or submit), signed: a fee you pay is negative."""

    regulatory_fees: Decimal = wire(signed, default=ZERO)
    clearing_fees: Decimal = wire(signed, default=ZERO)
    commission: Decimal = wire(signed, default=ZERO)
    proprietary_index_option_fees: Decimal = wire(signed, default=ZERO)
    rebates: Decimal = wire(signed, default=ZERO)
    total_fees: Decimal = wire(signed, default=ZERO)
    total_fees_effect: str = wire(text, default="None")
    per_quantity: bool = wire(boolean, default=False)
    regulatory_fees_breakdown: tuple[FeeItem, ...] = wire(many(FeeItem), default=())
    clearing_fees_breakdown: tuple[FeeItem, ...] = wire(many(FeeItem), default=())
    commission_breakdown: tuple[FeeItem, ...] = wire(many(FeeItem), default=())
    proprietary_fees_breakdown: tuple[FeeItem, ...] = wire(many(FeeItem), default=())
    rebates_breakdown: tuple[FeeItem, ...] = wire(many(FeeItem), default=())


@dataclass(frozen=True, slots=True)
class BuyingPowerEffect(WireModel):
    """How an order changes buying power, signed (a reduction is negative); raw effects kept."""

    change_in_margin_requirement: Decimal = wire(signed, default=ZERO)
    change_in_margin_requirement_effect: str = wire(text, default="None")
    change_in_buying_power: Decimal = wire(signed, default=ZERO)
    change_in_buying_power_effect: str = wire(text, default="None")
    current_buying_power: Decimal = wire(signed, default=ZERO)
    current_buying_power_effect: str = wire(text, default="None")
    new_buying_power: Decimal = wire(signed, default=ZERO)
    new_buying_power_effect: str = wire(text, default="None")
    isolated_order_margin_requirement: Decimal = wire(signed, default=ZERO)
    isolated_order_margin_requirement_effect: str = wire(text, default="None")
    is_spread: bool = wire(boolean, default=False)
    impact: Decimal = wire(signed, signed_by="effect", default=ZERO)
    effect: str = wire(text, default="None")


def _messages(value: Any) -> tuple[OrderMessage, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        OrderMessage.from_wire(v) if isinstance(v, Mapping) else OrderMessage(message=str(v)) for v in value
    )


@dataclass(frozen=True, slots=True)
class _OrderResponse:
    """Shared by dry-run and submit results: the envelope's ``data`` plus the raw text."""

    order: Order | None = None
    complex_order: ComplexOrder | None = None
    warnings: tuple[OrderMessage, ...] = ()
    errors: tuple[OrderMessage, ...] = ()
    buying_power_effect: BuyingPowerEffect | None = None
    fee_calculation: FeeCalculation | None = None
    closing_fee_calculation: FeeCalculation | None = None
    raw_json: str = field(default="", repr=False, compare=False)

    @classmethod
    def from_data(
        cls, data: Mapping[str, Any] | None, raw_json: str = "", errors: tuple[OrderMessage, ...] = ()
    ) -> Self:
        data = data if isinstance(data, Mapping) else {}

        def obj(key: str) -> Mapping[str, Any] | None:
            v = data.get(key)
            return v if isinstance(v, Mapping) else None

        order, complex_order = obj("order"), obj("complex-order")
        bpe, fees, closing = (
            obj("buying-power-effect"),
            obj("fee-calculation"),
            obj("closing-fee-calculation"),
        )
        return cls(
            order=Order.from_wire(order) if order is not None else None,
            complex_order=ComplexOrder.from_wire(complex_order) if complex_order is not None else None,
            warnings=_messages(data.get("warnings")),
            errors=errors or _messages(data.get("errors")),
            buying_power_effect=BuyingPowerEffect.from_wire(bpe) if bpe is not None else None,
            fee_calculation=FeeCalculation.from_wire(fees) if fees is not None else None,
            closing_fee_calculation=FeeCalculation.from_wire(closing) if closing is not None else None,
            raw_json=raw_json,
        )

    @property
    def pretty_json(self) -> str:
        """The raw response, indented for the "Show order JSON" view."""
        try:
            return json.dumps(json.loads(self.raw_json), indent=2)
        except ValueError:
            return self.raw_json


@dataclass(frozen=True, slots=True)
class DryRunResult(_OrderResponse):
    """What the broker says an order would do: buying-power effect, fees, warnings, errors.

    ``ok`` is True only with no warnings and no errors: the only result that unlocks Send.
    """

    @property
    def ok(self) -> bool:
        return not self.errors and not self.warnings

    @property
    def problems(self) -> tuple[OrderMessage, ...]:
        return self.errors + self.warnings


@dataclass(frozen=True, slots=True)
class PlacedOrderResult(_OrderResponse):
    """The answer to a submit. ``recovered`` is True when the request timed out and the order
    was found afterwards among the account's orders (then ``raw_json`` is that order's JSON)."""

    recovered: bool = False
