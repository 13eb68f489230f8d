"""Right-hand axes: prices with the last price marked, and volume with short numbers."""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPixmap
from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

AXIS_WIDTH = 74


def price_text(price: float) -> str:
    """Prices as traders read them: 2 decimals from $1 up, 4 below."""
    if not math.isfinite(price):
        return "—"
    return f"{price:,.2f}" if abs(price) >= 1 else f"{price:.4f}"


def volume_text(volume: float) -> str:
    """12,345 -> 12.3K; 2,500,000 -> 2.5M."""
    v = abs(volume)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= limit:
            return f"{volume / limit:.3g}{suffix}"
    return f"{volume:.0f}"


def nice_step(raw: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)


class PriceAxis(pg.AxisItem):
    """Right price scale with a coloured tag at the last price; the tag repaints alone."""

    def __init__(self, **kw: object) -> None:
        super().__init__(orientation="right", **kw)
        self.setWidth(AXIS_WIDTH)
        self.enableAutoSIPrefix(False)
        self._last: float | None = None
        self._tag_colour = QColor("#26a69a")
        self._tag_rect = QRectF()
        self.tag_paint_count = 0
        self._pixmap: QPixmap | None = None  # the axis as last rendered by pyqtgraph
        self._pixmap_of: tuple[object, tuple[float, float, float, float], float] | None = None
        self.axis_renders = 0

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        decimals = max(0, min(6, -math.floor(math.log10(spacing)))) if spacing > 0 else 2
        decimals = max(decimals, 2) if any(abs(v) < 1000 for v in values) else decimals
        return [f"{v:,.{decimals}f}" for v in values]

    def set_last_price(self, price: float | None, colour: QColor) -> None:
        """Mark ``price`` (None hides the tag); only the old and new tag areas repaint."""
        self._last = price
        self._tag_colour = colour
        self.update_tag()

    def update_tag(self) -> None:
        old = self._tag_rect
        self._tag_rect = self._compute_tag_rect()
        dirty = old.united(self._tag_rect) if not old.isNull() else self._tag_rect
        if not dirty.isNull():
            self.update(dirty)

    def linkedViewChanged(self, view: object, newRange: object = None) -> None:
        super().linkedViewChanged(view, newRange)
        self._tag_rect = self._compute_tag_rect()

    def _compute_tag_rect(self) -> QRectF:
        view = self.linkedView()
        if self._last is None or view is None or not math.isfinite(self._last):
            return QRectF()
        y = self.mapFromScene(view.mapViewToScene(QPointF(0.0, self._last))).y()
        h = QFontMetricsF(self.style["tickFont"] or self.font()).height() + 4
        geo = self.mapRectFromParent(self.geometry())
        return QRectF(geo.left(), y - h / 2, geo.width(), h)

    def paint(self, p: QPainter, opt: QStyleOptionGraphicsItem, widget: QWidget | None) -> None:
        self._paint_axis(p, opt, widget)
        rect = self._tag_rect
        geo = self.mapRectFromParent(self.geometry())
        if rect.isNull() or self._last is None or rect.bottom() < geo.top() or rect.top() > geo.bottom():
            return
        self.tag_paint_count += 1
        p.save()
        if self.style["tickFont"]:
            p.setFont(self.style["tickFont"])
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(self._tag_colour)
        p.drawRect(rect)
        p.setPen(QColor("white"))
        p.drawText(
            rect.adjusted(6, 0, -2, 0),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            price_text(self._last),
        )
        p.restore()

    def _paint_axis(self, p: QPainter, opt: QStyleOptionGraphicsItem, widget: QWidget | None) -> None:
        """Ticks and labels from a pixmap: a moving tag then repaints a few pixels, not all the text.

        pyqtgraph drops ``self.picture`` whenever ticks, range or style change; the pixmap is
        rebuilt from the new picture then.
        """
        bounds = self.boundingRect()
        ratio = widget.devicePixelRatioF() if widget is not None else 1.0
        key = (bounds.x(), bounds.y(), bounds.width(), bounds.height())
        if self.picture is None or self._pixmap_of != (self.picture, key, ratio):
            pm = QPixmap(
                max(1, math.ceil(bounds.width() * ratio)), max(1, math.ceil(bounds.height() * ratio))
            )
            pm.setDevicePixelRatio(ratio)
            pm.fill(Qt.GlobalColor.transparent)
            qp = QPainter(pm)
            qp.translate(-bounds.topLeft())
            super().paint(qp, opt, widget)  # builds self.picture if needed, then plays it
            qp.end()
            self._pixmap, self._pixmap_of = pm, (self.picture, key, ratio)
            self.axis_renders += 1
        if self._pixmap is not None:
            p.drawPixmap(bounds.topLeft(), self._pixmap)


class VolumeAxis(pg.AxisItem):
    """Right volume scale, same width as the price scale so both plots line up."""

    def __init__(self, **kw: object) -> None:
        super().__init__(orientation="right", **kw)
        self.setWidth(AXIS_WIDTH)
        self.enableAutoSIPrefix(False)

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        """One label per ~28 px at a 1-2-5 step: the volume pane is short."""
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return [(1.0, 0.0)]
        return [(nice_step(span / max(1.0, size / 28.0)), 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [volume_text(v) for v in values]
