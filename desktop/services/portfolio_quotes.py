"""Which live market data the positions need, and the inputs it gives their math.

:class:`PositionQuotes` maps each position to its DXLink symbol (and its underlying's),
keeps the market data hub subscribed to exactly what the current positions need (Quote and
Trade for every position and underlying, Greeks for options, and SPY for beta weighting),
and builds :class:`~desktop.services.position_metrics.MarketInputs` from the hub's latest
values. No Qt here beyond the hub it is given.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Iterable
from decimal import Decimal
from typing import Any, Protocol

from desktop.api.models import Position
from desktop.core.symbols import InstrumentType, to_streamer_symbol
from desktop.services.position_metrics import MarketInputs, is_option

log = logging.getLogger(__name__)

BENCHMARK = "SPY"
PRICE_EVENTS = ("Quote", "Trade")


class HubLike(Protocol):
    def subscribe(self, owner: Hashable, event_type: str, symbols: Iterable[str]) -> None: ...
    def unsubscribe(
        self, owner: Hashable, event_type: str | None = None, symbols: Iterable[str] | None = None
    ) -> None: ...
    def latest(self, event_type: str, symbol: str) -> Any | None: ...


def streamer_symbol_of(symbol: str, instrument_type: str | None = None) -> str | None:
    """The DXLink symbol of a REST symbol, or ``None`` when it cannot be derived."""
    if not symbol:
        return None
    try:
        kind = (
            InstrumentType(instrument_type) if instrument_type in InstrumentType._value2member_map_ else None
        )
        return to_streamer_symbol(symbol, kind)
    except ValueError as exc:
        log.debug("No streamer symbol for %r: %s", symbol, exc)
        return None


def _num(value: Any) -> float:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return math.nan
    return f


class PositionQuotes:
    """Live market inputs for a set of positions, through a shared market data hub."""

    def __init__(self, hub: HubLike | None, owner: Hashable) -> None:
        self.hub = hub
        self.owner = owner
        self._wanted: dict[str, set[str]] = {}  # event type -> streamer symbols
        self._by_streamer: dict[str, set[str]] = {}  # streamer symbol -> position symbols
        self._streamer: dict[str, str | None] = {}  # position symbol -> its streamer symbol
        self._underlying: dict[str, str | None] = {}  # position symbol -> underlying streamer symbol

    def track(self, positions: Iterable[Position]) -> None:
        """Subscribe what ``positions`` need and release what they no longer need."""
        wanted: dict[str, set[str]] = {"Quote": {BENCHMARK}, "Trade": {BENCHMARK}, "Greeks": set()}
        by_streamer: dict[str, set[str]] = {}
        self._streamer.clear()
        self._underlying.clear()
        for p in positions:
            own = streamer_symbol_of(p.symbol, p.instrument_type)
            under = streamer_symbol_of(p.underlying_symbol) if p.underlying_symbol else None
            self._streamer[p.symbol] = own
            self._underlying[p.symbol] = under if under != own else None
            for sym in (own, under):
                if sym:
                    wanted["Quote"].add(sym)
                    wanted["Trade"].add(sym)
                    by_streamer.setdefault(sym, set()).add(p.symbol)
            if own and is_option(p):
                wanted["Greeks"].add(own)
        self._by_streamer = by_streamer
        if self.hub is None:
            self._wanted = wanted
            return
        for event_type, symbols in wanted.items():
            before = self._wanted.get(event_type, set())
            gone, new = before - symbols, symbols - before
            if gone:
                self.hub.unsubscribe(self.owner, event_type, sorted(gone))
            if new:
                self.hub.subscribe(self.owner, event_type, sorted(new))
        self._wanted = wanted

    def release(self) -> None:
        """Drop every subscription (signed out, or the account has no positions)."""
        if self.hub is not None and self._wanted:
            self.hub.unsubscribe(self.owner)
        self._wanted.clear()
        self._by_streamer.clear()

    def streamer_symbol(self, position_symbol: str) -> str | None:
        return self._streamer.get(position_symbol)

    def affected(self, streamer_symbols: Iterable[str]) -> set[str]:
        """Position symbols whose values depend on any of ``streamer_symbols`` (SPY: all)."""
        out: set[str] = set()
        for sym in streamer_symbols:
            if sym == BENCHMARK:
                return set(self._streamer)
            out |= self._by_streamer.get(sym, set())
        return out

    def _price(self, streamer_symbol: str | None) -> tuple[float, float, float]:
        if self.hub is None or not streamer_symbol:
            return math.nan, math.nan, math.nan
        quote = self.hub.latest("Quote", streamer_symbol)
        trade = self.hub.latest("Trade", streamer_symbol)
        bid = _num(getattr(quote, "bid_price", None))
        ask = _num(getattr(quote, "ask_price", None))
        return bid, ask, _num(getattr(trade, "price", None))

    def _mid(self, streamer_symbol: str | None) -> float:
        bid, ask, last = self._price(streamer_symbol)
        if math.isfinite(bid) and math.isfinite(ask) and 0 < bid <= ask:
            return (bid + ask) / 2
        return last

    def inputs(self, position: Position, beta: Decimal | None) -> MarketInputs:
        """The hub's latest values for ``position`` as math inputs."""
        own = self._streamer.get(position.symbol)
        bid, ask, last = self._price(own)
        greeks = self.hub.latest("Greeks", own) if self.hub is not None and own else None
        under = self._underlying.get(position.symbol)
        return MarketInputs(
            bid=bid,
            ask=ask,
            last=last,
            delta=_num(getattr(greeks, "delta", None)),
            theta=_num(getattr(greeks, "theta", None)),
            vega=_num(getattr(greeks, "vega", None)),
            underlying_price=self._mid(under) if under else math.nan,
            beta=float(beta) if beta is not None else None,
            spy_price=self._mid(BENCHMARK),
        )
