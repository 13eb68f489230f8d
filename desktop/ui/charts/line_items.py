"""Indicator lines, split like the candles: cached finished history and a live tail item."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from . import geometry
from .bar_items import visible_rows
from .chart_data import ChartData
from .geometry import RectGroup, crossing_band
from .lod import decimate_line, lod_bucket
from .painting import device_mapping, draw_segments, exposed_band, exposed_index_span
from .style import ChartStyle


def _pen(style: ChartStyle, k: int, name: str) -> QPen:
    pen = QPen(style.indicator_colour(k))
    pen.setWidthF(1.0)
    pen.setCosmetic(True)
    if name == "middle":
        pen.setStyle(pg.QtCore.Qt.PenStyle.DashLine)
    return pen


def _lines(data: ChartData) -> list[tuple[int, str, np.ndarray, bool]]:
    """(colour slot, line name, values, breaks at anchor changes) for every indicator line."""
    out = []
    for k, ind in enumerate(data.indicators):
        for name, values in ind.lines.items():
            out.append((k, name, values, ind.spec.kind == "vwap"))
    return out


class HistoryLinesItem(pg.GraphicsObject):
    """All indicator lines over the finished rows of the visible span, cached per view."""

    def __init__(self, data: ChartData, style: ChartStyle) -> None:
        super().__init__()
        self._data = data
        self._style = style
        self._bounds = QRectF()
        self._cache_key: tuple | None = None
        self._segments: list[tuple[QPen, RectGroup]] = []
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.paint_count = 0
        self.build_count = 0

    def set_style(self, style: ChartStyle) -> None:
        self._style = style
        self._cache_key = None
        self.update()

    def history_changed(self, appended: bool = False) -> None:
        """Finished rows changed; ``appended``: only one row was finished (O(1) bounds update)."""
        self._cache_key = None
        nf = self._data.arrays.finished_count
        if appended and not self._bounds.isNull() and nf:
            lo, hi = self._bounds.top(), self._bounds.bottom()
            part = [values[nf - 1 : nf] for _, _, values, _ in _lines(self._data)]
        else:
            lo, hi = np.inf, -np.inf
            part = [values[:nf] for _, _, values, _ in _lines(self._data)]
        for values in part:
            ok = values[np.isfinite(values)]
            if ok.size:
                lo, hi = min(lo, float(ok.min())), max(hi, float(ok.max()))
        rect = QRectF(-1.0, lo, nf + 1.0, hi - lo) if lo <= hi else QRectF()
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
        if vb is None or nf < 2 or not self._data.indicators:
            return
        m = device_mapping(painter)
        first, stop = visible_rows(vb.viewRange()[0], nf)
        bucket = lod_bucket(1.0 / m.sx) if m.sx > 0 else 1
        versions = tuple(ind.version for ind in self._data.indicators)
        key = (self._data.arrays.history_version, versions, first, stop, bucket, m.key())
        if key != self._cache_key:
            self._segments = self._build(m, first, stop, bucket)
            self._cache_key = key
            self.build_count += 1
        lo, hi = exposed_index_span(option.exposedRect)
        y0, y1 = exposed_band(option.exposedRect, m)
        painter.save()
        painter.resetTransform()
        for pen, group in self._segments:
            draw_segments(painter, crossing_band(group.between(lo, hi + 1), y0, y1, segments=True), pen)
        painter.restore()

    def _build(self, m: geometry.Mapping, first: int, stop: int, bucket: int) -> list[tuple[QPen, RectGroup]]:
        anchors = self._data.anchors
        out = []
        start = max(0, first - 1)  # join onto the point left of the view
        for k, name, values, breaks_at_anchor in _lines(self._data):
            idx, vals = decimate_line(values, start, stop, bucket)
            breaks = None
            if breaks_at_anchor and idx.size:
                a = anchors[idx]
                breaks = np.r_[False, a[1:] != a[:-1]]
            out.append((_pen(self._style, k, name), geometry.line_segments(m, idx, vals, breaks)))
        return out


class LiveLinesItem(pg.GraphicsObject):
    """The last segment of each indicator line (last finished value -> live value)."""

    def __init__(self, data: ChartData, style: ChartStyle) -> None:
        super().__init__()
        self._data = data
        self._style = style
        self._bounds = QRectF()
        self.paint_count = 0

    def set_style(self, style: ChartStyle) -> None:
        self._style = style
        self.update()

    def live_changed(self) -> None:
        n = len(self._data.arrays)
        vals = [v[n - 2 :] for _, _, v, _ in _lines(self._data)] if n >= 2 else []
        finite = np.concatenate(vals)[np.isfinite(np.concatenate(vals))] if vals else np.zeros(0)
        rect = QRectF()
        if finite.size:
            lo, hi = float(finite.min()), float(finite.max())
            px = self.pixelVectors()
            pw = abs(px[0].x()) if px and px[0] is not None else 0.0
            ph = abs(px[1].y()) if px and px[1] is not None else 0.0
            rect = QRectF(n - 2 - 2 * pw, lo - 2 * ph, 1.0 + 4 * pw, hi - lo + 4 * ph)
        if rect != self._bounds:
            self.prepareGeometryChange()
            self._bounds = rect
        self.update()

    def viewTransformChanged(self) -> None:
        self.live_changed()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        self.paint_count += 1
        n = len(self._data.arrays)
        if n < 2:
            return
        m = device_mapping(painter)
        idx = np.array([n - 2, n - 1], dtype=np.int64)
        anchors = self._data.anchors
        painter.save()
        painter.resetTransform()
        for k, name, values, breaks_at_anchor in _lines(self._data):
            if breaks_at_anchor and anchors[n - 1] != anchors[n - 2]:
                continue
            seg = geometry.line_segments(m, idx, values[n - 2 :], None)
            draw_segments(painter, seg.rects, _pen(self._style, k, name))
        painter.restore()
