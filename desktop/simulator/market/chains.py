"""Option chains as listed today: per-underlying instruments plus the arrays pricing needs.

A chain is built lazily (first request) from ``listing`` and the underlying's price at that
moment, and rebuilt when the ET date changes. Options that are not in today's listing (a
position opened on an earlier run) are added on demand, so they keep resolving and pricing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

import numpy as np

from desktop.core.calendar import expiration_type
from desktop.core.futures_symbols import FutureOptionSymbol
from desktop.core.symbols import OccSymbol

from .instruments import (
    PENNY_ALL_TICKS,
    PENNY_PILOT_TICKS,
    STANDARD_OPTION_TICKS,
    Instrument,
    ticks,
)
from .listing import (
    ExpirationSpec,
    FutureContract,
    equity_expirations,
    future_option_expirations,
    session_ms,
    strike_grid,
    strike_increments,
)
from .universe import FutureProduct, Underlying

YEAR_MS = 365.0 * 86_400_000


@dataclass
class ChainExpiration:
    """One expiration of a chain: its spec, strikes and underlying (futures: a contract)."""

    spec: ExpirationSpec
    strikes: list[Decimal]
    underlying_symbol: str  # REST
    underlying_streamer: str
    option_contract: str = ""  # future options


@dataclass
class OptionChain:
    """All options of one underlying (``SPY``, ``SPX`` with SPX+SPXW roots, ``/ES``)."""

    underlying: str  # REST symbol of the chain's underlying (/ES for futures options)
    kind: str  # "Equity Option" | "Future Option"
    listed_on: date
    expirations: list[ChainExpiration]
    instruments: list[Instrument] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)  # streamer symbol -> position
    rest_index: dict[str, int] = field(default_factory=dict)  # REST symbol -> position
    # arrays, one element per instrument
    strike: np.ndarray = field(default_factory=lambda: np.zeros(0))
    is_call: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    expires_ms: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    under_slot: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    under_streamers: list[str] = field(default_factory=list)  # slot -> underlying streamer symbol
    version: int = 0  # bumped whenever instruments are added

    def add(self, inst: Instrument) -> int:
        """Append one option (idempotent); returns its position."""
        pos = self.index.get(inst.streamer_symbol)
        if pos is not None:
            return pos
        pos = len(self.instruments)
        self.instruments.append(inst)
        self.index[inst.streamer_symbol] = pos
        self.rest_index[inst.symbol] = pos
        if inst.underlying_streamer not in self.under_streamers:
            self.under_streamers.append(inst.underlying_streamer)
        slot = self.under_streamers.index(inst.underlying_streamer)
        self.strike = np.append(self.strike, inst.strike)
        self.is_call = np.append(self.is_call, inst.option_type == "C")
        self.expires_ms = np.append(self.expires_ms, inst.expires_ms)
        self.under_slot = np.append(self.under_slot, slot)
        self.version += 1
        return pos

    def finish(self, built: list[Instrument]) -> None:
        """Set all instruments at once (fast path for a fresh chain)."""
        self.instruments = built
        self.index = {inst.streamer_symbol: i for i, inst in enumerate(built)}
        self.rest_index = {inst.symbol: i for i, inst in enumerate(built)}
        self.under_streamers = list(dict.fromkeys(inst.underlying_streamer for inst in built))
        slot_of = {s: i for i, s in enumerate(self.under_streamers)}
        self.strike = np.fromiter((i.strike for i in built), float, len(built))
        self.is_call = np.fromiter((i.option_type == "C" for i in built), bool, len(built))
        self.expires_ms = np.fromiter((i.expires_ms for i in built), np.int64, len(built))
        self.under_slot = np.fromiter((slot_of[i.underlying_streamer] for i in built), np.int64, len(built))
        self.version += 1


def option_ticks(u: Underlying) -> tuple:
    if u.kind == "Index":
        return STANDARD_OPTION_TICKS
    if u.is_etf and u.liquidity >= 5:
        return PENNY_ALL_TICKS
    return PENNY_PILOT_TICKS if u.penny_options else STANDARD_OPTION_TICKS


def _describe(root: str, day: date, option_type: str, strike: Decimal) -> str:
    kind = "Call" if option_type == "C" else "Put"
    return f"{root} {day:%m/%d/%y} {kind} {strike:.2f}"


def equity_option(u: Underlying, spec: ExpirationSpec, option_type: str, strike: Decimal) -> Instrument:
    """The instrument of one equity/index option."""
    occ = OccSymbol(spec.root, spec.day, option_type, strike)
    return Instrument(
        streamer_symbol=occ.streamer,
        symbol=occ.occ,
        kind="Equity Option",
        description=_describe(spec.root, spec.day, option_type, strike),
        underlying_symbol=u.symbol,
        underlying_streamer=u.symbol,
        hours="index" if u.kind == "Index" else "equity",
        multiplier=100.0,
        tick_sizes=option_ticks(u),
        root=spec.root,
        strike=float(strike),
        option_type=option_type,
        expiration=spec.day,
        expires_ms=spec.stops_trading_ms,
        settlement=spec.settlement,
        exercise_style="European" if u.kind == "Index" else "American",
        expiration_type=spec.expiration_type,
        liquidity=u.liquidity,
    )


def _option_pair(u: Underlying, spec: ExpirationSpec, strike: Decimal) -> tuple[Instrument, Instrument]:
    """Call and put at one strike: symbols formatted once (by core) for the call, the put's
    differ only in the C/P letter."""
    call = equity_option(u, spec, "C", strike)
    root_len = len(spec.root)
    streamer = call.streamer_symbol
    put_streamer = streamer[: root_len + 7] + "P" + streamer[root_len + 8 :]
    put_symbol = call.symbol[:12] + "P" + call.symbol[13:]
    description = call.description[: -len(f"Call {strike:.2f}")] + f"Put {strike:.2f}"
    put = replace(
        call, streamer_symbol=put_streamer, symbol=put_symbol, option_type="P", description=description
    )
    return call, put


def build_equity_chain(u: Underlying, spot: float, vol: float, today: date, now_ms: int) -> OptionChain:
    """Today's listing of ``u``'s options around ``spot``."""
    expirations = []
    built: list[Instrument] = []
    for spec in equity_expirations(u, today):
        if spec.stops_trading_ms <= now_ms:
            continue
        years = max(0.0, (spec.expires_ms - now_ms) / YEAR_MS)
        near, far, band = strike_increments(u, spot)
        strikes = strike_grid(spot, years, vol, near, far, band)
        expirations.append(ChainExpiration(spec, strikes, u.symbol, u.symbol))
        for k in strikes:
            built.extend(_option_pair(u, spec, k))
    chain = OptionChain(u.symbol, "Equity Option", today, expirations)
    chain.finish(built)
    return chain


def future_option(
    product: FutureProduct,
    spec: ExpirationSpec,
    under: FutureContract,
    code: str,
    option_type: str,
    strike: Decimal,
) -> Instrument:
    """The instrument of one future option."""
    fo = FutureOptionSymbol(under.symbol, code, spec.day, option_type, strike)
    return Instrument(
        streamer_symbol=fo.streamer(product.streamer_exchange),
        symbol=fo.symbol,
        kind="Future Option",
        description=f"{product.description_short} {_describe(spec.root, spec.day, option_type, strike)}",
        underlying_symbol=under.symbol,
        underlying_streamer=under.streamer,
        hours="futures",
        multiplier=product.multiplier,
        tick_sizes=ticks(*((str(v), None if t is None else str(t)) for v, t in product.option_tick_sizes)),
        root=spec.root,
        strike=float(strike),
        option_type=option_type,
        expiration=spec.day,
        expires_ms=spec.stops_trading_ms,
        settlement=spec.settlement,
        exercise_style="American",
        expiration_type=spec.expiration_type,
        option_contract=code,
        product_code=product.code,
        liquidity=4,
    )


def build_future_option_chain(
    product: FutureProduct,
    contracts: list[FutureContract],
    spot_of: dict[str, float],
    vol: float,
    today: date,
    now_ms: int,
) -> OptionChain:
    """Today's /ES-style future options; ``spot_of`` maps contract streamer symbol -> price."""
    expirations = []
    built: list[Instrument] = []
    for spec, under, code in future_option_expirations(product, contracts, today):
        if spec.stops_trading_ms <= now_ms:
            continue
        spot = spot_of[under.streamer]
        years = max(0.0, (spec.expires_ms - now_ms) / YEAR_MS)
        strikes = strike_grid(spot, years, vol, 5.0, 25.0, 0.06)
        expirations.append(ChainExpiration(spec, strikes, under.symbol, under.streamer, code))
        for k in strikes:
            built.append(future_option(product, spec, under, code, "C", k))
            built.append(future_option(product, spec, under, code, "P", k))
    chain = OptionChain("/" + product.code, "Future Option", today, expirations)
    chain.finish(built)
    return chain


def unlisted_equity_option(u: Underlying, occ: OccSymbol, now_ms: int) -> Instrument | None:
    """An option of ``u`` not in today's listing (still trading), or None if expired/bad root."""
    roots = u.option_roots or (u.symbol,)
    if occ.root not in roots:
        return None
    kind = expiration_type(occ.expiration)
    settle = "AM" if u.symbol == "SPX" and occ.root == "SPX" else "PM"
    spec = next(
        (s for s in equity_expirations(u, occ.expiration) if s.day == occ.expiration and s.root == occ.root),
        None,
    )
    if spec is None:
        close = session_ms(occ.expiration, 16, 0)
        spec = ExpirationSpec(occ.expiration, occ.root, kind, settle, close, close)
    if spec.stops_trading_ms <= now_ms:
        return None
    return equity_option(u, spec, occ.option_type, occ.strike)
