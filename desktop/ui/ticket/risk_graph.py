"""The ticket's risk graph (pyqtgraph): P/L at expiration and today against the underlying.

Expiration P/L is the solid line, filled green above zero and red below; today's P/L (Black-
Scholes) is dashed; breakevens are dotted verticals; the current price is a solid vertical;
the one-sigma expected move to the first expiration is a shaded band.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from desktop.ui import format as fmt

from .risk import RiskProfile

__all__ = ["RiskGraph"]


class RiskGraph(pg.PlotWidget):
    """``show_profile(profile)`` draws it; ``None`` shows why there is nothing to draw."""

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("riskGraph")
        self.setToolTip("P/L of the ticket at the first expiration (solid) and today (dashed)")
        self.setMinimumHeight(150)
        self.profile: RiskProfile | None = None
        plot = self.getPlotItem()
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.getAxis("left").setWidth(56)
        plot.setLabel("bottom", "Underlying price")
        self._band = pg.LinearRegionItem(movable=False, brush=QColor(64, 128, 224, 30), pen=pg.mkPen(None))
        self._band.setZValue(-20)
        self._zero = pg.InfiniteLine(angle=0, pen=pg.mkPen((128, 128, 128), width=1))
        self._spot = pg.InfiniteLine(angle=90, pen=pg.mkPen((64, 128, 224), width=1.5))
        self._gain_curve = pg.PlotCurveItem()
        self._base_curve = pg.PlotCurveItem()
        self._loss_curve = pg.PlotCurveItem()
        self._gain = pg.FillBetweenItem(self._gain_curve, self._base_curve, brush=QColor(27, 138, 58, 60))
        self._loss = pg.FillBetweenItem(self._loss_curve, self._base_curve, brush=QColor(198, 40, 40, 60))
        self._expiration = pg.PlotDataItem(
            pen=pg.mkPen((40, 40, 40) if not dark else (230, 230, 230), width=2)
        )
        self._today = pg.PlotDataItem(pen=pg.mkPen((64, 128, 224), width=1.5, style=Qt.PenStyle.DashLine))
        self._message = pg.TextItem("", anchor=(0.5, 0.5), color=(128, 128, 128))
        self._breakevens: list[pg.InfiniteLine] = []
        for item in (
            self._band,
            self._gain,
            self._loss,
            self._zero,
            self._spot,
            self._expiration,
            self._today,
        ):
            plot.addItem(item)
        plot.addItem(self._message, ignoreBounds=True)
        self.set_dark(dark)
        self.show_profile(None, "Add legs to see the risk graph")

    def set_dark(self, dark: bool) -> None:
        self.setBackground((30, 32, 36) if dark else (255, 255, 255))
        self._expiration.setPen(pg.mkPen((230, 230, 230) if dark else (40, 40, 40), width=2))

    def show_profile(self, profile: RiskProfile | None, message: str = "") -> None:
        self.profile = profile
        for line in self._breakevens:
            self.getPlotItem().removeItem(line)
        self._breakevens.clear()
        visible = profile is not None
        for item in (self._band, self._gain, self._loss, self._spot, self._expiration, self._today):
            item.setVisible(visible)
        if profile is None:
            self._message.setText(message or "Waiting for live quotes of every leg…")
            self._message.setPos(0.5, 0.5)
            self.getPlotItem().setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
            self._message.setVisible(True)
            return
        self._message.setVisible(False)
        x, y = profile.prices, profile.at_expiration
        base = np.zeros_like(x)
        self._base_curve.setData(x, base)
        self._gain_curve.setData(x, np.maximum(y, 0.0))
        self._loss_curve.setData(x, np.minimum(y, 0.0))
        self._expiration.setData(x, y)
        self._today.setData(x, profile.today)
        self._spot.setValue(profile.spot)
        self._spot.label = None
        if profile.sigma_range is not None:
            self._band.setRegion(profile.sigma_range)
        self._band.setVisible(profile.sigma_range is not None)
        for b in profile.breakevens:
            line = pg.InfiniteLine(
                b,
                angle=90,
                pen=pg.mkPen((178, 106, 0), width=1, style=Qt.PenStyle.DotLine),
                label=fmt.price(b),
                labelOpts={"position": 0.06, "color": (178, 106, 0), "fill": (255, 255, 255, 210)},
            )
            self.getPlotItem().addItem(line)
            self._breakevens.append(line)
        lo = float(min(y.min(), profile.today.min(), 0.0))
        hi = float(max(y.max(), profile.today.max(), 0.0))
        pad = (hi - lo) * 0.08 or 1.0
        self.getPlotItem().setRange(
            xRange=(float(x[0]), float(x[-1])), yRange=(lo - pad, hi + pad), padding=0
        )
