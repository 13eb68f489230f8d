"""Everything a chart knows about its candles, kept current incrementally (Qt-free).

``ChartData`` wraps ``CandleArrays`` with what the view needs on every paint: min/max trees
over the finished rows (y-range of any span in O(log n)), wall-clock times in the user's zone
(axis labels), session anchors in the exchange's zone (VWAP) and the indicators. A live tick
touches only the last row of each; a new period appends one row to each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import tzinfo

import numpy as np

from .candle_arrays import CandleArrays, Change
from .indicators import Indicator, IndicatorSpec
from .local_time import ZoneOffsets, zone_by_name
from .range_tree import RangeTree

#: US equity sessions (and their VWAP anchors) follow New York's calendar day.
EXCHANGE_ZONE = "America/New_York"


class ChartData:
    """Candles + derived arrays for one chart."""

    def __init__(self, user_zone: tzinfo, exchange_zone: tzinfo | None = None) -> None:
        self.arrays = CandleArrays()
        self._user = ZoneOffsets(user_zone)
        self._exchange = ZoneOffsets(exchange_zone or zone_by_name(EXCHANGE_ZONE))
        self._lows = RangeTree("min")
        self._highs = RangeTree("max")
        self._vols = RangeTree("max")
        self._local = np.zeros(0, dtype=np.int64)
        self._anchors = np.zeros(0, dtype=np.int64)
        self.indicators: list[Indicator] = []

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        return len(self.arrays)

    @property
    def user_zone(self) -> tzinfo:
        return self._user.zone

    @property
    def local_ms(self) -> np.ndarray:
        """Wall-clock times (ms) of every row in the user's zone."""
        return self._local[: len(self.arrays)]

    @property
    def anchors(self) -> np.ndarray:
        return self._anchors[: len(self.arrays)]

    def price_range(self, first: int, stop: int) -> tuple[float, float] | None:
        """(low, high) over rows [first, stop), live row included; None when empty."""
        n = len(self.arrays)
        nf = n - 1
        lo = self._lows.query(first, min(stop, nf))
        hi = self._highs.query(first, min(stop, nf))
        if n and first <= nf < stop:
            lo = min(lo, float(self.arrays.low[nf]))
            hi = max(hi, float(self.arrays.high[nf]))
        return (lo, hi) if lo <= hi else None

    def volume_max(self, first: int, stop: int) -> float:
        n = len(self.arrays)
        nf = n - 1
        top = self._vols.query(first, min(stop, nf))
        if n and first <= nf < stop:
            top = max(top, float(self.arrays.volume[nf]))
        return max(top, 0.0)

    def history_bounds(self) -> tuple[float, float] | None:
        """(low, high) of all finished rows."""
        nf = len(self.arrays) - 1
        lo, hi = self._lows.query(0, nf), self._highs.query(0, nf)
        return (lo, hi) if lo <= hi else None

    # ------------------------------------------------------------------ changes
    def set_all(
        self,
        time_ms: Sequence[int] | np.ndarray,
        open_: Sequence[float] | np.ndarray,
        high: Sequence[float] | np.ndarray,
        low: Sequence[float] | np.ndarray,
        close: Sequence[float] | np.ndarray,
        volume: Sequence[float] | np.ndarray,
    ) -> Change:
        self.arrays.set_all(time_ms, open_, high, low, close, volume)
        self._rebuild()
        return Change.REBUILT

    def prepend(self, rows: Iterable[tuple[int, float, float, float, float, float]]) -> int:
        added = self.arrays.prepend(rows)
        if added:
            self._rebuild()
        return added

    def upsert(self, time_ms: int, o: float, h: float, lo: float, c: float, v: float) -> Change:
        change = self.arrays.upsert(time_ms, o, h, lo, c, v)
        self._follow(change)
        return change

    def remove(self, time_ms: int) -> Change:
        change = self.arrays.remove(time_ms)
        self._follow(change)
        return change

    def clear(self) -> None:
        self.arrays.clear()
        self._rebuild()

    def set_indicators(self, specs: Sequence[IndicatorSpec]) -> None:
        self.indicators = [Indicator(s) for s in specs]
        for ind in self.indicators:
            ind.recompute(self.arrays, self.anchors)

    # ---------------------------------------------------------------- internals
    def _follow(self, change: Change) -> None:
        if change is Change.NONE:
            return
        if change is Change.REBUILT:
            self._rebuild()
            return
        a = self.arrays
        n = len(a)
        if change is Change.APPENDED:
            t_new = a.time[n - 1 : n]
            self._local = _put(self._local, n - 1, int(self._user.to_local_ms(t_new)[0]))
            self._anchors = _put(self._anchors, n - 1, int(self._exchange.day_numbers(t_new)[0]))
            if n >= 2:  # the previous live row is finished now
                self._lows.append(float(a.low[n - 2]))
                self._highs.append(float(a.high[n - 2]))
                self._vols.append(float(a.volume[n - 2]))
        for ind in self.indicators:
            ind.update(change, a, self.anchors)

    def _rebuild(self) -> None:
        a = self.arrays
        nf = max(0, len(a) - 1)
        self._lows.build(a.low[:nf])
        self._highs.build(a.high[:nf])
        self._vols.build(a.volume[:nf])
        self._local = self._user.to_local_ms(a.time).copy()
        self._anchors = self._exchange.day_numbers(a.time).copy()
        for ind in self.indicators:
            ind.recompute(a, self.anchors)


def _put(buf: np.ndarray, i: int, value: int) -> np.ndarray:
    if i >= buf.size:
        grown = np.zeros(max(64, 2 * buf.size, i + 1), dtype=buf.dtype)
        grown[: buf.size] = buf
        buf = grown
    buf[i] = value
    return buf
