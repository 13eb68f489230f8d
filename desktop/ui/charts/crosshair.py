"""Crosshair lines, the OHLCV readout strip and the right-click menu of a chart."""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtGui import QAction, QPen
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from .axes import price_text
from .chart_data import ChartData
from .overlays import readout_html
from .style import ChartStyle
from .view_box import ChartViewBox

READOUT_HEIGHT = 22


class Crosshair(QObject):
    """Follows the mouse over both panes and shows the hovered (or live) candle's values."""

    def __init__(
        self,
        host: QWidget,
        data: ChartData,
        panes: tuple[tuple[pg.PlotItem, ChartViewBox], tuple[pg.PlotItem, ChartViewBox]],
    ) -> None:
        super().__init__(host)
        self._data = data
        self._style: ChartStyle | None = None
        (price_plot, self._price_vb), (volume_plot, self._volume_vb) = panes
        self._vertical = [pg.InfiniteLine(angle=90, movable=False) for _ in range(2)]
        self._horizontal = pg.InfiniteLine(angle=0, movable=False)
        for line, plot in (
            (self._vertical[0], price_plot),
            (self._vertical[1], volume_plot),
            (self._horizontal, price_plot),
        ):
            line.setVisible(False)
            line.setZValue(30)
            plot.addItem(line, ignoreBounds=True)
        self.hover: int | None = None
        self.readout = QLabel(host)
        self.readout.setObjectName("chartReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.readout.setAutoFillBackground(True)  # opaque: its updates do not repaint the plots

    def set_style(self, style: ChartStyle) -> None:
        self._style = style
        pen = QPen(style.crosshair)
        pen.setCosmetic(True)
        pen.setStyle(Qt.PenStyle.DashLine)
        for line in (*self._vertical, self._horizontal):
            line.setPen(pen)
        pal = self.readout.palette()
        pal.setColor(self.readout.backgroundRole(), style.background)
        self.readout.setPalette(pal)
        self.show_row(self.hover if self.hover is not None else len(self._data) - 1)

    def place(self, width: int) -> None:
        self.readout.setGeometry(8, 2, max(0, width - 16), READOUT_HEIGHT - 2)

    def mouse_moved(self, pos: QPointF) -> None:
        n = len(self._data)
        inside = next(
            (vb for vb in (self._price_vb, self._volume_vb) if vb.sceneBoundingRect().contains(pos)), None
        )
        if inside is None or n == 0:
            self.hover = None
            for line in (*self._vertical, self._horizontal):
                line.setVisible(False)
            self.show_row(n - 1)
            return
        p = inside.mapSceneToView(pos)
        i = min(max(0, round(p.x())), n - 1)
        self.hover = i
        for line in self._vertical:
            line.setValue(i)
            line.setVisible(True)
        self._horizontal.setVisible(inside is self._price_vb)
        if inside is self._price_vb:
            self._horizontal.setValue(p.y())
        self.show_row(i)

    def show_row(self, i: int) -> None:
        if self._style is None:
            return
        html = readout_html(self._data, i, self._style)
        if html != self.readout.text():
            self.readout.setText(html)


def context_menu(
    parent: QWidget, price: float, order_at: Callable[[str, float], None], follow: Callable[[], None]
) -> QMenu:
    """Right-click menu: start a buy/sell limit order at the clicked price, resume following."""
    menu = QMenu(parent)
    menu.setObjectName("chartContextMenu")
    menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    for side in ("Buy", "Sell"):
        act = QAction(f"{side} limit at {price_text(price)}", menu)
        act.setObjectName(f"chart{side}AtPrice")
        act.triggered.connect(lambda _=False, s=side, p=price: order_at(s, p))
        menu.addAction(act)
    menu.addSeparator()
    resume = QAction("Follow newest candle (End)", menu)
    resume.triggered.connect(follow)
    menu.addAction(resume)
    return menu
