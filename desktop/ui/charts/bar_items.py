"""The candle renderer: finished history and the live candle as separate pyqtgraph items.

``HistoryBarsItem`` draws the finished candles (or their volume bars) of the visible span
only. Its pixel geometry is cached per (history version, visible rows, level of detail, view
mapping): a repaint of the same view, such as the small region a live tick dirties, draws
only the cached rows that fall inside the exposed rectangle. When more than about two
candles share a pixel column it draws aggregated high/low buckets instead (see ``lod``).

``LiveBarItem`` draws the current-period candle alone, with a bounding rectangle of that
one candle, so a live tick repaints a few pixels regardless of history length.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from . import geometry
from .chart_data import ChartData
from .geometry import EMPTY_RECTS, Mapping, RectGroup, crossing_band
from .lod import aggregate, lod_bucket
from .painting import device_mapping, draw_rects, exposed_band, exposed_index_span
from .style import ChartStyle

PRICE = "price"
VOLUME = "volume"


def visible_rows(view_x: tuple[float, float], stop: int) -> tuple[int, int]:
    """Rows [first, stop) touched by the view's x range, clamped to [0, stop)."""
    first = max(0, math.floor(view_x[0]) - 1)
    last = min(stop, math.ceil(view_x[1]) + 2)
    return first, max(first, last)


class HistoryBarsItem(pg.GraphicsObject):
    """Finished candles (``PRICE``) or their volume bars (``VOLUME``), visible span only."""

    def __init__(self, data: ChartData, style: ChartStyle, mode: str = PRICE) -> None:
        super().__init__()
        self._data = data
        self._style = style
        self._mode = mode
        self._bounds = QRectF()
        self._cache_key: tuple | None = None
        self._groups: tuple[RectGroup, RectGroup] = (EMPTY_RECTS, EMPTY_RECTS)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        # Counters for tests and the benchmark: paints, cache rebuilds, rows drawn last paint.
        self.paint_count = 0
        self.build_count = 0
        self.rows_drawn = 0
        self.bucket_size = 1

    def set_style(self, style: ChartStyle) -> None:
        self._style = style
        self.update()

    def history_changed(self) -> None:
        """The finished rows changed: new bounds, cached geometry invalid."""
        self._cache_key = None
        a = self._data.arrays
        nf = a.finished_count
        if self._mode == PRICE:
            b = self._data.history_bounds()
            lo, hi = b if b else (0.0, 0.0)
        else:
            lo, hi = 0.0, self._data.volume_max(0, nf)
        rect = QRectF(-1.0, lo, nf + 1.0, max(hi - lo, 1e-9))
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = rect
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        self.paint_count += 1
        vb = self.getViewBox()
        nf = self._data.arrays.finished_count
        if vb is None or nf == 0:
            self.rows_drawn = 0
            return
        m = device_mapping(painter)
        first, stop = visible_rows(vb.viewRange()[0], nf)
        bucket = lod_bucket(1.0 / m.sx) if m.sx > 0 else 1
        key = (self._data.arrays.history_version, first, stop, bucket, m.key())
        if key != self._cache_key:
            self._groups = self._build(m, first, stop, bucket)
            self._cache_key = key
            self.build_count += 1
        self.bucket_size = bucket
        lo, hi = exposed_index_span(option.exposedRect)
        y0, y1 = exposed_band(option.exposedRect, m)
        painter.save()
        painter.resetTransform()
        up, down = self._groups
        colours = (
            (self._style.up, self._style.down)
            if self._mode == PRICE
            else (self._style.up_volume, self._style.down_volume)
        )
        self.rows_drawn = draw_rects(painter, crossing_band(up.between(lo, hi), y0, y1), colours[0])
        self.rows_drawn += draw_rects(painter, crossing_band(down.between(lo, hi), y0, y1), colours[1])
        painter.restore()

    def _build(self, m: Mapping, first: int, stop: int, bucket: int) -> tuple[RectGroup, RectGroup]:
        a = self._data.arrays
        if bucket > 1:
            b = aggregate(a.open, a.high, a.low, a.close, a.volume, first, stop, bucket)
            if self._mode == PRICE:
                return geometry.buckets(m, b)
            return geometry.volume_bars(m, b.first, bucket, b.volume_max, b.close >= b.open)
        idx = np.arange(first, stop, dtype=np.int64)
        o, c = a.open[first:stop], a.close[first:stop]
        if self._mode == PRICE:
            return geometry.candles(m, idx, o, a.high[first:stop], a.low[first:stop], c)
        return geometry.volume_bars(m, idx, 1, a.volume[first:stop], c >= o)


class LiveBarItem(pg.GraphicsObject):
    """The current-period candle (or its volume bar) on its own: O(1) to update and repaint."""

    def __init__(self, data: ChartData, style: ChartStyle, mode: str = PRICE) -> None:
        super().__init__()
        self._data = data
        self._style = style
        self._mode = mode
        self._bounds = QRectF()
        self.paint_count = 0

    def set_style(self, style: ChartStyle) -> None:
        self._style = style
        self.update()

    def live_changed(self) -> None:
        """The live row changed (or a new one started): move the bounds and repaint."""
        a = self._data.arrays
        n = len(a)
        if n == 0:
            rect = QRectF()
        else:
            i = n - 1
            if self._mode == PRICE:
                lo, hi = float(a.low[i]), float(a.high[i])
            else:
                lo, hi = 0.0, float(a.volume[i])
            px_w, px_h = self._pixel_size()
            rect = QRectF(i - 0.5 - 2 * px_w, lo - 2 * px_h, 1.0 + 4 * px_w, hi - lo + 4 * px_h)
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = rect
        self.update()

    def viewTransformChanged(self) -> None:
        self.live_changed()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def _pixel_size(self) -> tuple[float, float]:
        px = self.pixelVectors()
        if px is None or px[0] is None:
            return 0.0, 0.0
        return abs(px[0].x()), abs(px[1].y())

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        self.paint_count += 1
        a = self._data.arrays
        n = len(a)
        if n == 0:
            return
        m = device_mapping(painter)
        i = n - 1
        idx = np.array([i], dtype=np.int64)
        o, h, lo, c, v = (a.open[i:], a.high[i:], a.low[i:], a.close[i:], a.volume[i:])
        painter.save()
        painter.resetTransform()
        if self._mode == PRICE:
            up, down = geometry.candles(m, idx, o, h, lo, c)
            draw_rects(painter, up.rects, self._style.up)
            draw_rects(painter, down.rects, self._style.down)
        else:
            up, down = geometry.volume_bars(m, idx, 1, v, c >= o)
            draw_rects(painter, up.rects, self._style.up_volume)
            draw_rects(painter, down.rects, self._style.down_volume)
        painter.restore()
