"""Candles as growable numpy columns: the chart's own copy of a series, Qt-free.

The last row is the live (current-period) candle; rows before it are the finished history.
Every change is classified so views and indicators can do the least work: a tick on the live
candle (``UPDATED_LIVE``) or a new period (``APPENDED``) are O(1); anything touching older
rows bumps ``history_version`` and asks for a rebuild.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Sequence

import numpy as np

FIELDS = ("open", "high", "low", "close", "volume")


class Change(enum.Enum):
    """What an update did to the arrays."""

    NONE = "none"
    UPDATED_LIVE = "updated-live"  # the last candle changed in place
    APPENDED = "appended"  # a new candle after the last one (the period rolled)
    REBUILT = "rebuilt"  # older rows changed, were inserted or removed


class CandleArrays:
    """Time-ordered OHLCV columns (times in ms, UTC) with amortised O(1) append."""

    def __init__(self, capacity: int = 1024) -> None:
        self._cap = max(16, capacity)
        self._n = 0
        self._time = np.zeros(self._cap, dtype=np.int64)
        self._cols = {f: np.zeros(self._cap, dtype=np.float64) for f in FIELDS}
        self.history_version = 0  # bumped whenever finished rows change

    # ------------------------------------------------------------------ views
    def __len__(self) -> int:
        return self._n

    @property
    def time(self) -> np.ndarray:
        return self._time[: self._n]

    @property
    def open(self) -> np.ndarray:
        return self._cols["open"][: self._n]

    @property
    def high(self) -> np.ndarray:
        return self._cols["high"][: self._n]

    @property
    def low(self) -> np.ndarray:
        return self._cols["low"][: self._n]

    @property
    def close(self) -> np.ndarray:
        return self._cols["close"][: self._n]

    @property
    def volume(self) -> np.ndarray:
        return self._cols["volume"][: self._n]

    @property
    def finished_count(self) -> int:
        """Rows before the live candle."""
        return max(0, self._n - 1)

    def row(self, i: int) -> tuple[int, float, float, float, float, float]:
        """(time_ms, open, high, low, close, volume) of row ``i`` (negative counts from the end)."""
        if i < 0:
            i += self._n
        c = self._cols
        return (
            int(self._time[i]),
            float(c["open"][i]),
            float(c["high"][i]),
            float(c["low"][i]),
            float(c["close"][i]),
            float(c["volume"][i]),
        )

    # ---------------------------------------------------------------- changes
    def set_all(
        self,
        time_ms: Sequence[int] | np.ndarray,
        open_: Sequence[float] | np.ndarray,
        high: Sequence[float] | np.ndarray,
        low: Sequence[float] | np.ndarray,
        close: Sequence[float] | np.ndarray,
        volume: Sequence[float] | np.ndarray,
    ) -> Change:
        """Replace every row (a snapshot). Input must be sorted by time; bad rows are dropped."""
        t = np.asarray(time_ms, dtype=np.int64)
        cols = [np.asarray(a, dtype=np.float64) for a in (open_, high, low, close, volume)]
        keep = np.isfinite(cols[3])
        if t.size > 1:
            keep[:-1] &= t[1:] > t[:-1]  # drop duplicates, keeping the later one
        t = t[keep]
        cols = [a[keep] for a in cols]
        _repair(cols)
        self._reserve(t.size, exact=True)
        self._n = t.size
        self._time[: self._n] = t
        for f, a in zip(FIELDS, cols, strict=True):
            self._cols[f][: self._n] = a
        self.history_version += 1
        return Change.REBUILT

    def prepend(self, rows: Iterable[tuple[int, float, float, float, float, float]]) -> int:
        """Insert older candles before the first row; returns how many were added."""
        older = [r for r in rows if self._n == 0 or r[0] < self._time[0]]
        if not older:
            return 0
        older.sort(key=lambda r: r[0])
        merged = list(zip(*older, strict=True))
        t = np.concatenate([np.asarray(merged[0], dtype=np.int64), self.time])
        cols = [np.concatenate([np.asarray(merged[k + 1], dtype=np.float64), self._col(k)]) for k in range(5)]
        before = self._n
        self.set_all(t, *cols)
        return self._n - before

    def upsert(self, time_ms: int, o: float, h: float, lo: float, c: float, v: float) -> Change:
        """Apply one candle event (new or changed candle) by its start time."""
        if not math.isfinite(c):
            return Change.NONE
        o, h, lo, v = _repair_one(o, h, lo, c, v)
        n = self._n
        if n and time_ms == self._time[n - 1]:
            self._write(n - 1, time_ms, o, h, lo, c, v)
            return Change.UPDATED_LIVE
        if n == 0 or time_ms > self._time[n - 1]:
            self._reserve(n + 1)
            self._write(n, time_ms, o, h, lo, c, v)
            self._n = n + 1
            if n:
                self.history_version += 1
            return Change.APPENDED
        i = int(np.searchsorted(self.time, time_ms))
        if self._time[i] == time_ms:
            self._write(i, time_ms, o, h, lo, c, v)
        else:
            self._reserve(n + 1)
            self._time[i + 1 : n + 1] = self._time[i:n]
            for a in self._cols.values():
                a[i + 1 : n + 1] = a[i:n]
            self._n = n + 1
            self._write(i, time_ms, o, h, lo, c, v)
        self.history_version += 1
        return Change.REBUILT

    def remove(self, time_ms: int) -> Change:
        """Delete the candle that starts at ``time_ms`` (a REMOVE event), if present."""
        i = int(np.searchsorted(self.time, time_ms))
        if i >= self._n or self._time[i] != time_ms:
            return Change.NONE
        n = self._n
        self._time[i : n - 1] = self._time[i + 1 : n]
        for a in self._cols.values():
            a[i : n - 1] = a[i + 1 : n]
        self._n = n - 1
        self.history_version += 1
        return Change.REBUILT

    def clear(self) -> None:
        self._n = 0
        self.history_version += 1

    # -------------------------------------------------------------- internals
    def _col(self, k: int) -> np.ndarray:
        return self._cols[FIELDS[k]][: self._n]

    def _write(self, i: int, t: int, o: float, h: float, lo: float, c: float, v: float) -> None:
        self._time[i] = t
        cols = self._cols
        cols["open"][i] = o
        cols["high"][i] = h
        cols["low"][i] = lo
        cols["close"][i] = c
        cols["volume"][i] = v

    def _reserve(self, size: int, exact: bool = False) -> None:
        if size <= self._cap:
            return
        cap = size + 1024 if exact else max(size, self._cap * 2)
        t = np.zeros(cap, dtype=np.int64)
        t[: self._n] = self._time[: self._n]
        self._time = t
        for f, a in list(self._cols.items()):
            b = np.zeros(cap, dtype=np.float64)
            b[: self._n] = a[: self._n]
            self._cols[f] = b
        self._cap = cap


def _repair(cols: list[np.ndarray]) -> None:
    """Fill NaN open/high/low from close and NaN volume with 0 (feeds send "NaN" for unknowns)."""
    o, h, lo, c, v = cols
    np.copyto(o, c, where=~np.isfinite(o))
    np.copyto(h, np.maximum(o, c), where=~np.isfinite(h))
    np.copyto(lo, np.minimum(o, c), where=~np.isfinite(lo))
    np.maximum(h, np.maximum(o, c), out=h)
    np.minimum(lo, np.minimum(o, c), out=lo)
    v[~np.isfinite(v)] = 0.0


def _repair_one(o: float, h: float, lo: float, c: float, v: float) -> tuple[float, float, float, float]:
    o = o if math.isfinite(o) else c
    h = max(h, o, c) if math.isfinite(h) else max(o, c)
    lo = min(lo, o, c) if math.isfinite(lo) else min(o, c)
    return o, h, lo, (v if math.isfinite(v) else 0.0)
