"""The market model facade: one price truth for REST, matching and DXLink.

``MarketModel`` ticks every ``TICK_S`` seconds on the exchange's loop: core paths move
(``live``), tickers requote, and the tick counter advances. Option chains are repriced lazily,
once per tick, the first time anything asks for one of their options. Reads are cheap and
never block; ``candles`` may take tens of milliseconds for long ranges the first time and is
thread-safe, so callers may run it in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable

from desktop.core.candles import CandlePeriod, parse_period

from . import hours as H
from .bars import Candle
from .candles import CandleSource
from .chains import OptionChain
from .changes import ChangeSet
from .events import day_id_of, exchange_code, option_event, ticker_event
from .instruments import Instrument
from .live import LiveWalk
from .options import ChainPricer, SurfaceParams
from .paths import PathEngine, rng
from .quotes import Ticker
from .registry import Registry
from .tickers import carry_scale, new_ticker, profile_fields, session_midnight
from .universe import ADV, RISK_FREE_RATE, UNIVERSE, Universe

log = logging.getLogger(__name__)

TICK_S = 0.1
_REQUOTE_P = {5: 1.0, 4: 0.8, 3: 0.6}
_TRADE_P = {5: 0.6, 4: 0.4, 3: 0.25}


class MarketModel:
    """Prices, quotes, greeks and candles of every listed instrument (see the module doc)."""

    def __init__(
        self, seed: int, sessions: str, clock_ms: Callable[[], int], universe: Universe = UNIVERSE
    ) -> None:
        now_ms = int(clock_ms())
        self.clock_ms = clock_ms
        self.seed = seed
        self.universe = universe
        self.sessions = sessions
        self.paths = PathEngine(seed, universe)
        self.live = LiveWalk(seed, universe, self.paths, now_ms, sessions)
        self.source = CandleSource(self.paths, self.live, ADV)
        self.registry = Registry(universe, now_ms)
        self.tick = 0
        self.now_ms = now_ms
        self._rng = rng(seed, "quotes")
        self.tickers: dict[str, Ticker] = {}
        self._changed: dict[str, int] = {}
        self.pricers: dict[str, ChainPricer] = {}
        self._option_counts: dict[str, int] = {}
        self._counts_version = -1
        self._tick_event = asyncio.Event() if _has_loop() else None
        self._task: asyncio.Task[None] | None = None
        for inst in list(self.registry.by_streamer.values()):
            self._add_ticker(inst, now_ms)

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start ticking on the running loop."""
        if self._tick_event is None:
            self._tick_event = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._run(), name="market-ticks")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def _run(self) -> None:
        """Tick on a fixed schedule (no drift); after a stall, skip the missed ticks."""
        loop = asyncio.get_running_loop()
        last = due = loop.time()
        while True:
            due += TICK_S
            delay = due - loop.time()
            if delay < -TICK_S:
                due = loop.time()
                delay = 0.0
            await asyncio.sleep(max(delay, 0.0))
            now = loop.time()
            try:
                self.step(int(self.clock_ms()), min(now - last, 5.0))
            except Exception:
                log.exception("market tick failed; continuing")
            last = now

    # -- the tick -----------------------------------------------------------------------------

    def step(self, now_ms: int, dt_s: float) -> None:
        """Advance the model to ``now_ms`` (``dt_s`` seconds of movement)."""
        if H.et_date(now_ms) != self.registry.listed_on:
            for inst in self.registry.new_day(now_ms):
                self._add_ticker(inst, now_ms)
            self.pricers.clear()
        moved = set(self.live.step(now_ms, max(dt_s, 0.0)))
        self.now_ms = now_ms
        self.tick += 1
        draws = self._rng.random((len(self.tickers), 5))
        for k, t in enumerate(self.tickers.values()):
            inst = t.inst
            if inst.path not in moved:  # includes a frozen market: quotes stand still
                continue
            if not self.live.always_open and not H.is_open(inst.hours, now_ms):
                continue
            u = draws[k]
            liquidity = min(inst.liquidity, 5)
            if u[0] > _REQUOTE_P.get(liquidity, 0.4):
                continue
            price = self.live.level(inst.path) * self._scale(inst, now_ms)
            day_ms = self._session_midnight(inst, now_ms)
            units = self.live.cumulative_volume(inst.path)
            if day_id_of(day_ms) != t.day.day_id:
                t.roll_day(day_id_of(day_ms), price, units)
            t.requote(price, u[1], u[2], u[3], now_ms, self.tick, u[4] < _TRADE_P.get(liquidity, 0.2))
            t.day.volume = t.base_volume + (units - t.units_start) * self.source.volume_of(inst)
            self._changed[inst.streamer_symbol] = self.tick
        if self._tick_event is not None:
            self._tick_event.set()
            self._tick_event = asyncio.Event()

    async def wait_tick(self, after: int) -> int:
        """Wait until the tick counter passes ``after``; returns the counter (wrap in a timeout)."""
        while self.tick <= after:
            event = self._tick_event
            if event is None:
                await asyncio.sleep(TICK_S)
            else:
                await event.wait()
        return self.tick

    def changed_since(self, tick: int | None) -> tuple[int, ChangeSet | None]:
        """(current tick, what changed after ``tick``); ``None`` = everything (first call)."""
        if tick is None or tick < self.tick - 600:
            return self.tick, None
        changed = frozenset(s for s, t in self._changed.items() if t > tick)
        return self.tick, ChangeSet(changed, self.registry.option_under, self.option_counts)

    def option_counts(self) -> dict[str, int]:
        version = sum(c.version for c in self.registry.chains.values()) + len(self.registry.chains)
        if version != self._counts_version:
            counts: dict[str, int] = {}
            for under in self.registry.option_under.values():
                counts[under] = counts.get(under, 0) + 1
            self._option_counts, self._counts_version = counts, version
        return self._option_counts

    # -- prices -------------------------------------------------------------------------------

    def _scale(self, inst: Instrument, now_ms: int) -> float:
        return carry_scale(self.universe, inst, now_ms)

    def _session_midnight(self, inst: Instrument, now_ms: int) -> int:
        return session_midnight(inst, now_ms)

    def _add_ticker(self, inst: Instrument, now_ms: int) -> None:
        if inst.is_option or inst.streamer_symbol in self.tickers:
            return
        self.tickers[inst.streamer_symbol] = new_ticker(
            self.source, self.live, inst, now_ms, self.tick, self._rng
        )

    def ticker(self, streamer_symbol: str) -> Ticker | None:
        return self.tickers.get(streamer_symbol)

    def price_of(self, streamer_symbol: str) -> float:
        t = self.tickers.get(streamer_symbol)
        return t.price if t is not None else math.nan

    def vol_of(self, core: str) -> float:
        return self.universe.cores[core].vol

    def iv_scale(self, underlying_path: str) -> float:
        vix = self.live.level("VIX") if "VIX" in self.live.cores else 17.0
        corr = max(0.0, self.universe.cores[underlying_path].corr)
        return max(0.5, min(3.0, (vix / self.universe.cores["VIX"].ref_price) ** (0.8 * corr)))

    # -- chains -------------------------------------------------------------------------------

    def chain(self, underlying: str) -> OptionChain | None:
        """The option chain of a REST underlying (``SPY``, ``SPX``, ``/ES``)."""
        return self.registry.chain(underlying, self.now_ms, self.price_of, self.vol_of)

    def pricer(self, underlying: str, reprice: bool = True) -> ChainPricer | None:
        """The chain's pricer, repriced for the current tick (unless ``reprice`` is false)."""
        chain = self.chain(underlying)
        if chain is None:
            return None
        p = self.pricers.get(underlying)
        if p is None or p.chain is not chain:
            p = ChainPricer(chain, self.surface_params(underlying), self.seed)
            self.pricers[underlying] = p
        if reprice and (p.tick != self.tick or p.version != chain.version):
            prices, prevs = self._under_prices(chain)
            p.reprice(prices, prevs, self.now_ms, self.iv_scale(self.path_of_chain(underlying)), self.tick)
        return p

    def _under_prices(self, chain: OptionChain) -> tuple[list[float], list[float]]:
        prices, prevs = [], []
        for s in chain.under_streamers:
            t = self.tickers.get(s)
            prices.append(t.mark if t is not None else math.nan)
            prevs.append(t.day.prev_close if t is not None else math.nan)
        return prices, prevs

    def path_of_chain(self, underlying: str) -> str:
        """The core path an underlying (``SPY``, ``/ES``) follows."""
        if underlying.startswith("/"):
            return self.universe.futures[underlying[1:]].path
        return self.universe.underlyings[underlying].path

    def surface_params(self, underlying: str) -> SurfaceParams:
        """Volatility-surface inputs of an optionable underlying (``SPY``, ``/ES``)."""
        if underlying.startswith("/"):
            product = self.universe.futures[underlying[1:]]
            core = self.universe.cores[product.path]
            return SurfaceParams(core.vol * 1.1, -0.2, RISK_FREE_RATE, 0.0, 4)
        u = self.universe.underlyings[underlying]
        core = self.universe.cores[u.path]
        return SurfaceParams(core.vol * u.iv_premium, u.skew, RISK_FREE_RATE, u.dividend_yield, u.liquidity)

    # -- public reads -------------------------------------------------------------------------

    def resolve(self, streamer_symbol: str) -> Instrument | None:
        """The instrument a DXLink symbol names, or None (unknown: DXLink stays silent)."""
        inst = self.registry.by_streamer.get(streamer_symbol)
        if inst is not None:
            return inst
        key = self.registry.option_chain.get(streamer_symbol)
        chain = self.chain(key) if key is not None else None
        pos = chain.index.get(streamer_symbol) if chain is not None else None
        if pos is not None:  # a listed option: no symbol parsing (the hot path of option events)
            return chain.instruments[pos]  # type: ignore[union-attr]
        under = self.registry.option_under.get(streamer_symbol)
        if under is not None or streamer_symbol.startswith("."):
            return self.registry.resolve_option_streamer(streamer_symbol, self.chain, self.now_ms)
        return None

    def resolve_rest(self, symbol: str) -> Instrument | None:
        """The instrument a REST symbol names (equity, OCC, /ESZ6, ./ESZ6 EW4N6 ..., BTC/USD)."""
        return self.registry.resolve_rest(symbol, self.chain, self.now_ms)

    def quote(self, inst: Instrument) -> tuple[float, float, float]:
        """(bid, ask, mark) of any instrument right now (NaN when it has no quote)."""
        if inst.is_option:
            key = self.registry.chain_of_option(inst)
            p = self.pricer(key, reprice=False)
            pos = p.chain.index.get(inst.streamer_symbol) if p is not None else None
            if p is not None and pos is None and self.resolve(inst.streamer_symbol) is not None:
                pos = p.chain.index.get(inst.streamer_symbol)  # re-listed after a day roll
            if p is None or pos is None:
                return math.nan, math.nan, math.nan
            if p.tick == self.tick and p.version == p.chain.version:
                bid, ask = float(p.bid[pos]), float(p.ask[pos])
            else:  # the chain is not being streamed: price just this option
                prices, _ = self._under_prices(p.chain)
                bid, ask = p.quote_one(pos, prices, self.now_ms, self.iv_scale(self.path_of_chain(key)))
            return bid, ask, (bid + ask) / 2
        t = self.tickers.get(inst.streamer_symbol)
        if t is None:
            return math.nan, math.nan, math.nan
        return t.bid, t.ask, t.mark

    def event_fields(self, event_type: str, streamer_symbol: str, now_ms: int) -> dict[str, object] | None:
        """Field values of one event (Quote, Trade, Summary, Profile, Greeks, TheoPrice) or None."""
        t = self.tickers.get(streamer_symbol)
        if t is not None:
            cached = t.cache.get(event_type)
            if cached is not None:
                return cached
            inst = t.inst
            profile = self._profile(t) if event_type == "Profile" else None
            extended = not self.live.always_open and not H.is_regular(inst.hours, now_ms)
            u = self.universe.underlyings.get(inst.symbol)
            code = exchange_code(u.listed_market) if u and u.kind == "Equity" else ""
            values = ticker_event(event_type, t, code, profile, extended)
            if values is not None:
                t.cache[event_type] = values
            return values
        inst = self.resolve(streamer_symbol)
        if inst is None or not inst.is_option:
            return None
        key = self.registry.chain_of_option(inst)
        p = self.pricer(key)
        if p is None:
            return None
        pos = p.chain.index.get(streamer_symbol)
        if pos is None:
            return None
        under = self.tickers.get(inst.underlying_streamer)
        day_id = under.day.day_id if under else day_id_of(H.midnight_ms(H.et_date(now_ms)))
        return option_event(event_type, p, pos, streamer_symbol, day_id, self.now_ms, inst.description)

    def _profile(self, t: Ticker) -> dict[str, object]:
        return profile_fields(self.paths, self.universe, t, self.now_ms)

    def candles(
        self,
        base_streamer_symbol: str,
        period: CandlePeriod | str | int,
        rth_only: bool,
        from_ms: int,
        now_ms: int,
    ) -> list[Candle]:
        """Candles of ``period`` (CandlePeriod, ``"5m"``, or ms) from ``from_ms``, ascending, live last.

        Day/week/month/year candles are aligned to New York midnight; intraday ones to UTC
        multiples. History before the live start is a pure function of the seed; at most
        ``candles.MAX_CANDLES`` (the newest) are returned. ``ValueError`` for an unknown symbol
        or a non-time period.
        """
        p = _period(period)
        inst = self.resolve(base_streamer_symbol)
        if inst is None:
            raise ValueError(f"unknown symbol {base_streamer_symbol!r}")
        if inst.is_option:
            return self._option_candles(inst, p, rth_only, from_ms, now_ms)
        out = self.source.candles(inst, p, rth_only, from_ms, now_ms)
        if inst.kind == "Index":
            for c in out:
                c.volume = c.vwap = math.nan
        return out

    def _option_candles(
        self, inst: Instrument, p: CandlePeriod, rth_only: bool, from_ms: int, now_ms: int
    ) -> list[Candle]:
        under = self.resolve(inst.underlying_streamer)
        pricer = self.pricer(self.registry.chain_of_option(inst))
        if under is None or pricer is None:
            return []
        pos = pricer.chain.index[inst.streamer_symbol]
        base = self.source.candles(under, p, rth_only, max(from_ms, now_ms - 40 * H.DAY_MS), now_ms)
        return pricer.candles(pos, base, self.iv_scale(under.path), now_ms)

    # -- admin --------------------------------------------------------------------------------

    def set_price(self, rest_symbol: str, price: float) -> Instrument:
        """Jump an underlying (REST symbol) to ``price``; what follows its path jumps too."""
        inst = self.resolve_rest(rest_symbol)
        if inst is None or inst.is_option or not inst.path:
            raise ValueError(f"cannot set the price of {rest_symbol!r}: not a listed underlying")
        if not price > 0:
            raise ValueError("price must be positive")
        self.live.set_level(inst.path, price / self._scale(inst, self.now_ms), self.now_ms)
        for t in self.tickers.values():
            if t.inst.path == inst.path:
                px = self.live.level(inst.path) * self._scale(t.inst, self.now_ms)
                t.requote(px, 0.0, 0.5, 0.5, self.now_ms, self.tick + 1, True)
                self._changed[t.inst.streamer_symbol] = self.tick + 1
        self.tick += 1
        return inst

    def freeze(self, frozen: bool) -> None:
        """Stop (or restart) the random walk: frozen quotes stand still until ``set_price``."""
        self.live.frozen = frozen


def _period(period: CandlePeriod | str | int) -> CandlePeriod:
    if isinstance(period, CandlePeriod):
        return period
    if isinstance(period, str):
        return parse_period(period)
    if period % 86_400_000 == 0:
        return CandlePeriod(period // 86_400_000, "d")
    if period % 1000 == 0:
        return CandlePeriod(period // 1000, "s")
    raise ValueError(f"unsupported candle period {period!r}")


def _has_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


__all__ = ["Candle", "ChangeSet", "MarketModel"]
