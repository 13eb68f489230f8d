"""MarketDataHub: one DXLink connection shared by every panel, coalesced for cheap repaints.

Panels subscribe as *owners*; the wire subscription of an (event type, symbol) exists while at
least one owner holds it. Incoming batches update the latest value per (event type, symbol)
and mark it in each registered view's dirty set; a view drains its set on its own 10-30 Hz
timer, so a burst of events costs one repaint per row. No Qt signal is emitted per event:
``updated(event_type)`` fires once per decoded batch, ``stats_changed`` once a second.

A view registered under the same key as an owner only sees that owner's keys in its dirty
set; a view under any other key sees every change.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.api.dxlink import EVENT_TYPES, CandleSeries, DXLinkClient
from desktop.core.candles import normalize_candle_symbol

log = logging.getLogger(__name__)

Key = tuple[str, str]
_LATE_EVENTS_S = 10.0  # events of a released symbol may still arrive this long after
_symbol_of = itemgetter(0)


@dataclass(frozen=True, slots=True)
class HubStats:
    """What the status bar shows about market data."""

    state: str
    detail: str
    reconnect_attempts: int
    freshest_quote_age_s: float | None
    last_message_age_s: float | None
    events_per_s: float
    subscriptions: int


class MarketDataHub(QObject):
    """Reference-counted market data subscriptions, latest values and per-view dirty sets."""

    connection_state_changed = Signal(str, str)
    stats_changed = Signal()
    updated = Signal(str)

    def __init__(
        self, client: DXLinkClient, parent: QObject | None = None, stats_interval_ms: int = 1000
    ) -> None:
        super().__init__(parent)
        self.client = client
        # Callbacks through a weak reference: no hub <-> client cycle, so a dropped hub (a
        # QObject) is freed at once rather than by the cyclic GC at some random later moment.
        client.on_events = _weak_callback(self, MarketDataHub._apply)
        client.on_state = _weak_callback(self, MarketDataHub._on_state)
        self._latest: dict[Key, Any] = {}
        self._refs: dict[Key, int] = {}
        self._owners: dict[Hashable, set[Key]] = {}
        self._views: dict[Hashable, set[Key]] = {}
        self._candle_owners: dict[str, set[Hashable]] = {}
        self._watched: set[int] = set()
        self._events_total = 0
        self._events_at_tick = 0
        self._tick_at = time.monotonic()
        self._events_per_s = 0.0
        self._last_quote_at: float | None = None
        self._released_at = -_LATE_EVENTS_S
        # Values of just-released keys: a symbol released and taken again before the batch
        # goes out never leaves the wire, so the server sends nothing new; keep what we had.
        self._recent: dict[Key, tuple[Any, float]] = {}
        self._timer = QTimer(self)
        self._timer.setInterval(stats_interval_ms)
        self._timer.timeout.connect(self._on_tick)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        """Connect (in the background) and start the statistics timer."""
        self.client.start()
        self._timer.start()

    async def close(self) -> None:
        self._timer.stop()
        await self.client.close()

    # -- subscriptions ------------------------------------------------------------------------
    def subscribe(self, owner: Hashable, event_type: str, symbols: Iterable[str]) -> None:
        """``owner`` wants ``event_type`` for ``symbols`` (streamer symbols)."""
        if event_type not in EVENT_TYPES or event_type == "Candle":
            raise ValueError(f"no such market data event type: {event_type!r} (candles: open_candles)")
        owned = self._owners.setdefault(owner, set())
        self._watch(owner)
        new_on_wire: list[str] = []
        added: list[Key] = []
        for symbol in symbols:
            key = (event_type, symbol)
            if key in owned:
                continue
            owned.add(key)
            added.append(key)
            count = self._refs.get(key, 0)
            self._refs[key] = count + 1
            if count == 0:
                new_on_wire.append(symbol)
        if new_on_wire:
            self.client.subscribe(event_type, new_on_wire)
            now = time.monotonic()
            for symbol in new_on_wire:
                kept = self._recent.pop((event_type, symbol), None)
                if kept is not None and now - kept[1] < _LATE_EVENTS_S:
                    self._latest.setdefault((event_type, symbol), kept[0])
        known = [key for key in added if key in self._latest]
        if known:  # values already here: let the newcomer's view paint them at once
            for view_key, dirty in self._views.items():
                if view_key == owner or view_key not in self._owners:
                    dirty.update(known)

    def unsubscribe(
        self, owner: Hashable, event_type: str | None = None, symbols: Iterable[str] | None = None
    ) -> None:
        """Release ``owner``'s subscriptions: all of them, one event type's, or some symbols'."""
        owned = self._owners.get(owner)
        if owned:
            if event_type is None:
                released = set(owned)
            elif symbols is None:
                released = {key for key in owned if key[0] == event_type}
            else:
                released = {(event_type, s) for s in symbols} & owned
            owned -= released
            gone: dict[str, list[str]] = {}
            for key in released:
                count = self._refs.get(key, 0) - 1
                if count > 0:
                    self._refs[key] = count
                else:
                    self._refs.pop(key, None)
                    self._released_at = time.monotonic()
                    value = self._latest.pop(key, None)
                    if value is not None:
                        self._recent[key] = (value, self._released_at)
                    gone.setdefault(key[0], []).append(key[1])
            for kind, syms in gone.items():
                self.client.unsubscribe(kind, syms)
        if event_type is None:
            for candle_symbol, owners in list(self._candle_owners.items()):
                if owner in owners:
                    self.close_candles(owner, candle_symbol)
            if not self._owners.get(owner, True):
                self._owners.pop(owner, None)

    def latest(self, event_type: str, symbol: str) -> Any | None:
        """The newest event of this type for this symbol, or None if none arrived yet."""
        return self._latest.get((event_type, symbol))

    def subscribers(self, event_type: str, symbol: str) -> int:
        """How many owners hold this subscription."""
        return self._refs.get((event_type, symbol), 0)

    # -- views --------------------------------------------------------------------------------
    def register_view(self, key: Hashable) -> set[Key]:
        """The dirty set of (event_type, symbol) for view ``key``; drain it on your own timer."""
        dirty = self._views.get(key)
        if dirty is None:
            dirty = self._views[key] = set()
        return dirty

    def unregister_view(self, key: Hashable) -> None:
        self._views.pop(key, None)

    # -- candles ------------------------------------------------------------------------------
    def open_candles(self, owner: Hashable, candle_symbol: str, from_ms: int) -> CandleSeries:
        """The shared series of ``candle_symbol`` with history from ``from_ms`` (loaded as needed)."""
        series = self.client.subscribe_candles(candle_symbol, from_ms)
        self._candle_owners.setdefault(series.symbol, set()).add(owner)
        self._watch(owner)
        return series

    def close_candles(self, owner: Hashable, candle_symbol: str) -> None:
        """``owner`` no longer needs the series; the last one out unsubscribes it."""
        key = normalize_candle_symbol(candle_symbol)
        owners = self._candle_owners.get(key)
        if owners is None:
            return
        owners.discard(owner)
        if not owners:
            del self._candle_owners[key]
            self.client.unsubscribe_candles(key)

    # -- status -------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self.client.state

    @property
    def stats(self) -> HubStats:
        now = time.monotonic()
        client_stats = self.client.stats
        last_in = client_stats.last_inbound_at
        return HubStats(
            state=self.client.state,
            detail=self.client.state_detail,
            reconnect_attempts=client_stats.reconnect_attempts,
            freshest_quote_age_s=None if self._last_quote_at is None else now - self._last_quote_at,
            last_message_age_s=None if last_in is None else max(0.0, time.time() - last_in),
            events_per_s=self._events_per_s,
            subscriptions=len(self._refs),
        )

    # -- internals ----------------------------------------------------------------------------
    def _apply(self, event_type: str, events: list[Any]) -> None:
        keys = list(zip(repeat(event_type), map(_symbol_of, events), strict=False))
        self._latest.update(zip(keys, events, strict=True))
        for view_key, dirty in self._views.items():
            owned = self._owners.get(view_key)
            if owned is None:
                dirty.update(keys)
            else:
                dirty.update(owned.intersection(keys))
        self._events_total += len(events)
        if event_type == "Quote":
            self._last_quote_at = time.monotonic()
        self.updated.emit(event_type)

    def _on_state(self, state: str, detail: str) -> None:
        self.connection_state_changed.emit(state, detail)
        self.stats_changed.emit()

    def _on_tick(self) -> None:
        now = time.monotonic()
        elapsed = now - self._tick_at
        if elapsed > 0:
            self._events_per_s = (self._events_total - self._events_at_tick) / elapsed
        self._tick_at, self._events_at_tick = now, self._events_total
        if now - self._released_at < _LATE_EVENTS_S:  # forget late events of released symbols
            for key in [k for k in self._latest if k not in self._refs]:
                del self._latest[key]
        for key in [k for k, (_, at) in self._recent.items() if now - at >= _LATE_EVENTS_S]:
            del self._recent[key]
        self.stats_changed.emit()

    def _watch(self, owner: Hashable) -> None:
        """Release a QObject owner's subscriptions when it is destroyed."""
        if isinstance(owner, QObject) and id(owner) not in self._watched:
            self._watched.add(id(owner))
            hub = weakref.ref(self)
            owner_id = id(owner)  # no reference to the owner itself: no cycle through Qt

            def released(*_: object) -> None:
                me = hub()
                if me is not None:
                    me._owner_destroyed(owner_id)

            owner.destroyed.connect(released)

    def _owner_destroyed(self, owner_id: int) -> None:
        self._watched.discard(owner_id)
        for owner in [o for o in (*self._owners, *self._views) if id(o) == owner_id]:
            self.unregister_view(owner)
            self.unsubscribe(owner)
        for owners in list(self._candle_owners.values()):
            for owner in [o for o in owners if id(o) == owner_id]:
                self.unsubscribe(owner)


def _weak_callback(obj: Any, function: Callable[..., None]) -> Callable[..., None]:
    """``function(obj, *args)`` while ``obj`` lives; a no-op afterwards."""
    ref = weakref.ref(obj)

    def call(*args: Any) -> None:
        target = ref()
        if target is not None:
            function(target, *args)

    return call
