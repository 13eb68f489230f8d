"""Live market data for the ticket: each leg's bid/ask and greeks, each underlying's price.

:class:`LegQuotes` holds the hub subscriptions for exactly the draft's legs (Quote, plus
Greeks for options) and their underlyings (Quote, Trade), drains the hub's dirty set on a
~20 Hz :class:`~desktop.ui.refresh.RefreshTimer`, feeds the draft's auto price and tells the
views which legs moved (``updated``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.ui.refresh import RefreshTimer

from .draft import TicketDraft
from .legs import TicketLeg
from .pricing import LegQuote

log = logging.getLogger(__name__)

__all__ = ["LegQuotes"]


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


class LegQuotes(QObject):
    """Subscriptions and latest values for the draft's legs. ``updated(set)`` carries the
    REST symbols (legs and underlyings) whose data changed."""

    updated = Signal(object)

    def __init__(self, hub: Any, draft: TicketDraft, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.draft = draft
        self._wanted: dict[str, set[str]] = {}  # event type -> streamer symbols
        self._rest_of: dict[str, set[str]] = {}  # streamer -> REST symbols it feeds
        self._dirty: set[tuple[str, str]] = hub.register_view(self) if hub is not None else set()
        self._timer = RefreshTimer(self._drain, self._apply, 50, self)
        self._timer.start()
        draft.legs_changed.connect(self.resubscribe)
        self.resubscribe()

    # ---- subscriptions -----------------------------------------------------------------
    def resubscribe(self) -> None:
        legs = self.draft.legs
        wanted: dict[str, set[str]] = {"Quote": set(), "Greeks": set(), "Trade": set()}
        rest_of: dict[str, set[str]] = {}
        for leg in legs:
            if leg.streamer_symbol:
                wanted["Quote"].add(leg.streamer_symbol)
                rest_of.setdefault(leg.streamer_symbol, set()).add(leg.symbol)
                if leg.is_option:
                    wanted["Greeks"].add(leg.streamer_symbol)
            if leg.underlying_streamer:
                wanted["Quote"].add(leg.underlying_streamer)
                wanted["Trade"].add(leg.underlying_streamer)
                rest_of.setdefault(leg.underlying_streamer, set()).add(leg.underlying)
        if self.hub is not None:
            for event_type, symbols in wanted.items():
                old = self._wanted.get(event_type, set())
                if old - symbols:
                    self.hub.unsubscribe(self, event_type, old - symbols)
                if symbols - old:
                    self.hub.subscribe(self, event_type, sorted(symbols - old))
        self._wanted, self._rest_of = wanted, rest_of
        self._push_quotes({leg.symbol for leg in legs})

    def release(self) -> None:
        self._timer.stop()
        if self.hub is not None:
            self.hub.unsubscribe(self)
            self.hub.unregister_view(self)
        self._wanted.clear()

    # ---- values ------------------------------------------------------------------------
    def _latest(self, event_type: str, streamer: str) -> Any | None:
        return None if self.hub is None or not streamer else self.hub.latest(event_type, streamer)

    def quote(self, leg: TicketLeg) -> LegQuote | None:
        q = self._latest("Quote", leg.streamer_symbol)
        if q is None:
            return None
        return LegQuote(_num(q.bid_price), _num(q.ask_price))

    def greeks(self, leg: TicketLeg) -> Any | None:
        return self._latest("Greeks", leg.streamer_symbol)

    def implied_volatility(self, leg: TicketLeg) -> float | None:
        g = self.greeks(leg)
        iv = _num(g.volatility) if g is not None else None
        return iv if iv is not None and iv > 0 else None

    def underlying_price(self, leg: TicketLeg) -> float | None:
        """The underlying's mid, else its last trade (for a stock leg: the stock's own)."""
        streamer = leg.underlying_streamer or leg.streamer_symbol
        q = self._latest("Quote", streamer)
        if q is not None:
            mid = LegQuote(_num(q.bid_price), _num(q.ask_price)).mid
            if mid is not None:
                return mid
        t = self._latest("Trade", streamer)
        return _num(t.price) if t is not None else None

    # ---- refresh -----------------------------------------------------------------------
    def _drain(self) -> set[Hashable]:
        if not self._dirty:
            return set()
        keys = set(self._dirty)
        self._dirty.clear()
        return {rest for _event, streamer in keys for rest in self._rest_of.get(streamer, ())}

    def _apply(self, changed: set[Hashable]) -> None:
        self._push_quotes({str(s) for s in changed})
        self.updated.emit(changed)

    def _push_quotes(self, symbols: set[str]) -> None:
        quotes = {}
        for leg in self.draft.legs:
            if leg.symbol in symbols and (q := self.quote(leg)) is not None:
                quotes[leg.symbol] = q
        if quotes or symbols:
            self.draft.update_quotes(quotes)
