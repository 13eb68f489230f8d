# ruff: noqa: RUF009  (wire() returns a dataclasses.field)
"""Account transactions (trades, money movements, fees) and daily fee totals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from desktop.api.models._wire import (
    WireModel,
    boolean,
    day,
    dec,
    integer,
    raw_field,
    signed,
    text,
    timestamp,
    wire,
)

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Transaction(WireModel):
    """One line of account activity; money fields signed (Debit negative), effects kept."""

    id: int | None = wire(integer)
    account_number: str = wire(text, default="")
    transaction_type: str = wire(text, default="")
    transaction_sub_type: str = wire(text, default="")
    description: str = wire(text, default="")
    symbol: str | None = wire(text)
    instrument_type: str | None = wire(text)
    underlying_symbol: str | None = wire(text)
    action: str | None = wire(text)
    quantity: Decimal | None = wire(dec)
    price: Decimal | None = wire(dec)
    executed_at: datetime | None = wire(timestamp)
    transaction_date: date | None = wire(day)
    value: Decimal = wire(signed, default=ZERO)
    value_effect: str = wire(text, default="None")
    regulatory_fees: Decimal = wire(signed, default=ZERO)
    clearing_fees: Decimal = wire(signed, default=ZERO)
    commission: Decimal = wire(signed, default=ZERO)
    proprietary_index_option_fees: Decimal = wire(signed, default=ZERO)
    other_charge: Decimal = wire(signed, default=ZERO)
    other_charge_description: str | None = wire(text)
    net_value: Decimal = wire(signed, default=ZERO)
    net_value_effect: str = wire(text, default="None")
    is_estimated_fee: bool = wire(boolean, default=False)
    order_id: int | None = wire(integer)
    leg_count: int | None = wire(integer)
    exchange: str | None = wire(text)
    destination_venue: str | None = wire(text)
    raw: Mapping[str, Any] | None = raw_field()

    @property
    def fees(self) -> Decimal:
        """All fees and commissions of this line, signed (what you paid is negative)."""
        return (
            self.regulatory_fees + self.clearing_fees + self.commission + self.proprietary_index_option_fees
        )


@dataclass(frozen=True, slots=True)
class TotalFees(WireModel):
    """``/transactions/total-fees`` for a day, signed."""

    total_fees: Decimal = wire(signed, default=ZERO)
    total_fees_effect: str = wire(text, default="None")
