"""Live quotes for a table of REST symbols: subscribe through the hub, read latest, drain dirty.

One :class:`LiveQuotes` per table. It owns its hub subscriptions (Quote, Trade, Summary), maps
REST symbols to streamer symbols and back, and turns the hub's dirty set into the REST symbols
whose rows need a repaint.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtCore import QObject

from desktop.services.portfolio_quotes import streamer_symbol_of

log = logging.getLogger(__name__)

EVENT_TYPES = ("Quote", "Trade", "Summary")


@dataclass(frozen=True, slots=True)
class QuoteView:
    """What a quote row shows; ``None`` where the feed has not said yet."""

    bid: float | None
    ask: float | None
    last: float | None
    prev_close: float | None

    @property
    def change(self) -> float | None:
        if self.last is None or self.prev_close is None:
            return None
        return self.last - self.prev_close

    @property
    def change_pct(self) -> float | None:
        c = self.change
        return None if c is None or not self.prev_close else c / self.prev_close

    @property
    def mid(self) -> float | None:
        if self.bid is None or self.ask is None or self.bid <= 0 or self.ask < self.bid:
            return None
        return (self.bid + self.ask) / 2


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


class LiveQuotes(QObject):
    """Quote/Trade/Summary for a set of REST symbols, read from a :class:`MarketDataHub`."""

    def __init__(self, hub: object, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self._to_streamer: dict[str, str] = {}
        self._to_rest: dict[str, str] = {}
        self._dirty = hub.register_view(self) if hub is not None else set()

    def set_symbols(
        self, symbols: Iterable[tuple[str, str | None]], streamer: dict[str, str] | None = None
    ) -> None:
        """Watch exactly these ``(rest_symbol, instrument_type)``; releases the rest.

        ``streamer`` gives streamer symbols that cannot be derived from the REST symbol alone
        (a futures product's front month, found over REST).
        """
        wanted: dict[str, str] = {}
        known = streamer or {}
        for rest, kind in symbols:
            streamer_symbol = known.get(rest) or streamer_symbol_of(rest, kind or None)
            if streamer_symbol:
                wanted[rest] = streamer_symbol
        old = set(self._to_streamer.values())
        new = set(wanted.values())
        self._to_streamer = wanted
        self._to_rest = {s: r for r, s in wanted.items()}
        if self.hub is None:
            return
        for event_type in EVENT_TYPES:
            if old - new:
                self.hub.unsubscribe(self, event_type, old - new)
            if new - old:
                self.hub.subscribe(self, event_type, sorted(new - old))

    def streamer_symbol(self, rest_symbol: str) -> str | None:
        return self._to_streamer.get(rest_symbol)

    def quote(self, rest_symbol: str) -> QuoteView | None:
        streamer = self._to_streamer.get(rest_symbol)
        if streamer is None or self.hub is None:
            return None
        q = self.hub.latest("Quote", streamer)
        t = self.hub.latest("Trade", streamer)
        s = self.hub.latest("Summary", streamer)
        if q is None and t is None and s is None:
            return None
        last = _num(t.price) if t is not None else None
        prev = _num(s.prev_day_close_price) if s is not None else None
        if prev is None and t is not None and last is not None and _num(t.change) is not None:
            prev = last - t.change
        return QuoteView(
            bid=_num(q.bid_price) if q is not None else None,
            ask=_num(q.ask_price) if q is not None else None,
            last=last,
            prev_close=prev,
        )

    def drain(self) -> set[str]:
        """REST symbols with news since the last call."""
        if not self._dirty:
            return set()
        keys = list(self._dirty)
        self._dirty.clear()
        return {r for _event, s in keys if (r := self._to_rest.get(s)) is not None}

    def release(self) -> None:
        if self.hub is not None:
            self.hub.unsubscribe(self)
            self.hub.unregister_view(self)
        self._to_streamer.clear()
        self._to_rest.clear()
