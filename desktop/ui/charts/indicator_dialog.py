"""The indicator settings dialog, and indicators as a settings string."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .indicators import KINDS, IndicatorSpec

log = logging.getLogger(__name__)

DEFAULT_INDICATORS: tuple[IndicatorSpec, ...] = (IndicatorSpec("sma", 20),)
_NAMES = {"sma": "SMA", "ema": "EMA", "vwap": "VWAP", "bollinger": "Bollinger Bands"}
_DEFAULT_PERIOD = {"sma": 20, "ema": 9, "vwap": 0, "bollinger": 20}


def specs_to_text(specs: Sequence[IndicatorSpec]) -> str:
    return json.dumps([{"kind": s.kind, "period": s.period, "deviations": s.deviations} for s in specs])


def specs_from_text(text: str | None) -> list[IndicatorSpec]:
    """Indicators saved by ``specs_to_text``; the defaults when missing, bad entries skipped (logged)."""
    if not text:
        return list(DEFAULT_INDICATORS)
    try:
        items = json.loads(text)
    except ValueError:
        log.warning("chart indicator settings could not be read; using the defaults")
        return list(DEFAULT_INDICATORS)
    specs = []
    for item in items if isinstance(items, list) else []:
        try:
            specs.append(IndicatorSpec(str(item["kind"]), int(item["period"]), float(item["deviations"])))
        except (KeyError, TypeError, ValueError) as exc:
            log.warning("skipping a saved chart indicator (%s)", exc)
    return specs


class IndicatorDialog(QDialog):
    """Edit the list of indicators: add, remove, set period (and band width)."""

    def __init__(self, specs: Sequence[IndicatorSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartIndicatorDialog")
        self.setWindowTitle("Chart indicators")
        self._rows: list[tuple[str, QSpinBox | None, QDoubleSpinBox | None, list[QWidget]]] = []
        self._grid = QGridLayout()
        add = QToolButton(self)
        add.setObjectName("chartAddIndicator")
        add.setText("Add indicator")
        add.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(add)
        for kind in KINDS:
            menu.addAction(
                _NAMES[kind], lambda k=kind: self.add_row(IndicatorSpec(k, _DEFAULT_PERIOD[k] or 20))
            )
        add.setMenu(menu)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self._grid)
        layout.addWidget(add)
        layout.addWidget(buttons)
        for spec in specs:
            self.add_row(spec)

    def add_row(self, spec: IndicatorSpec) -> None:
        r = len(self._rows) + 1
        label = QLabel(_NAMES[spec.kind], self)
        period = width = None
        widgets: list[QWidget] = [label]
        self._grid.addWidget(label, r, 0)
        if spec.kind != "vwap":
            period = QSpinBox(self)
            period.setObjectName(f"chartIndicatorPeriod{r}")
            period.setRange(1, 1000)
            period.setValue(spec.period)
            period.setPrefix("period ")
            self._grid.addWidget(period, r, 1)
            widgets.append(period)
        if spec.kind == "bollinger":
            width = QDoubleSpinBox(self)
            width.setRange(0.5, 5.0)
            width.setSingleStep(0.5)
            width.setValue(spec.deviations)
            width.setSuffix(" σ")
            self._grid.addWidget(width, r, 2)
            widgets.append(width)
        remove = QPushButton("Remove", self)
        widgets.append(remove)
        self._grid.addWidget(remove, r, 3)
        row = (spec.kind, period, width, widgets)
        self._rows.append(row)
        remove.clicked.connect(lambda: self._remove(row))

    def _remove(self, row: tuple) -> None:
        for w in row[3]:
            w.hide()
            w.deleteLater()
        self._rows.remove(row)

    def specs(self) -> list[IndicatorSpec]:
        return [
            IndicatorSpec(kind, period.value() if period else 20, width.value() if width else 2.0)
            for kind, period, width, _ in self._rows
        ]
