# ruff: noqa: RUF009  (wire() returns a dataclasses.field)
"""Instruments: equities, equity options, futures (+ products), cryptocurrencies, symbol search."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from desktop.api.models._wire import (
    WireModel,
    boolean,
    day,
    dec,
    integer,
    many,
    one,
    strings,
    text,
    tick_rules,
    timestamp,
    wire,
)
from desktop.core.money import TickSize


@dataclass(frozen=True, slots=True)
class Equity(WireModel):
    """A stock, ETF or index (``/instruments/equities/{symbol}``)."""

    id: int | None = wire(integer)
    symbol: str = wire(text, default="")
    instrument_type: str = wire(text, default="Equity")
    description: str = wire(text, default="")
    short_description: str = wire(text, default="")
    cusip: str | None = wire(text)
    listed_market: str = wire(text, default="")
    is_index: bool = wire(boolean, default=False)
    is_etf: bool = wire(boolean, default=False)
    is_closing_only: bool = wire(boolean, default=False)
    is_options_closing_only: bool = wire(boolean, default=False)
    is_illiquid: bool = wire(boolean, default=False)
    is_fractional_quantity_eligible: bool = wire(boolean, default=False)
    active: bool = wire(boolean, default=True)
    lendability: str = wire(text, default="")
    borrow_rate: Decimal | None = wire(dec)
    market_time_instrument_collection: str = wire(text, default="")
    streamer_symbol: str = wire(text, default="")
    tick_sizes: tuple[TickSize, ...] = wire(tick_rules, default=())
    option_tick_sizes: tuple[TickSize, ...] = wire(tick_rules, default=())


@dataclass(frozen=True, slots=True)
class EquityOption(WireModel):
    """One equity option contract (``/instruments/equity-options/{occ}``)."""

    symbol: str = wire(text, default="")
    instrument_type: str = wire(text, default="Equity Option")
    underlying_symbol: str = wire(text, default="")
    root_symbol: str = wire(text, default="")
    strike_price: Decimal | None = wire(dec)
    option_type: str = wire(text, default="")
    expiration_date: date | None = wire(day)
    expiration_type: str = wire(text, default="")
    settlement_type: str = wire(text, default="")
    exercise_style: str = wire(text, default="")
    shares_per_contract: int = wire(integer, default=100)
    option_chain_type: str = wire(text, default="Standard")
    days_to_expiration: int | None = wire(integer)
    expires_at: datetime | None = wire(timestamp)
    stops_trading_at: datetime | None = wire(timestamp)
    is_closing_only: bool = wire(boolean, default=False)
    active: bool = wire(boolean, default=True)
    streamer_symbol: str = wire(text, default="")


@dataclass(frozen=True, slots=True)
class FutureProduct(WireModel):
    """A futures product (``/ES``): exchange, multiplier, tick, listed months."""

    root_symbol: str = wire(text, default="")
    code: str = wire(text, default="")
    description: str = wire(text, default="")
    exchange: str = wire(text, default="")
    product_type: str = wire(text, default="")
    market_sector: str = wire(text, default="")
    notional_multiplier: Decimal | None = wire(dec)
    tick_size: Decimal | None = wire(dec)
    display_factor: Decimal | None = wire(dec)
    streamer_exchange_code: str = wire(text, default="")
    cash_settled: bool = wire(boolean, default=False)
    small_notional: bool = wire(boolean, default=False)
    listed_months: tuple[str, ...] = wire(strings, default=())
    active_months: tuple[str, ...] = wire(strings, default=())


@dataclass(frozen=True, slots=True)
class EtfEquivalent(WireModel):
    symbol: str = wire(text, default="")
    share_quantity: Decimal | None = wire(dec)


@dataclass(frozen=True, slots=True)
class Future(WireModel):
    """A futures contract (``/instruments/futures``)."""

    symbol: str = wire(text, default="")
    product_code: str = wire(text, default="")
    contract_size: Decimal | None = wire(dec)
    tick_size: Decimal | None = wire(dec)
    notional_multiplier: Decimal | None = wire(dec)
    display_factor: Decimal | None = wire(dec)
    last_trade_date: date | None = wire(day)
    expiration_date: date | None = wire(day)
    closing_only_date: date | None = wire(day)
    active: bool = wire(boolean, default=True)
    active_month: bool = wire(boolean, default=False)
    next_active_month: bool = wire(boolean, default=False)
    is_closing_only: bool = wire(boolean, default=False)
    is_tradeable: bool = wire(boolean, default=True)
    stops_trading_at: datetime | None = wire(timestamp)
    expires_at: datetime | None = wire(timestamp)
    product_group: str = wire(text, default="")
    exchange: str = wire(text, default="")
    exchange_symbol: str = wire(text, default="")
    roll_target_symbol: str | None = wire(text)
    streamer_exchange_code: str = wire(text, default="")
    streamer_symbol: str = wire(text, default="")
    future_etf_equivalent: EtfEquivalent | None = wire(one(EtfEquivalent))
    future_product: FutureProduct | None = wire(one(FutureProduct))
    tick_sizes: tuple[TickSize, ...] = wire(tick_rules, default=())
    option_tick_sizes: tuple[TickSize, ...] = wire(tick_rules, default=())


@dataclass(frozen=True, slots=True)
class DestinationVenueSymbol(WireModel):
    id: int | None = wire(integer)
    symbol: str = wire(text, default="")
    destination_venue: str = wire(text, default="")
    max_quantity_precision: int | None = wire(integer)
    max_price_precision: int | None = wire(integer)
    routable: bool = wire(boolean, default=False)


@dataclass(frozen=True, slots=True)
class Cryptocurrency(WireModel):
    """A cryptocurrency pair (``BTC/USD``)."""

    id: int | None = wire(integer)
    symbol: str = wire(text, default="")
    instrument_type: str = wire(text, default="Cryptocurrency")
    description: str = wire(text, default="")
    short_description: str = wire(text, default="")
    is_closing_only: bool = wire(boolean, default=False)
    active: bool = wire(boolean, default=True)
    tick_size: Decimal | None = wire(dec)
    streamer_symbol: str = wire(text, default="")
    destination_venue_symbols: tuple[DestinationVenueSymbol, ...] = wire(
        many(DestinationVenueSymbol), default=()
    )


@dataclass(frozen=True, slots=True)
class SymbolMatch(WireModel):
    """One result of ``/symbols/search/{prefix}``."""

    symbol: str = wire(text, default="")
    description: str = wire(text, default="")
    instrument_type: str | None = wire(text)
    listed_market: str | None = wire(text)
    options: bool | None = wire(boolean)
