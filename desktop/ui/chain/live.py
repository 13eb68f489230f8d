"""Market data for the chain table: only what is on screen is subscribed.

:class:`ChainMarket` owns the hub subscriptions of the visible strikes (Quote, Greeks, Trade,
Summary for each call and put) and of the expanded expirations' underlyings (Quote, Trade,
Summary). :meth:`ChainMarket.show` replaces the visible set (subscribing what appeared and
releasing what scrolled away); :meth:`ChainMarket.drain` returns the streamer symbols with
news since the last call, from the hub's per-view dirty set.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QObject

__all__ = ["OPTION_EVENTS", "UNDERLYING_EVENTS", "ChainMarket"]

OPTION_EVENTS = ("Quote", "Greeks", "Trade", "Summary")
UNDERLYING_EVENTS = ("Quote", "Trade", "Summary")


class ChainMarket(QObject):
    """Visible-only subscriptions and latest values for one chain panel."""

    def __init__(self, hub: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.options: set[str] = set()
        self.underlyings: set[str] = set()
        self._dirty: set[tuple[str, str]] = hub.register_view(self) if hub is not None else set()

    def read(self, event_type: str, streamer: str) -> Any | None:
        if self.hub is None or not streamer:
            return None
        return self.hub.latest(event_type, streamer)

    def show(self, options: Iterable[str], underlyings: Iterable[str]) -> tuple[int, int]:
        """Subscribe exactly these symbols; returns (added, removed) option symbols."""
        new_options = {s for s in options if s}
        new_underlyings = {s for s in underlyings if s}
        added, removed = new_options - self.options, self.options - new_options
        if self.hub is not None:
            self._change(OPTION_EVENTS, added, removed)
            self._change(
                UNDERLYING_EVENTS, new_underlyings - self.underlyings, self.underlyings - new_underlyings
            )
        self.options, self.underlyings = new_options, new_underlyings
        return len(added), len(removed)

    def _change(self, events: tuple[str, ...], added: set[str], removed: set[str]) -> None:
        for event_type in events:
            if removed:
                self.hub.unsubscribe(self, event_type, removed)
            if added:
                self.hub.subscribe(self, event_type, sorted(added))

    def drain(self) -> set[str]:
        if not self._dirty:
            return set()
        symbols = {symbol for _event, symbol in self._dirty}
        self._dirty.clear()
        return symbols

    def price(self, streamer: str) -> float | None:
        """An underlying's mid, else its last trade."""
        q = self.read("Quote", streamer)
        if q is not None:
            bid, ask = q.bid_price, q.ask_price
            if math.isfinite(bid) and math.isfinite(ask) and 0 < bid <= ask:
                return (bid + ask) / 2
        t = self.read("Trade", streamer)
        if t is not None and math.isfinite(t.price) and t.price > 0:
            return float(t.price)
        return None

    def quoted_options(self) -> int:
        """How many subscribed options have a two-sided quote (the readiness check)."""
        count = 0
        for symbol in self.options:
            q = self.read("Quote", symbol)
            if q is not None and math.isfinite(q.bid_price) and math.isfinite(q.ask_price):
                count += 1
        return count

    def release(self) -> None:
        if self.hub is not None:
            self.hub.unsubscribe(self)
            self.hub.unregister_view(self)
        self.options.clear()
        self.underlyings.clear()
