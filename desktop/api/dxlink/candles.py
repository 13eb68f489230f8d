"""CandleSeries: one candle symbol's consistent ascending history, from snapshots and live updates.

DXLink delivers a time series as a snapshot, newest first (SNAPSHOT_BEGIN on the first event,
SNAPSHOT_END or SNAPSHOT_SNIP on the last, a virtual REMOVE_EVENT at ``fromTime`` when no candle
sits exactly there; TX_PENDING while a transaction is incomplete), then live updates that re-send
the current candle whole (same ``index``) until a new ``index`` starts the next period.

The series applies a snapshot only once it is complete, and merges it: candles older than the
snapshot's lower bound are kept, everything from there on is replaced by the snapshot. That is
what makes a resync after a reconnect (a new snapshot from the last loaded candle) and loading
older history (a new snapshot from an earlier time) free of gaps and duplicates.

Data live in preallocated numpy arrays; the accessors (``times``, ``opens``, ...) return views of
the filled part, so re-read them after each callback (growth reallocates).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import numpy as np

from desktop.api.dxlink.events import Candle
from desktop.core.candles import REMOVE_EVENT, SNAPSHOT_BEGIN, SNAPSHOT_END, SNAPSHOT_SNIP, TX_PENDING

log = logging.getLogger(__name__)

_FLOAT_COLUMNS = ("open", "high", "low", "close", "volume", "vwap", "count")


class Listeners:
    """Callbacks fired in order; a failing one is logged and the others still run."""

    __slots__ = ("_callbacks",)

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> None:
        if callback not in self._callbacks:
            self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def __len__(self) -> int:
        return len(self._callbacks)

    def __call__(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            try:
                callback(*args)
            except Exception:
                log.exception("candle series listener %r failed", callback)


class CandleSeries:
    """Ascending candles of one candle symbol (e.g. ``AAPL{=5m}``).

    Listeners: ``on_reset()`` when the whole series was replaced (a snapshot completed),
    ``on_update(i, is_new)`` when candle ``i`` changed (``is_new``: it was just appended).
    """

    def __init__(self, symbol: str, from_ms: int, capacity: int = 1024) -> None:
        self.symbol = symbol
        self.on_reset = Listeners()
        self.on_update = Listeners()
        self.on_loading_changed = Listeners()
        self._n = 0
        self._index = np.zeros(capacity, dtype=np.int64)
        self._time = np.zeros(capacity, dtype=np.int64)
        self._cols = {name: np.zeros(capacity, dtype=np.float64) for name in _FLOAT_COLUMNS}
        self._pending: list[Candle] = []
        self._in_snapshot = False
        self._pending_snapshot = False
        self._loaded = False
        self._covered_from_ms: int | None = None  # history is complete from here on
        self._wanted_from_ms: int | None = from_ms
        self.requested_from_ms = from_ms
        self.request_history: Callable[[int], None] | None = None  # installed by the client

    # -- read access --------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._n

    @property
    def loaded(self) -> bool:
        """The first snapshot has completed."""
        return self._loaded

    @property
    def loading(self) -> bool:
        """A snapshot (first load, older history or resync) is still on its way."""
        return self._wanted_from_ms is not None

    @property
    def indices(self) -> np.ndarray:
        return self._index[: self._n]

    @property
    def times(self) -> np.ndarray:
        """Candle start times, ms since the epoch (UTC)."""
        return self._time[: self._n]

    @property
    def opens(self) -> np.ndarray:
        return self._cols["open"][: self._n]

    @property
    def highs(self) -> np.ndarray:
        return self._cols["high"][: self._n]

    @property
    def lows(self) -> np.ndarray:
        return self._cols["low"][: self._n]

    @property
    def closes(self) -> np.ndarray:
        return self._cols["close"][: self._n]

    @property
    def volumes(self) -> np.ndarray:
        return self._cols["volume"][: self._n]

    @property
    def vwaps(self) -> np.ndarray:
        return self._cols["vwap"][: self._n]

    @property
    def counts(self) -> np.ndarray:
        return self._cols["count"][: self._n]

    def candle(self, i: int) -> Candle:
        """Candle ``i`` (negative counts from the end) as an event tuple (flags 0)."""
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        c = self._cols
        return Candle(
            self.symbol,
            int(self._index[i]),
            int(self._time[i]),
            *(float(c[name][i]) for name in _FLOAT_COLUMNS),
            0,
        )

    def candles(self) -> list[Candle]:
        return [self.candle(i) for i in range(self._n)]

    # -- history requests ---------------------------------------------------------------------
    def load_older(self, from_ms: int) -> bool:
        """Ask for history back to ``from_ms`` (merged when it arrives); False if nothing to ask."""
        if self._covered_from_ms is not None and from_ms >= self._covered_from_ms:
            return False
        if self._wanted_from_ms is not None and self._wanted_from_ms <= from_ms:
            return False
        self._set_wanted(from_ms)
        self.requested_from_ms = min(self.requested_from_ms, from_ms)
        if self.request_history is not None:
            self.request_history(from_ms)
        return True

    def resync_from_ms(self) -> int:
        """The ``fromTime`` a resubscription needs to close any gap without reloading everything."""
        if self._wanted_from_ms is not None:
            return self._wanted_from_ms
        if self._n:
            return int(self._time[self._n - 1])
        return self.requested_from_ms

    def connection_lost(self) -> None:
        """Drop half-received snapshots; the next connection resyncs from ``resync_from_ms()``
        (the series counts as loading until that snapshot has arrived)."""
        self._pending.clear()
        self._in_snapshot = False
        self._pending_snapshot = False
        if self._wanted_from_ms is None:
            self._set_wanted(self.resync_from_ms())

    def _set_wanted(self, from_ms: int | None) -> None:
        was = self.loading
        self._wanted_from_ms = from_ms
        if was != self.loading:
            self.on_loading_changed(self.loading)

    # -- applying events ----------------------------------------------------------------------
    def apply(self, events: list[Candle]) -> None:
        """Apply a batch of this symbol's events in wire order."""
        for event in events:
            flags = event.flags
            if flags & SNAPSHOT_BEGIN:
                self._pending.clear()
                self._in_snapshot = True
                self._pending_snapshot = True
            if self._in_snapshot or self._pending or flags & TX_PENDING:
                self._pending.append(event)
                if self._in_snapshot and flags & (SNAPSHOT_END | SNAPSHOT_SNIP):
                    self._in_snapshot = False
                if not self._in_snapshot and not flags & TX_PENDING:
                    self._flush_pending()
            else:
                self._apply_live(event)

    def _flush_pending(self) -> None:
        events, self._pending = self._pending, []
        if self._pending_snapshot:
            self._pending_snapshot = False
            self._merge_snapshot(events)
            return
        for event in events:
            self._apply_live(event, notify=False)
        self.on_reset()

    def _merge_snapshot(self, events: list[Candle]) -> None:
        end = 0
        for i, event in enumerate(events):
            if event.flags & (SNAPSHOT_END | SNAPSHOT_SNIP):
                end = i
                break
        snapshot, after = events[: end + 1], events[end + 1 :]
        lower = min(event.time for event in snapshot)
        snipped = bool(snapshot[end].flags & SNAPSHOT_SNIP)
        fresh = sorted((e for e in snapshot if not e.flags & REMOVE_EVENT), key=lambda e: e.index)
        keep = 0 if snipped else int(np.searchsorted(self._time[: self._n], lower, side="left"))
        if snipped and self._n:
            log.info(
                "DXLink history for %s was capped by the server (SNIP); older candles dropped", self.symbol
            )
        self._n = keep
        self._reserve(keep + len(fresh))
        for event in fresh:
            if self._n and event.index <= self._index[self._n - 1]:
                self._upsert(event)
            else:
                self._write(self._n, event)
                self._n += 1
        for event in after:
            self._apply_live(event, notify=False)
        if snipped or self._covered_from_ms is None or not self._loaded:
            self._covered_from_ms = lower
        else:
            self._covered_from_ms = min(self._covered_from_ms, lower)
        self._loaded = True
        if self._wanted_from_ms is not None and (lower <= self._wanted_from_ms or snipped):
            self._set_wanted(None)
        self.on_reset()

    def _apply_live(self, event: Candle, notify: bool = True) -> str:
        n = self._n
        if event.flags & REMOVE_EVENT:
            pos = self._find(event.index)
            if pos is None:
                return "none"
            for arr in (self._index, self._time, *self._cols.values()):
                arr[pos : n - 1] = arr[pos + 1 : n]
            self._n -= 1
            if notify:
                self.on_reset()
            return "reset"
        if n and event.index == self._index[n - 1]:
            self._write(n - 1, event)
            if notify:
                self.on_update(n - 1, False)
            return "update"
        if not n or event.index > self._index[n - 1]:
            self._reserve(n + 1)
            self._write(n, event)
            self._n = n + 1
            if notify:
                self.on_update(n, True)
            return "append"
        pos = self._find(event.index)
        if pos is not None:
            self._write(pos, event)
            if notify:
                self.on_update(pos, False)
            return "update"
        self._upsert(event)
        if notify:
            self.on_reset()
        return "reset"

    # -- storage ------------------------------------------------------------------------------
    def _find(self, index: int) -> int | None:
        pos = int(np.searchsorted(self._index[: self._n], index))
        if pos < self._n and self._index[pos] == index:
            return pos
        return None

    def _upsert(self, event: Candle) -> None:
        """Insert or overwrite ``event`` at its sorted place (rare: out-of-order events)."""
        n = self._n
        pos = int(np.searchsorted(self._index[:n], event.index))
        if pos < n and self._index[pos] == event.index:
            self._write(pos, event)
            return
        self._reserve(n + 1)
        for arr in (self._index, self._time, *self._cols.values()):
            arr[pos + 1 : n + 1] = arr[pos:n]
        self._write(pos, event)
        self._n = n + 1

    def _write(self, i: int, event: Candle) -> None:
        self._index[i] = event.index
        self._time[i] = event.time
        c = self._cols
        c["open"][i] = event.open
        c["high"][i] = event.high
        c["low"][i] = event.low
        c["close"][i] = event.close
        c["volume"][i] = event.volume
        c["vwap"][i] = event.vwap
        c["count"][i] = event.count

    def _reserve(self, size: int) -> None:
        capacity = len(self._index)
        if size <= capacity:
            return
        while capacity < size:
            capacity *= 2
        self._index = _grown(self._index, capacity)
        self._time = _grown(self._time, capacity)
        self._cols = {name: _grown(arr, capacity) for name, arr in self._cols.items()}


def _grown(arr: np.ndarray, capacity: int) -> np.ndarray:
    out = np.zeros(capacity, dtype=arr.dtype)
    out[: len(arr)] = arr
    return out
