# ruff: noqa: RUF009  (wire() returns a dataclasses.field)
"""Customer, accounts (with authority level), balances, positions, trading status."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Self

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

#: Authority levels (``authority-level`` beside each account in ``/customers/me/accounts``).
OWNER = "owner"
TRADE_ONLY = "trade-only"
READ_ONLY = "read-only"
TRADING_AUTHORITIES = frozenset({OWNER, TRADE_ONLY})


@dataclass(frozen=True, slots=True)
class Customer(WireModel):
    """The signed-in customer (``GET /customers/me``)."""

    id: str = wire(text, default="me")
    first_name: str = wire(text, default="")
    last_name: str = wire(text, default="")
    email: str = wire(text, default="")
    external_id: str = wire(text, default="")
    is_professional: bool = wire(boolean, default=False)
    has_delayed_quotes: bool = wire(boolean, default=False)
    created_at: datetime | None = wire(timestamp)

    @property
    def display_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email or self.external_id or "Tastytrade customer"


@dataclass(frozen=True, slots=True)
class Account(WireModel):
    """A trading account; ``authority_level`` comes from the account list, not the object."""

    account_number: str = wire(text, default="")
    nickname: str = wire(text, default="")
    account_type_name: str = wire(text, default="")
    margin_or_cash: str = wire(text, default="")
    is_closed: bool = wire(boolean, default=False)
    is_futures_approved: bool = wire(boolean, default=False)
    is_test_drive: bool = wire(boolean, default=False)
    is_firm_error: bool = wire(boolean, default=False)
    is_foreign: bool = wire(boolean, default=False)
    day_trader_status: bool = wire(boolean, default=False)
    suitable_options_level: str = wire(text, default="")
    external_id: str = wire(text, default="")
    opened_at: datetime | None = wire(timestamp)
    created_at: datetime | None = wire(timestamp)
    closed_at: datetime | None = wire(timestamp)
    authority_level: str | None = wire(text)

    @classmethod
    def from_list_item(cls, item: Mapping[str, Any]) -> Self:
        """One entry of ``/customers/me/accounts``: ``{"account": {...}, "authority-level": ...}``."""
        inner = item.get("account") if isinstance(item.get("account"), Mapping) else item
        account = cls.from_wire(inner)
        level = item.get("authority-level", item.get("authority_level"))
        return replace(account, authority_level=str(level)) if level else account

    @property
    def can_trade(self) -> bool:
        """True when this login may place orders in the account (owner or trade-only, open)."""
        return (self.authority_level or "").lower() in TRADING_AUTHORITIES and not self.is_closed

    @property
    def is_read_only(self) -> bool:
        return not self.can_trade

    @property
    def is_margin(self) -> bool:
        return self.margin_or_cash.lower() == "margin"

    @property
    def label(self) -> str:
        """``"5WT00001 Individual"``, plus ``(read-only)`` when it cannot trade."""
        name = self.nickname or self.account_type_name
        suffix = "" if self.can_trade or "read-only" in name.lower() else " (read-only)"
        return f"{self.account_number} {name}{suffix}".strip()


@dataclass(frozen=True, slots=True)
class Balance(WireModel):
    """Account balances (``/accounts/{n}/balances`` or an ``AccountBalance`` streamer event).

    Money is ``Decimal``. ``pending_cash`` and ``buying_power_adjustment`` are signed
    (Debit negative) with the raw effect kept beside them.
    """

    account_number: str = wire(text, default="")
    currency: str = wire(text, default="USD")
    net_liquidating_value: Decimal = wire(dec, default=ZERO)
    cash_balance: Decimal = wire(dec, default=ZERO)
    cash_available_to_withdraw: Decimal = wire(dec, default=ZERO)
    equity_buying_power: Decimal = wire(dec, default=ZERO)
    derivative_buying_power: Decimal = wire(dec, default=ZERO)
    day_trading_buying_power: Decimal = wire(dec, default=ZERO)
    available_trading_funds: Decimal = wire(dec, default=ZERO)
    futures_margin_requirement: Decimal = wire(dec, default=ZERO)
    maintenance_requirement: Decimal = wire(dec, default=ZERO)
    maintenance_excess: Decimal = wire(dec, default=ZERO)
    maintenance_call_value: Decimal = wire(dec, default=ZERO)
    reg_t_call_value: Decimal = wire(dec, default=ZERO)
    day_trading_call_value: Decimal = wire(dec, default=ZERO)
    day_equity_call_value: Decimal = wire(dec, default=ZERO)
    margin_equity: Decimal = wire(dec, default=ZERO)
    reg_t_margin_requirement: Decimal = wire(dec, default=ZERO)
    used_derivative_buying_power: Decimal = wire(dec, default=ZERO)
    long_equity_value: Decimal = wire(dec, default=ZERO)
    short_equity_value: Decimal = wire(dec, default=ZERO)
    long_derivative_value: Decimal = wire(dec, default=ZERO)
    short_derivative_value: Decimal = wire(dec, default=ZERO)
    long_futures_value: Decimal = wire(dec, default=ZERO)
    short_futures_value: Decimal = wire(dec, default=ZERO)
    long_futures_derivative_value: Decimal = wire(dec, default=ZERO)
    short_futures_derivative_value: Decimal = wire(dec, default=ZERO)
    long_cryptocurrency_value: Decimal = wire(dec, default=ZERO)
    short_cryptocurrency_value: Decimal = wire(dec, default=ZERO)
    effective_cryptocurrency_buying_power: Decimal = wire(dec, default=ZERO)
    pending_cash: Decimal = wire(signed, default=ZERO)
    pending_cash_effect: str = wire(text, default="None")
    buying_power_adjustment: Decimal = wire(signed, default=ZERO)
    buying_power_adjustment_effect: str = wire(text, default="None")
    pending_margin_interest: Decimal = wire(dec, default=ZERO)
    snapshot_date: date | None = wire(day)
    time_of_day: str | None = wire(text)
    updated_at: datetime | None = wire(timestamp)
    raw: Mapping[str, Any] | None = raw_field()

    @property
    def is_in_call(self) -> bool:
        calls = (self.maintenance_call_value, self.reg_t_call_value, self.day_trading_call_value)
        return any(c > 0 for c in calls)


@dataclass(frozen=True, slots=True)
class Position(WireModel):
    """An open position (``/accounts/{n}/positions`` or a ``CurrentPosition`` event).

    ``quantity`` is the wire's unsigned magnitude and ``quantity_direction`` its side;
    :attr:`signed_quantity` is negative for shorts. Realized gains are signed (Debit negative).
    """

    account_number: str = wire(text, default="")
    symbol: str = wire(text, default="")
    instrument_type: str = wire(text, default="")
    underlying_symbol: str = wire(text, default="")
    quantity: Decimal = wire(dec, default=ZERO)
    quantity_direction: str = wire(text, default="Zero")
    close_price: Decimal | None = wire(dec)
    average_open_price: Decimal | None = wire(dec)
    average_daily_market_close_price: Decimal | None = wire(dec)
    average_yearly_market_close_price: Decimal | None = wire(dec)
    multiplier: Decimal = wire(dec, default=Decimal(1))
    cost_effect: str = wire(text, default="None")
    is_frozen: bool = wire(boolean, default=False)
    restricted_quantity: Decimal = wire(dec, default=ZERO)
    mark: Decimal | None = wire(dec)
    mark_price: Decimal | None = wire(dec)
    expires_at: datetime | None = wire(timestamp)
    realized_day_gain: Decimal = wire(signed, default=ZERO)
    realized_day_gain_effect: str = wire(text, default="None")
    realized_today: Decimal = wire(signed, default=ZERO)
    realized_today_effect: str = wire(text, default="None")
    created_at: datetime | None = wire(timestamp)
    updated_at: datetime | None = wire(timestamp)

    @property
    def signed_quantity(self) -> Decimal:
        direction = self.quantity_direction.lower()
        if direction == "short":
            return -abs(self.quantity)
        if direction == "zero":
            return ZERO
        return abs(self.quantity)

    @property
    def is_closed(self) -> bool:
        return self.signed_quantity == 0

    @property
    def key(self) -> tuple[str, str]:
        """Identity of a position within the app: ``(account_number, symbol)``."""
        return (self.account_number, self.symbol)


@dataclass(frozen=True, slots=True)
class TradingStatus(WireModel):
    """What an account may currently do (``/accounts/{n}/trading-status``)."""

    account_number: str = wire(text, default="")
    options_level: str = wire(text, default="")
    equities_margin_calculation_type: str = wire(text, default="")
    fee_schedule_name: str = wire(text, default="")
    day_trade_count: int = wire(integer, default=0)
    is_closed: bool = wire(boolean, default=False)
    is_closing_only: bool = wire(boolean, default=False)
    is_frozen: bool = wire(boolean, default=False)
    is_in_margin_call: bool = wire(boolean, default=False)
    is_pattern_day_trader: bool = wire(boolean, default=False)
    is_portfolio_margin_enabled: bool = wire(boolean, default=False)
    is_risk_reducing_only: bool = wire(boolean, default=False)
    is_futures_enabled: bool = wire(boolean, default=False)
    is_futures_closing_only: bool = wire(boolean, default=False)
    is_cryptocurrency_enabled: bool = wire(boolean, default=False)
    is_cryptocurrency_closing_only: bool = wire(boolean, default=False)
    short_calls_enabled: bool = wire(boolean, default=False)
    pdt_reset_on: date | None = wire(day)
    updated_at: datetime | None = wire(timestamp)

    @property
    def restrictions(self) -> list[str]:
        """Plain-words reasons this account is limited right now (empty when none)."""
        out = []
        if self.is_closed:
            out.append("the account is closed")
        if self.is_frozen:
            out.append("the account is frozen")
        if self.is_closing_only:
            out.append("the account may only close positions")
        if self.is_risk_reducing_only:
            out.append("the account may only reduce risk")
        if self.is_in_margin_call:
            out.append("the account is in a margin call")
        return out
