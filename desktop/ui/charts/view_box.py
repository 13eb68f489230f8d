"""Mouse handling for chart plots: horizontal pan and zoom only, and a right-click hook.

The chart owns the ranges (follow mode, history loading, y auto-fit), so this view box does
not move itself: it reports what the user asked for and the chart applies it.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal


class ChartViewBox(pg.ViewBox):
    """A ViewBox that turns wheel/drag/right-click into requests for its chart."""

    zoomRequested = Signal(float, float)  # anchor x (data), factor (>1 zooms out)
    panRequested = Signal(float)  # shift in candles (positive = towards newer)
    contextRequested = Signal(QPointF, QPointF)  # screen position, data position

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=True, y=False)
        self.disableAutoRange()
        self.setDefaultPadding(0.0)

    def wheelEvent(self, ev: object, axis: int | None = None) -> None:
        delta = ev.delta() if hasattr(ev, "delta") else ev.angleDelta().y()
        if not delta:
            ev.ignore()
            return
        factor = 0.999 ** float(delta)  # one notch (120) zooms by about 11 %
        anchor = self.mapSceneToView(ev.scenePos()).x()
        self.zoomRequested.emit(anchor, 1.0 / factor)
        ev.accept()

    def mouseDragEvent(self, ev: object, axis: int | None = None) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            ev.ignore()
            return
        ev.accept()
        last = self.mapSceneToView(ev.lastScenePos()).x()
        now = self.mapSceneToView(ev.scenePos()).x()
        if now != last:
            self.panRequested.emit(last - now)

    def mouseClickEvent(self, ev: object) -> None:
        if ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            self.contextRequested.emit(ev.screenPos(), self.mapSceneToView(ev.scenePos()))
            return
        super().mouseClickEvent(ev)
