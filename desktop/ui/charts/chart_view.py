"""``CandleChart``: candles + volume with crosshair, follow mode and coalesced live repaints.

Data goes in through ``set_candles`` / ``upsert`` / ``remove`` / ``prepend_candles``; the
model (``ChartData``) updates at once, the items repaint on a timer at most ~30 times a
second (``flush``). Ranges live in ``ChartRanges``: x by candle index, y fitted to the
visible candles from range trees and re-fitted on a tick only when the live candle leaves
the fitted range.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QWidget

from .axes import PriceAxis, VolumeAxis
from .bar_items import PRICE, VOLUME, HistoryBarsItem, LiveBarItem
from .candle_arrays import Change
from .chart_data import ChartData
from .crosshair import READOUT_HEIGHT, Crosshair, context_menu
from .grid_item import GridItem
from .indicators import IndicatorSpec
from .line_items import HistoryLinesItem, LiveLinesItem
from .overlays import FillMarker, FillMarkersOverlay, OrderLine, OrderLinesOverlay
from .ranges import ChartRanges
from .style import ChartStyle
from .time_axis import IndexTimeAxis
from .view_box import ChartViewBox

REPAINT_INTERVAL_MS = 33  # live updates are coalesced to at most ~30 repaints a second

pg.setConfigOptions(antialias=False)

Rows = Sequence[tuple[int, float, float, float, float, float]]
Column = Sequence[float] | np.ndarray


class CandleChart(pg.GraphicsLayoutWidget):
    """A candle chart with a volume pane, for one symbol and timeframe."""

    historyWanted = Signal()  # the user scrolled to the oldest loaded candle
    followChanged = Signal(bool)
    orderAtPrice = Signal(str, float)  # "Buy" / "Sell", price clicked

    def __init__(self, user_zone: tzinfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("candleChart")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.data = ChartData(user_zone)
        self.style_ = ChartStyle.from_palette(self.palette())
        self._pending_history = False
        self._pending_rebuild = False  # older rows changed (not just one more finished candle)
        self._pending_live = False
        self._rolled = False
        self.repaint_count = 0  # coalesced flushes that reached the items
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REPAINT_INTERVAL_MS)
        self._timer.timeout.connect(self.flush)
        self._build()

    def _build(self) -> None:
        self.ci.layout.setSpacing(0)
        self.ci.setContentsMargins(0, READOUT_HEIGHT, 0, 0)  # a strip for the readout label
        local = lambda: self.data.local_ms  # noqa: E731
        self.price_vb, self.volume_vb = ChartViewBox(), ChartViewBox()
        self.price_axis = PriceAxis()
        self.time_axis = IndexTimeAxis(local)
        price_bottom = IndexTimeAxis(local)
        price_bottom.setStyle(showValues=False, tickLength=0)
        price_bottom.setHeight(1)
        self._price_bottom = price_bottom
        self.price_plot = self.addPlot(
            row=0, col=0, viewBox=self.price_vb, axisItems={"right": self.price_axis, "bottom": price_bottom}
        )
        self.volume_plot = self.addPlot(
            row=1, col=0, viewBox=self.volume_vb, axisItems={"right": VolumeAxis(), "bottom": self.time_axis}
        )
        for plot in (self.price_plot, self.volume_plot):
            plot.hideAxis("left")
            plot.showAxis("right")
            plot.hideButtons()
            plot.setMenuEnabled(False)
        self.volume_plot.setXLink(self.price_plot)
        self.ci.layout.setRowStretchFactor(0, 4)
        self.ci.layout.setRowStretchFactor(1, 1)
        s, d = self.style_, self.data
        self.grids = (
            GridItem(price_bottom, self.price_axis, s.grid),
            GridItem(self.time_axis, self.volume_plot.getAxis("right"), s.grid),
        )
        self.history_item = HistoryBarsItem(d, s, PRICE)
        self.live_item = LiveBarItem(d, s, PRICE)
        self.lines_item = HistoryLinesItem(d, s)
        self.live_lines_item = LiveLinesItem(d, s)
        self.volume_history_item = HistoryBarsItem(d, s, VOLUME)
        self.volume_live_item = LiveBarItem(d, s, VOLUME)
        price_items = (
            self.grids[0],
            self.history_item,
            self.live_item,
            self.lines_item,
            self.live_lines_item,
        )
        for item in price_items:
            self.price_plot.addItem(item, ignoreBounds=True)
        for item in (self.grids[1], self.volume_history_item, self.volume_live_item):
            self.volume_plot.addItem(item, ignoreBounds=True)
        self.last_line = pg.InfiniteLine(angle=0, movable=False)
        self.last_line.setVisible(False)
        self.price_plot.addItem(self.last_line, ignoreBounds=True)
        self.orders = OrderLinesOverlay(self.price_plot, s)
        self.fills = FillMarkersOverlay(self.price_plot, d, s)
        self.crosshair = Crosshair(
            self, d, ((self.price_plot, self.price_vb), (self.volume_plot, self.volume_vb))
        )
        self.readout = self.crosshair.readout
        self.ranges = ChartRanges(d, self.price_vb, self.volume_vb)
        self.ranges.followChanged.connect(self.followChanged)
        self.ranges.historyWanted.connect(self.historyWanted)
        for vb in (self.price_vb, self.volume_vb):
            vb.contextRequested.connect(self._context_menu)
        self.scene().sigMouseMoved.connect(self.crosshair.mouse_moved)
        self._apply_style()

    def _apply_style(self) -> None:
        s = self.style_
        self.setBackground(s.background)
        for item in (self.history_item, self.live_item, self.volume_history_item, self.volume_live_item):
            item.set_style(s)
        self.lines_item.set_style(s)
        self.live_lines_item.set_style(s)
        for grid in self.grids:
            grid.set_colour(s.grid)
        for plot in (self.price_plot, self.volume_plot):
            for name in ("right", "bottom"):
                plot.getAxis(name).setPen(pg.mkPen(s.grid))
                plot.getAxis(name).setTextPen(pg.mkPen(s.foreground))
        self._price_bottom.setTickPen(pg.mkPen(None))  # only the separator line, no tick dots
        self.crosshair.set_style(s)
        self.orders.set_style(s)
        self.fills.set_style(s)
        self._update_last_price()

    def resizeEvent(self, ev: QResizeEvent | None) -> None:
        super().resizeEvent(ev)
        if hasattr(self, "crosshair"):
            self.crosshair.place(self.width())

    def changeEvent(self, ev: QEvent) -> None:
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.PaletteChange and hasattr(self, "crosshair"):
            self.style_ = ChartStyle.from_palette(self.palette())
            self._apply_style()

    # ------------------------------------------------------------------ data in
    def set_candles(
        self, time_ms: Column, open_: Column, high: Column, low: Column, close: Column, volume: Column
    ) -> None:
        """Replace every candle (history load or resync); keeps the user's place when not following."""
        left, width = self.ranges.left_time(), self.ranges.view_width()
        self.data.set_all(time_ms, open_, high, low, close, volume)
        self._history_changed()
        self.ranges.place_after_reload(left, width)
        self.flush()

    def prepend_candles(self, rows: Rows) -> int:
        """Add older candles at the start without moving what is on screen; returns how many."""
        x0, x1 = self.ranges.x_range()
        added = self.data.prepend(rows)
        if added:
            self._history_changed()
            self.ranges.set_x(x0 + added, x1 + added)
            self.flush()
        return added

    def upsert(self, time_ms: int, o: float, h: float, lo: float, c: float, v: float) -> Change:
        """Apply one candle event; the repaint follows within ``REPAINT_INTERVAL_MS``."""
        change = self.data.upsert(time_ms, o, h, lo, c, v)
        self._note(change)
        return change

    def remove(self, time_ms: int) -> Change:
        change = self.data.remove(time_ms)
        self._note(change)
        return change

    def clear_candles(self) -> None:
        """Remove every candle (not ``clear``: pyqtgraph binds that name to the layout's clear)."""
        self.data.clear()
        self._history_changed()
        self.flush()

    def set_indicators(self, specs: Sequence[IndicatorSpec]) -> None:
        self.data.set_indicators(specs)
        self._history_changed()
        self.flush()

    def set_order_lines(self, lines: list[OrderLine]) -> None:
        self.orders.set_lines(lines)
        levels = [ln.price for ln in lines]
        if levels != self.ranges.levels:
            self.ranges.levels = levels
            self.ranges.fit_y()

    def set_fills(self, fills: list[FillMarker]) -> None:
        self.fills.set_fills(fills)

    def _note(self, change: Change) -> None:
        if change is Change.NONE:
            return
        if change in (Change.REBUILT, Change.APPENDED):
            self._pending_history = True
            self._rolled = self._rolled or change is Change.APPENDED
            if change is Change.REBUILT:
                self._pending_rebuild = True
                self.fills.relayout()
        self._pending_live = True
        if not self._timer.isActive():
            self._timer.start()

    def _history_changed(self) -> None:
        self._pending_history = True
        self._pending_rebuild = True
        self._pending_live = True
        self.fills.relayout()

    # ------------------------------------------------------------------ repaint
    def flush(self) -> None:
        """Push pending data changes to the items (the coalesced repaint)."""
        self._timer.stop()
        if not (self._pending_history or self._pending_live):
            return
        self.repaint_count += 1
        if self._pending_history:
            self.history_item.history_changed()
            self.volume_history_item.history_changed()
            self.lines_item.history_changed(appended=not self._pending_rebuild)
            if self._rolled and self.ranges.following:
                self.ranges.show_newest()
            self.ranges.fit_y()
        for item in (self.live_item, self.volume_live_item, self.live_lines_item):
            item.live_changed()
        if not self._pending_history:
            self.ranges.fit_y_for_live()
        self._pending_history = self._pending_live = self._rolled = self._pending_rebuild = False
        self._update_last_price()
        if self.crosshair.hover is None:
            self.crosshair.show_row(len(self.data) - 1)

    def _update_last_price(self) -> None:
        n = len(self.data)
        if n == 0:
            self.price_axis.set_last_price(None, self.style_.up)
            self.last_line.setVisible(False)
            return
        _, o, _, _, c, _ = self.data.arrays.row(n - 1)
        colour = self.style_.up if c >= o else self.style_.down
        self.price_axis.set_last_price(c, colour)
        if self.last_line.pen.color() != colour:
            pen = QPen(colour)
            pen.setCosmetic(True)
            pen.setStyle(Qt.PenStyle.DotLine)
            self.last_line.setPen(pen)
        if self.last_line.value() != c:
            self.last_line.setValue(c)
        self.last_line.setVisible(True)

    # ------------------------------------------------------------------ user
    @property
    def following(self) -> bool:
        return self.ranges.following

    def set_following(self, on: bool) -> None:
        self.ranges.set_following(on)

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if ev.key() in (Qt.Key.Key_End, Qt.Key.Key_F):
            self.ranges.set_following(True)
            ev.accept()
            return
        super().keyPressEvent(ev)

    def _context_menu(self, screen_pos: QPointF, data_pos: QPointF) -> None:
        menu = context_menu(self, data_pos.y(), self.orderAtPrice.emit, lambda: self.set_following(True))
        menu.popup(screen_pos.toPoint())
