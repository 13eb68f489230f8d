"""The instrument registry: listed underlyings, futures and crypto, and lazily built chains.

Lookups work by streamer symbol (DXLink) and by REST symbol (orders, positions, instruments
endpoints). Futures listings and option chains are rebuilt when the ET date changes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from desktop.core.futures_symbols import (
    parse_future,
    parse_future_option,
    parse_streamer_future_option,
)
from desktop.core.symbols import instrument_type_of, parse_occ, parse_streamer_option

from . import hours as H
from .chains import (
    OptionChain,
    build_equity_chain,
    build_future_option_chain,
    future_option,
    unlisted_equity_option,
)
from .instruments import EQUITY_TICKS, Instrument, ticks
from .listing import FutureContract, futures_contracts
from .universe import CryptoPair, FutureProduct, Underlying, Universe

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def underlying_instrument(u: Underlying) -> Instrument:
    return Instrument(
        streamer_symbol=u.symbol,
        symbol=u.symbol,
        kind=u.kind,
        description=u.description,
        underlying_symbol=u.symbol,
        underlying_streamer="",
        hours=u.hours,
        tick_sizes=ticks(("0.01", None)) if u.kind == "Index" else EQUITY_TICKS,
        path=u.path,
        ratio=u.ratio,
        root=u.symbol,
        liquidity=u.liquidity,
    )


def future_instrument(c: FutureContract, front: bool) -> Instrument:
    p = c.product
    return Instrument(
        streamer_symbol=c.streamer,
        symbol=c.symbol,
        kind="Future",
        description=f"{p.description} {_MONTHS[c.month - 1]} {c.year}",
        underlying_symbol="/" + p.code,
        underlying_streamer="",
        hours="futures",
        multiplier=p.multiplier,
        tick_sizes=ticks((repr(p.tick_size), None)),
        path=p.path,
        ratio=p.ratio,
        root="/" + p.code,
        expiration=c.last_trade,
        expires_ms=c.expires_ms,
        product_code=p.code,
        liquidity=5 if front else 3,
    )


def crypto_instrument(c: CryptoPair) -> Instrument:
    return Instrument(
        streamer_symbol=f"{c.symbol}:CXTALP",
        symbol=c.symbol,
        kind="Cryptocurrency",
        description=c.description,
        underlying_symbol=c.symbol,
        underlying_streamer="",
        hours="crypto",
        tick_sizes=ticks((repr(c.tick_size), None)),
        path=c.path,
        liquidity=4,
    )


class Registry:
    """Every instrument the exchange lists today, by streamer and by REST symbol."""

    def __init__(self, universe: Universe, now_ms: int) -> None:
        self.universe = universe
        self._lock = threading.RLock()
        self.by_streamer: dict[str, Instrument] = {}
        self.by_rest: dict[str, Instrument] = {}
        self.contracts: dict[str, list[FutureContract]] = {}
        self.chains: dict[str, OptionChain] = {}
        self.option_under: dict[str, str] = {}  # option streamer symbol -> underlying streamer symbol
        self.option_chain: dict[str, str] = {}  # option streamer symbol -> its chain's key (SPY, /ES)
        self.listed_on: date = H.et_date(now_ms)
        for u in universe.underlyings.values():
            self._add(underlying_instrument(u))
        for c in universe.crypto.values():
            self._add(crypto_instrument(c))
        self.list_futures(now_ms)
        self.root_to_underlying = {
            root: u.symbol
            for u in universe.underlyings.values()
            if u.optionable
            for root in (u.option_roots or (u.symbol,))
        }

    def _add(self, inst: Instrument) -> None:
        self.by_streamer[inst.streamer_symbol] = inst
        self.by_rest[inst.symbol] = inst

    def list_futures(self, now_ms: int) -> list[Instrument]:
        """(Re)list futures contracts; returns the newly listed instruments."""
        added = []
        for code, product in self.universe.futures.items():
            contracts = futures_contracts(product, now_ms)
            self.contracts[code] = contracts
            for i, c in enumerate(contracts):
                if c.streamer not in self.by_streamer:
                    inst = future_instrument(c, i == 0)
                    self._add(inst)
                    added.append(inst)
        return added

    def new_day(self, now_ms: int) -> list[Instrument]:
        """The ET date changed: relist futures, drop chains (rebuilt on next use)."""
        with self._lock:
            self.listed_on = H.et_date(now_ms)
            self.chains.clear()
            return self.list_futures(now_ms)

    # -- chains -------------------------------------------------------------------------------

    def chain(
        self,
        underlying: str,
        now_ms: int,
        price_of: Callable[[str], float],
        vol_of: Callable[[str], float],
    ) -> OptionChain | None:
        """The option chain of a REST underlying (``SPY``, ``SPX``, ``/ES``), built on first use."""
        with self._lock:
            chain = self.chains.get(underlying)
            if chain is not None:
                return chain
            today = self.listed_on
            if underlying.startswith("/"):
                product = self.universe.futures.get(underlying[1:])
                if product is None or not product.has_options:
                    return None
                contracts = self.contracts[product.code]
                spot_of = {c.streamer: price_of(c.streamer) for c in contracts}
                chain = build_future_option_chain(
                    product, contracts, spot_of, vol_of(product.path), today, now_ms
                )
            else:
                u = self.universe.underlyings.get(underlying)
                if u is None or not u.optionable:
                    return None
                chain = build_equity_chain(u, price_of(u.symbol), vol_of(u.path), today, now_ms)
            self.chains[underlying] = chain
            for inst in chain.instruments:
                self.option_under[inst.streamer_symbol] = inst.underlying_streamer
                self.option_chain[inst.streamer_symbol] = underlying
            return chain

    def add_option(self, chain: OptionChain, inst: Instrument) -> Instrument:
        with self._lock:
            chain.add(inst)
            self.option_under[inst.streamer_symbol] = inst.underlying_streamer
            self.option_chain[inst.streamer_symbol] = chain.underlying
            return inst

    def chain_of_option(self, inst: Instrument) -> str:
        """The chain key (REST underlying) an option belongs to."""
        if inst.kind == "Future Option":
            return "/" + inst.product_code
        return self.root_to_underlying.get(inst.root, inst.underlying_symbol)

    # -- resolution ---------------------------------------------------------------------------

    def resolve_option_streamer(
        self, symbol: str, chain_for: Callable[[str], OptionChain | None], now_ms: int
    ) -> Instrument | None:
        if symbol.startswith("./"):
            try:
                contract, _, _, _ = parse_streamer_future_option(symbol)
            except ValueError:
                return None
            for code, product in self.universe.futures.items():
                if product.has_options and (contract.startswith("EW") or contract.startswith(code)):
                    chain = chain_for("/" + code)
                    if chain is not None and symbol in chain.index:
                        return chain.instruments[chain.index[symbol]]
            return None
        try:
            occ = parse_streamer_option(symbol)
        except ValueError:
            return None
        return self._equity_option(occ, chain_for, now_ms)

    def _equity_option(self, occ, chain_for, now_ms: int) -> Instrument | None:  # type: ignore[no-untyped-def]
        underlying = self.root_to_underlying.get(occ.root)
        if underlying is None:
            return None
        chain = chain_for(underlying)
        if chain is None:
            return None
        pos = chain.index.get(occ.streamer)
        if pos is not None:
            return chain.instruments[pos]
        inst = unlisted_equity_option(self.universe.underlyings[underlying], occ, now_ms)
        return None if inst is None else self.add_option(chain, inst)

    def resolve_rest(
        self, symbol: str, chain_for: Callable[[str], OptionChain | None], now_ms: int
    ) -> Instrument | None:
        """An instrument by REST symbol: ``AAPL``, OCC, ``/ESZ6``, ``./ESZ6 EW4N6 ...``, ``BTC/USD``."""
        text = symbol.strip()
        inst = self.by_rest.get(text)
        if inst is not None:
            return inst
        try:
            kind = instrument_type_of(text)
        except ValueError:
            return None
        if kind == "Equity Option":
            try:
                return self._equity_option(parse_occ(text), chain_for, now_ms)
            except ValueError:
                return None
        if kind == "Future":
            try:
                fut = parse_future(text if text.startswith("/") else "/" + text, H.et_date(now_ms))
            except ValueError:
                return None
            return self.by_rest.get(fut.symbol)
        if kind == "Future Option":
            try:
                fo = parse_future_option(text)
            except ValueError:
                return None
            product = self.universe.futures.get(parse_future(fo.future).product_code)
            if product is None:
                return None
            chain = chain_for("/" + product.code)
            if chain is None:
                return None
            streamer = fo.streamer(product.streamer_exchange)
            pos = chain.index.get(streamer)
            if pos is not None:
                return chain.instruments[pos]
            return self._unlisted_future_option(product, fo, chain, now_ms)
        return None

    def _unlisted_future_option(
        self, product: FutureProduct, fo, chain: OptionChain, now_ms: int
    ) -> Instrument | None:  # type: ignore[no-untyped-def]
        contract = next((c for c in self.contracts[product.code] if c.symbol == fo.future), None)
        if contract is None:
            return None
        same = next(
            (
                e
                for e in chain.expirations
                if e.spec.day == fo.expiration and e.option_contract == fo.option_contract
            ),
            None,
        )
        if same is None or same.spec.stops_trading_ms <= now_ms:
            return None
        inst = future_option(
            product, same.spec, contract, fo.option_contract, fo.option_type, Decimal(fo.strike)
        )
        return self.add_option(chain, inst)
