# ruff: noqa: RUF009  (wire() returns a dataclasses.field)
"""Option chains: nested equity/index chains and nested futures-option chains."""

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
    text,
    tick_rules,
    timestamp,
    wire,
)
from desktop.core.chains import ChainExpiration, ChainStrike, OptionChain
from desktop.core.money import TickSize
from desktop.core.symbols import occ_to_streamer


@dataclass(frozen=True, slots=True)
class ChainStrikeEntry(WireModel):
    """A strike with its call and put (trading and streamer symbols)."""

    strike_price: Decimal | None = wire(dec)
    call: str = wire(text, default="")
    put: str = wire(text, default="")
    call_streamer_symbol: str = wire(text, default="")
    put_streamer_symbol: str = wire(text, default="")


@dataclass(frozen=True, slots=True)
class Deliverable(WireModel):
    deliverable_type: str = wire(text, default="")
    description: str = wire(text, default="")
    amount: Decimal | None = wire(dec)
    symbol: str = wire(text, default="")
    instrument_type: str = wire(text, default="")
    percent: Decimal | None = wire(dec)


@dataclass(frozen=True, slots=True)
class NestedExpiration(WireModel):
    """One expiration of a nested chain."""

    expiration_date: date | None = wire(day)
    days_to_expiration: int = wire(integer, default=0)
    expiration_type: str = wire(text, default="")
    settlement_type: str = wire(text, default="")
    strikes: tuple[ChainStrikeEntry, ...] = wire(many(ChainStrikeEntry), default=())


@dataclass(frozen=True, slots=True)
class NestedOptionChain(WireModel):
    """One option root of ``/option-chains/{underlying}/nested`` (SPX gives SPX and SPXW)."""

    underlying_symbol: str = wire(text, default="")
    root_symbol: str = wire(text, default="")
    option_chain_type: str = wire(text, default="Standard")
    shares_per_contract: int = wire(integer, default=100)
    tick_sizes: tuple[TickSize, ...] = wire(tick_rules, default=())
    deliverables: tuple[Deliverable, ...] = wire(many(Deliverable), default=())
    expirations: tuple[NestedExpiration, ...] = wire(many(NestedExpiration), default=())

    @property
    def is_standard(self) -> bool:
        return self.option_chain_type == "Standard"

    def core_expirations(self) -> list[ChainExpiration]:
        """This root's expirations as ``core.chains.ChainExpiration``s (undated ones skipped)."""
        out = []
        for exp in self.expirations:
            if exp.expiration_date is None:
                continue
            strikes = tuple(
                ChainStrike(
                    strike=s.strike_price,
                    call=s.call,
                    put=s.put,
                    call_streamer=s.call_streamer_symbol or _streamer(s.call),
                    put_streamer=s.put_streamer_symbol or _streamer(s.put),
                )
                for s in exp.strikes
                if s.strike_price is not None and s.call and s.put
            )
            out.append(
                ChainExpiration(
                    expiration=exp.expiration_date,
                    days_to_expiration=exp.days_to_expiration,
                    expiration_type=exp.expiration_type,
                    settlement_type=exp.settlement_type,
                    strikes=strikes,
                    root_symbol=self.root_symbol or self.underlying_symbol,
                )
            )
        return out


def to_option_chain(roots: list[NestedOptionChain]) -> OptionChain:
    """Merge the standard roots of a nested chain (SPX + SPXW) into a ``core.chains.OptionChain``.

    Adjusted (non-standard) roots are left out unless there is nothing else.
    """
    if not roots:
        raise ValueError("the option chain has no roots")
    chosen = [r for r in roots if r.is_standard] or roots[:1]
    first = chosen[0]
    return OptionChain(
        underlying=first.underlying_symbol,
        expirations=tuple(e for r in chosen for e in r.core_expirations()),
        shares_per_contract=first.shares_per_contract,
        tick_sizes=first.tick_sizes,
    )


def _streamer(occ: str) -> str:
    try:
        return occ_to_streamer(occ)
    except ValueError:
        return ""


@dataclass(frozen=True, slots=True)
class FuturesChainFuture(WireModel):
    """An underlying future listed in a futures-option chain."""

    symbol: str = wire(text, default="")
    root_symbol: str = wire(text, default="")
    expiration_date: date | None = wire(day)
    maturity_date: date | None = wire(day)
    days_to_expiration: int | None = wire(integer)
    active_month: bool = wire(boolean, default=False)
    next_active_month: bool = wire(boolean, default=False)
    stops_trading_at: datetime | None = wire(timestamp)
    expires_at: datetime | None = wire(timestamp)


@dataclass(frozen=True, slots=True)
class FuturesOptionExpiration(WireModel):
    """One expiration of a futures-option chain (its own underlying future and option root)."""

    underlying_symbol: str = wire(text, default="")
    root_symbol: str = wire(text, default="")
    option_root_symbol: str = wire(text, default="")
    option_contract_symbol: str = wire(text, default="")
    asset: str = wire(text, default="")
    expiration_date: date | None = wire(day)
    days_to_expiration: int = wire(integer, default=0)
    expiration_type: str = wire(text, default="")
    settlement_type: str = wire(text, default="")
    notional_value: Decimal | None = wire(dec)
    display_factor: Decimal | None = wire(dec)
    strike_factor: Decimal | None = wire(dec)
    stops_trading_at: datetime | None = wire(timestamp)
    expires_at: datetime | None = wire(timestamp)
    tick_sizes: tuple[TickSize, ...] = wire(tick_rules, default=())
    strikes: tuple[ChainStrikeEntry, ...] = wire(many(ChainStrikeEntry), default=())


@dataclass(frozen=True, slots=True)
class FuturesOptionRoot(WireModel):
    """The option chain of one futures product root."""

    underlying_symbol: str = wire(text, default="")
    root_symbol: str = wire(text, default="")
    exercise_style: str = wire(text, default="")
    expirations: tuple[FuturesOptionExpiration, ...] = wire(many(FuturesOptionExpiration), default=())


@dataclass(frozen=True, slots=True)
class FuturesOptionChain(WireModel):
    """``/futures-option-chains/{code}/nested``: the futures and their option chains."""

    futures: tuple[FuturesChainFuture, ...] = wire(many(FuturesChainFuture), default=())
    option_chains: tuple[FuturesOptionRoot, ...] = wire(many(FuturesOptionRoot), default=())

    @property
    def expirations(self) -> tuple[FuturesOptionExpiration, ...]:
        """Every expiration of every root, sorted by date."""
        exps = [e for chain in self.option_chains for e in chain.expirations]
        return tuple(sorted(exps, key=lambda e: (e.expiration_date or date.max, e.option_root_symbol)))
