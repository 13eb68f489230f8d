"""Things drawn over the candles: working-order price lines, fill markers, the crosshair readout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from .axes import price_text, volume_text
from .chart_data import ChartData
from .style import ChartStyle

_EPOCH = datetime(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class OrderLine:
    """A working order's price level; ``side`` is "Buy" or "Sell"."""

    price: float
    side: str
    text: str
    order_id: str = ""


@dataclass(frozen=True, slots=True)
class FillMarker:
    """An executed fill: drawn at its price on the candle that contains ``time_ms``."""

    time_ms: int
    price: float
    side: str
    quantity: float = 0.0


class OrderLinesOverlay:
    """Dashed horizontal lines with a label, one per working order."""

    def __init__(self, plot: pg.PlotItem, style: ChartStyle) -> None:
        self._plot = plot
        self._style = style
        self._items: list[pg.InfiniteLine] = []
        self.lines: list[OrderLine] = []

    def set_lines(self, lines: list[OrderLine]) -> None:
        for item in self._items:
            self._plot.removeItem(item)
        self._items = []
        self.lines = list(lines)
        for line in self.lines:
            colour = self._style.buy_order if line.side.lower().startswith("b") else self._style.sell_order
            pen = QPen(colour)
            pen.setCosmetic(True)
            pen.setStyle(Qt.PenStyle.DashLine)
            item = pg.InfiniteLine(
                pos=line.price,
                angle=0,
                pen=pen,
                movable=False,
                label=line.text,
                labelOpts={
                    "position": 0.04,
                    "color": colour,
                    "fill": self._label_fill(),
                    "anchors": [(0, 1), (0, 1)],
                },
            )
            item.setZValue(20)
            self._plot.addItem(item, ignoreBounds=True)
            self._items.append(item)

    def set_style(self, style: ChartStyle) -> None:
        self._style = style
        self.set_lines(self.lines)

    def _label_fill(self) -> QColor:
        c = QColor(self._style.background)
        c.setAlpha(200)
        return c


class FillMarkersOverlay:
    """Triangles at fill prices: up for buys, down for sells."""

    def __init__(self, plot: pg.PlotItem, data: ChartData, style: ChartStyle) -> None:
        self._data = data
        self._style = style
        self.fills: list[FillMarker] = []
        self._scatter = pg.ScatterPlotItem(pxMode=True, size=11)
        self._scatter.setZValue(25)
        plot.addItem(self._scatter, ignoreBounds=True)

    def set_fills(self, fills: list[FillMarker]) -> None:
        self.fills = list(fills)
        self.relayout()

    def set_style(self, style: ChartStyle) -> None:
        self._style = style
        self.relayout()

    def relayout(self) -> None:
        """Place markers on the candles that contain them (after history changes)."""
        times = self._data.arrays.time
        spots = []
        for f in self.fills:
            i = int(np.searchsorted(times, f.time_ms, side="right")) - 1
            if i < 0:
                continue  # older than the loaded history
            buy = f.side.lower().startswith("b")
            colour = self._style.buy_order if buy else self._style.sell_order
            spots.append(
                {
                    "pos": (i, f.price),
                    "symbol": "t1" if buy else "t",
                    "brush": colour,
                    "pen": pg.mkPen(self._style.background),
                }
            )
        self._scatter.setData(spots)

    def marker_count(self) -> int:
        return len(self._scatter.data)


def readout_html(data: ChartData, i: int, style: ChartStyle) -> str:
    """OHLCV, time and indicator values of row ``i`` as rich text."""
    a = data.arrays
    if not 0 <= i < len(a):
        return ""
    _, o, h, lo, c, v = a.row(i)
    when = _EPOCH + timedelta(milliseconds=int(data.local_ms[i]))
    colour = (style.up if c >= o else style.down).name()
    fg = style.foreground.name()
    parts = [f"<span style='color:{fg}'>{when:%a %b %d %Y %H:%M}</span>"]
    for name, value in (("O", o), ("H", h), ("L", lo), ("C", c)):
        parts.append(
            f"<span style='color:{fg}'>{name}</span> <span style='color:{colour}'>{price_text(value)}</span>"
        )
    parts.append(f"<span style='color:{fg}'>V</span> <span style='color:{colour}'>{volume_text(v)}</span>")
    for k, ind in enumerate(data.indicators):
        values = [ind.line(name)[i] for name in ind.spec.line_names]
        shown = " / ".join(price_text(float(x)) for x in values)
        parts.append(
            f"<span style='color:{style.indicator_colour(k).name()}'>{ind.spec.label} {shown}</span>"
        )
    return "&nbsp;&nbsp;".join(parts)
