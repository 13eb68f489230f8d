"""The chart's x and y ranges: follow mode, pan and zoom by candle index, y fitted incrementally."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, Signal

from .bar_items import visible_rows
from .chart_data import ChartData
from .view_box import ChartViewBox

RIGHT_MARGIN = 3.0  # empty candle slots right of the live candle while following
DEFAULT_CANDLE_PX = 8.0
MIN_VISIBLE = 12.0
Y_PAD = 0.06
HISTORY_EDGE = 8  # ask for older history when the view's left edge is this close to row 0
MIN_LAID_OUT_PX = 60.0  # narrower than this, the pane has not been laid out yet


class ChartRanges(QObject):
    """Owns both plots' ranges; user pans/zooms come in as requests from ``ChartViewBox``."""

    followChanged = Signal(bool)
    historyWanted = Signal()

    def __init__(self, data: ChartData, price_vb: ChartViewBox, volume_vb: ChartViewBox) -> None:
        super().__init__(price_vb)
        self._data = data
        self._price = price_vb
        self._volume = volume_vb
        self._follow = True
        self._placed = False  # a range has been chosen for real data
        self.px_per_candle = DEFAULT_CANDLE_PX  # the zoom level, kept across resizes
        self.y_fit: tuple[float, float] | None = None
        self.levels: list[float] = []  # working-order prices to keep in view when near the market
        for vb in (price_vb, volume_vb):
            vb.zoomRequested.connect(self.zoom_at)
            vb.panRequested.connect(self.pan_by)
        price_vb.sigXRangeChanged.connect(self._x_changed)
        price_vb.sigResized.connect(self._resized)

    # ------------------------------------------------------------------ follow
    @property
    def following(self) -> bool:
        return self._follow

    def set_following(self, on: bool) -> None:
        changed = on != self._follow
        self._follow = on
        if on:
            self.show_newest()
        if changed:
            self.followChanged.emit(on)

    def show_newest(self, width: float | None = None) -> None:
        width = width or self.view_width()
        right = len(self._data) - 0.5 + RIGHT_MARGIN
        self.set_x(right - width, right)

    # ------------------------------------------------------------------ x
    def x_range(self) -> tuple[float, float]:
        x0, x1 = self._price.viewRange()[0]
        return float(x0), float(x1)

    def set_x(self, x0: float, x1: float) -> None:
        self._placed = self._placed or len(self._data) > 0
        width = float(self._price.width())
        if width >= MIN_LAID_OUT_PX and x1 > x0:
            self.px_per_candle = width / (x1 - x0)
        self._price.setXRange(x0, x1, padding=0.0)

    def view_width(self) -> float:
        """Candles across the pane at the current zoom (a guess until it is laid out)."""
        width = float(self._price.width())
        if width < MIN_LAID_OUT_PX:
            return 150.0
        return max(MIN_VISIBLE, width / self.px_per_candle)

    def visible_span(self) -> tuple[int, int]:
        return visible_rows(self.x_range(), len(self._data))

    def zoom_at(self, anchor: float, factor: float) -> None:
        x0, x1 = self.x_range()
        if self._follow:
            anchor = x1  # zoom around the right edge so the live candle stays in view
        width = min(max((x1 - x0) * factor, MIN_VISIBLE), max(len(self._data), MIN_VISIBLE) * 1.5)
        ratio = (anchor - x0) / (x1 - x0) if x1 > x0 else 1.0
        self.set_x(anchor - ratio * width, anchor - ratio * width + width)

    def pan_by(self, candles: float) -> None:
        """Scroll by ``candles`` (negative = back in time); scrolling back stops following."""
        x0, x1 = self.x_range()
        width = x1 - x0
        candles = min(candles, len(self._data) - 0.5 + RIGHT_MARGIN - x1)  # not past the newest
        candles = max(candles, -width * 0.8 - x0)  # keep some candles on screen
        if candles < 0 and self._follow:
            self._follow = False
            self.followChanged.emit(False)
        self.set_x(x0 + candles, x1 + candles)

    def left_time(self) -> int | None:
        """Start time of the leftmost visible candle (to keep the user's place across reloads)."""
        n = len(self._data)
        if n == 0 or not self._placed:
            return None
        i = min(max(0, math.ceil(self.x_range()[0])), n - 1)
        return int(self._data.arrays.time[i])

    def place_after_reload(self, left_time: int | None, width: float) -> None:
        if self._follow or left_time is None:
            self.show_newest(width)
            return
        first = int(np.searchsorted(self._data.arrays.time, left_time))
        self.set_x(first - 0.5, first - 0.5 + width)

    def _resized(self, _vb: object = None) -> None:
        """Keep the candle width when the pane grows or shrinks: show more or fewer candles."""
        width = float(self._price.width())
        if not self._placed or width < MIN_LAID_OUT_PX:
            return
        span = width / self.px_per_candle
        if self._follow:
            self.show_newest(span)
        else:
            x0 = self.x_range()[0]
            self.set_x(x0, x0 + span)

    def _x_changed(self, _vb: object, rng: tuple[float, float]) -> None:
        self.fit_y()
        if rng[0] < HISTORY_EDGE and len(self._data) and not self._follow:
            self.historyWanted.emit()

    # ------------------------------------------------------------------ y
    def fit_y(self) -> None:
        """Fit both panes to the visible candles (and indicator lines); O(log n) per pane."""
        first, stop = self.visible_span()
        span = self._data.price_range(first, stop)
        if span is None:
            return
        lo, hi = span
        for ind in self._data.indicators:
            for values in ind.lines.values():
                part = values[first:stop]
                part = part[np.isfinite(part)]
                if part.size:
                    lo, hi = min(lo, float(part.min())), max(hi, float(part.max()))
        n = len(self._data)
        if n and self.levels:
            last = float(self._data.arrays.close[n - 1])
            near = max(0.02 * abs(last), hi - lo)
            for level in self.levels:
                if abs(level - last) <= near:
                    lo, hi = min(lo, level), max(hi, level)
        pad = (hi - lo) * Y_PAD or max(abs(hi) * 0.01, 0.01)
        self.y_fit = (lo - pad, hi + pad)
        self._price.setYRange(lo - pad, hi + pad, padding=0.0)
        vmax = self._data.volume_max(first, stop)
        self._volume.setYRange(0.0, (vmax or 1.0) * 1.12, padding=0.0)

    def fit_y_for_live(self) -> None:
        """Incremental y tracking: refit only when the live candle left the fitted range."""
        n = len(self._data)
        if n == 0 or self.y_fit is None:
            self.fit_y()
            return
        _, _, h, lo, _, v = self._data.arrays.row(n - 1)
        first, stop = self.visible_span()
        if not first <= n - 1 < stop:
            return
        y0, y1 = self.y_fit
        if lo < y0 or h > y1 or v > self._volume.viewRange()[1][1]:
            self.fit_y()
