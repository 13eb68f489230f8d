"""Account records (positions, orders, complex orders) and their REST wire shapes.

Quantities and money are ``Decimal``; positions keep a *signed* quantity internally and go on
the wire as a magnitude plus ``quantity-direction``; order prices are unsigned with a
``price-effect``. ``to_store``/``from_store`` round-trip every field through JSON for SQLite.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from desktop.simulator.wire import dec, effect_of, iso
from desktop.simulator.wire import quantity as _num

TERMINAL = frozenset({"Filled", "Cancelled", "Expired", "Rejected", "Removed", "Partially Removed"})
WORKING = frozenset({"Received", "Routed", "In Flight", "Live", "Contingent"})
ZERO = Decimal(0)


def _d(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


@dataclass
class Position:
    """One open position (signed ``quantity``; 0 means closed)."""

    account: str
    symbol: str
    instrument_type: str
    underlying_symbol: str
    quantity: Decimal
    average_open_price: Decimal
    multiplier: Decimal
    close_price: Decimal
    created_at: int
    updated_at: int
    realized_today: Decimal = ZERO
    realized_date: str = ""
    expires_at: int | None = None
    streamer_symbol: str = ""

    def to_wire(self, mark: Decimal | None = None, include_marks: bool = False) -> dict[str, Any]:
        q = self.quantity
        direction = "Long" if q > 0 else ("Short" if q < 0 else "Zero")
        cost = self.average_open_price * q * self.multiplier
        out: dict[str, Any] = {
            "account-number": self.account,
            "symbol": self.symbol,
            "instrument-type": self.instrument_type,
            "underlying-symbol": self.underlying_symbol,
            "quantity": _num(abs(q)),
            "quantity-direction": direction,
            "close-price": dec(self.close_price),
            "average-open-price": dec(self.average_open_price),
            "average-yearly-market-close-price": dec(self.average_open_price),
            "average-daily-market-close-price": dec(self.close_price),
            "multiplier": _num(self.multiplier),
            "cost-effect": effect_of(cost),  # as recorded: Credit for a long, Debit for a short
            "is-suppressed": False,
            "is-frozen": False,
            "restricted-quantity": 0,
            "realized-day-gain": dec(abs(self.realized_today)),
            "realized-day-gain-effect": _effect(self.realized_today),
            "realized-day-gain-date": self.realized_date,
            "realized-today": dec(abs(self.realized_today)),
            "realized-today-effect": _effect(self.realized_today),
            "realized-today-date": self.realized_date,
            "created-at": iso(self.created_at),
            "updated-at": iso(self.updated_at),
        }
        if self.streamer_symbol:
            out["streamer-symbol"] = self.streamer_symbol
        if self.expires_at:
            out["expires-at"] = iso(self.expires_at)
        if include_marks and mark is not None:
            out["mark"] = dec(mark * self.multiplier * abs(q))
            out["mark-price"] = dec(mark)
        return out

    def copy(self) -> Position:
        return Position(**{f: getattr(self, f) for f in self.__dataclass_fields__})

    def to_store(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(self).items()}

    @classmethod
    def from_store(cls, d: dict[str, Any]) -> Position:
        money = ("quantity", "average_open_price", "multiplier", "close_price", "realized_today")
        return cls(**{k: (Decimal(v) if k in money else v) for k, v in d.items()})


def _effect(signed: Decimal) -> str:
    return "Credit" if signed > 0 else ("Debit" if signed < 0 else "None")


@dataclass
class Fill:
    fill_id: str
    quantity: Decimal
    price: Decimal
    filled_at: int
    exec_id: str

    def to_wire(self) -> dict[str, Any]:
        return {
            "fill-id": self.fill_id,
            "quantity": _num(self.quantity),
            "fill-price": dec(self.price),
            "filled-at": iso(self.filled_at),
            "destination-venue": "TASTYDESK_SIM",
            "ext-group-fill-id": "0",
            "ext-exec-id": self.exec_id,
        }


@dataclass
class Leg:
    instrument_type: str
    symbol: str
    action: str
    quantity: Decimal
    remaining: Decimal
    fills: list[Fill] = field(default_factory=list)

    @property
    def is_buy(self) -> bool:
        return self.action.startswith("Buy")

    @property
    def is_open(self) -> bool:
        return self.action.endswith("Open") or self.action in ("Buy", "Sell")

    def to_wire(self) -> dict[str, Any]:
        return {
            "instrument-type": self.instrument_type,
            "symbol": self.symbol,
            "quantity": _num(self.quantity),
            "remaining-quantity": _num(self.remaining),
            "action": self.action,
            "fills": [f.to_wire() for f in self.fills],
        }


@dataclass
class Order:
    """A placed (or dry-run) order."""

    id: int | None
    account: str
    time_in_force: str
    order_type: str
    status: str
    legs: list[Leg]
    underlying_symbol: str
    underlying_instrument_type: str
    price: Decimal | None = None  # unsigned
    price_effect: str | None = None
    stop_trigger: Decimal | None = None
    value: Decimal | None = None
    value_effect: str | None = None
    gtc_date: str | None = None
    received_at: int = 0
    in_flight_at: int | None = None
    live_at: int | None = None
    cancelled_at: int | None = None
    terminal_at: int | None = None
    updated_at: int = 0
    edited: bool = False
    replaces_order_id: int | None = None
    replacing_order_id: int | None = None
    complex_order_id: int | None = None
    complex_order_tag: str | None = None
    preflight_id: int | None = None
    contingent_status: str | None = None
    source: str | None = None
    external_identifier: str | None = None
    partition_key: str | None = None
    reject_reason: str | None = None
    global_request_id: str = ""
    triggered: bool = False  # stop orders: the trigger has been hit
    bp_reserved: Decimal = ZERO  # buying power held while working (opening orders)
    session_day: str = ""  # ET date the order works for (Day orders expire after it)

    @property
    def size(self) -> Decimal:
        return max((leg.quantity for leg in self.legs), default=ZERO)

    @property
    def working(self) -> bool:
        return self.status in WORKING

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    def to_wire(self) -> dict[str, Any]:
        live = self.status in ("Received", "Routed", "In Flight", "Live", "Contingent")
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out.update(
            {
                "account-number": self.account,
                "time-in-force": self.time_in_force,
                "order-type": self.order_type,
                "size": _num(self.size),
                "underlying-symbol": self.underlying_symbol,
                "underlying-instrument-type": self.underlying_instrument_type,
            }
        )
        if self.price is not None:
            out["price"] = dec(self.price)
            out["price-effect"] = self.price_effect
        if self.stop_trigger is not None:
            out["stop-trigger"] = dec(self.stop_trigger)
        if self.value is not None:
            out["value"] = dec(self.value)
            out["value-effect"] = self.value_effect
        if self.gtc_date:
            out["gtc-date"] = self.gtc_date
        out.update(
            {
                "status": self.status,
                "cancellable": live,
                "editable": live,
                "edited": self.edited,
            }
        )
        if self.id is not None:
            out["global-request-id"] = self.global_request_id
            out["received-at"] = iso(self.received_at)
            for key, ms in (
                ("in-flight-at", self.in_flight_at),
                ("live-at", self.live_at),
                ("cancelled-at", self.cancelled_at),
                ("terminal-at", self.terminal_at),
            ):
                if ms:
                    out[key] = iso(ms)
        out["updated-at"] = self.updated_at if self.id is not None else 0
        for key, val in (
            ("replaces-order-id", self.replaces_order_id),
            ("replacing-order-id", self.replacing_order_id),
            ("complex-order-id", self.complex_order_id),
            ("complex-order-tag", self.complex_order_tag),
            ("preflight-id", self.preflight_id),
            ("contingent-status", self.contingent_status),
            ("source", self.source),
            ("external-identifier", self.external_identifier),
            ("partition-key", self.partition_key),
            ("reject-reason", self.reject_reason),
        ):
            if val is not None:
                out[key] = val
        if self.id is not None and self.status not in ("Received", "Contingent"):
            out["destination-venue"] = "TASTYDESK_SIM"
        out["legs"] = [leg.to_wire() for leg in self.legs]
        return out

    def to_store(self) -> dict[str, Any]:
        d = asdict(self)
        return _stringify(d)

    @classmethod
    def from_store(cls, d: dict[str, Any]) -> Order:
        legs = [
            Leg(
                leg["instrument_type"],
                leg["symbol"],
                leg["action"],
                Decimal(leg["quantity"]),
                Decimal(leg["remaining"]),
                [
                    Fill(
                        f["fill_id"],
                        Decimal(f["quantity"]),
                        Decimal(f["price"]),
                        f["filled_at"],
                        f["exec_id"],
                    )
                    for f in leg["fills"]
                ],
            )
            for leg in d.pop("legs")
        ]
        for key in ("price", "stop_trigger", "value", "bp_reserved"):
            d[key] = _d(d.get(key))
        if d["bp_reserved"] is None:
            d["bp_reserved"] = ZERO
        return cls(legs=legs, **d)


@dataclass
class ComplexOrder:
    """An OCO / OTOCO / OTO group."""

    id: int | None
    account: str
    type: str
    trigger_order_id: int | None
    order_ids: list[int]
    terminal_at: int | None = None

    def to_store(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_store(cls, d: dict[str, Any]) -> ComplexOrder:
        return cls(**d)


def _stringify(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _stringify(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify(v) for v in value]
    return value


def apply_quantity(
    q0: Decimal, avg0: Decimal, signed: Decimal, price: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """Add ``signed`` at ``price`` to a position of ``q0`` at ``avg0``.

    Returns (new quantity, new average open price, realized P/L in price points x quantity).
    Adding to a position averages the price; reducing realizes; flipping opens the remainder
    at ``price``.
    """
    if q0 == 0 or (q0 > 0) == (signed > 0):
        total = abs(q0) + abs(signed)
        avg = ((avg0 * abs(q0) + price * abs(signed)) / total).quantize(Decimal("0.0001")) if total else price
        return q0 + signed, avg, ZERO
    closing = min(abs(q0), abs(signed))
    direction = Decimal(1) if q0 > 0 else Decimal(-1)
    realized = (price - avg0) * closing * direction
    q1 = q0 + signed
    avg = avg0 if q1 == 0 or (q1 > 0) == (q0 > 0) else price
    return q1, avg, realized
