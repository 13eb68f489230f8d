"""Strategy templates (``strategyCombo``): pick one, adjust, "Add to ticket".

Each template comes with trader defaults, so "short 16-delta strangle, 45 DTE" is two clicks:
choose *Strangle*, press *Add to ticket*. Strikes are placed by target delta, at the money or
at a strike; widths are in strike points; expirations by days to expiration (and a far DTE
for calendars and diagonals). The bar only describes the request (:class:`StrategySpec`);
the panel builds the legs with ``core.strategies``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QWidget,
)

__all__ = ["TEMPLATES", "StrategyBar", "StrategySpec", "Template"]


@dataclass(frozen=True)
class Template:
    """A template's label, choices and defaults."""

    key: str
    label: str
    sides: tuple[str, ...] = ()  # empty: the template implies its side
    side: str = ""
    option_type: str = ""  # "" = implied (or both sides)
    place: str = "atm"  # "delta" | "atm" | "strike"
    delta: float = 0.30
    width: bool = False
    dte: int = 45
    far_dte: int | None = None
    places: tuple[str, ...] = ("delta", "atm", "strike")


LS, SL, CD = ("long", "short"), ("short", "long"), ("credit", "debit")
TEMPLATES: tuple[Template, ...] = (
    Template("long_call", "Long call"),
    Template("short_call", "Short call", place="delta"),
    Template("long_put", "Long put"),
    Template("short_put", "Short put", place="delta"),
    Template("vertical", "Vertical spread", CD, "credit", "P", "delta", width=True),
    Template("strangle", "Strangle", SL, "short", place="delta", delta=0.16, places=("delta", "atm")),
    Template("straddle", "Straddle", SL, "short", places=("atm", "strike")),
    Template(
        "iron_condor", "Iron condor", SL, "short", place="delta", delta=0.16, width=True, places=("delta",)
    ),
    Template("iron_butterfly", "Iron butterfly", SL, "short", width=True),
    Template("butterfly", "Butterfly", LS, "long", "C", width=True),
    Template("calendar", "Calendar", LS, "long", "C", dte=30, far_dte=60),
    Template("diagonal", "Diagonal", LS, "long", "C", width=True, dte=30, far_dte=60),
    Template("covered_call", "Covered call", place="delta"),
)
_PLACE_LABELS = {"delta": "by delta", "atm": "at the money", "strike": "at strike"}


@dataclass(frozen=True)
class StrategySpec:
    """What to build: ``core.strategies.build`` arguments in the bar's terms."""

    name: str
    side: str | None
    option_type: str | None
    place: str
    target_delta: float | None
    strike: Decimal | None
    width: Decimal | None
    dte: int
    far_dte: int | None
    label: str = ""


def _spin(name: str, tip: str, decimals: int, low: float, high: float, step: float) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setObjectName(name)
    spin.setToolTip(tip)
    spin.setDecimals(decimals)
    spin.setRange(low, high)
    spin.setSingleStep(step)
    return spin


class StrategyBar(QWidget):
    """``build_requested(StrategySpec)`` when *Add to ticket* is pressed."""

    build_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("strategyBar")
        self.combo = QComboBox(self)
        self.combo.setObjectName("strategyCombo")
        self.combo.setToolTip("Strategy template: choose one, adjust, then Add to ticket")
        for t in TEMPLATES:
            self.combo.addItem(t.label, t.key)
        self.side = QComboBox(self)
        self.side.setObjectName("strategySide")
        self.side.setToolTip("Long/short (debit/credit for verticals)")
        self.option_type = QComboBox(self)
        self.option_type.setObjectName("strategyType")
        self.option_type.addItem("Calls", "C")
        self.option_type.addItem("Puts", "P")
        self.place = QComboBox(self)
        self.place.setObjectName("strategyPlace")
        self.place.setToolTip("Where the (short) strikes go")
        self.delta = _spin(
            "strategyDelta", "Target delta of the short strikes (0.16 = 16 delta)", 2, 0.01, 0.99, 0.01
        )
        self.strike = _spin("strategyStrike", "Strike (the nearest listed one is used)", 2, 0.0, 1e6, 1.0)
        self.width = _spin("strategyWidth", "Width between strikes, in strike points", 2, 0.01, 1e5, 1.0)
        self.dte = QSpinBox(self)
        self.dte.setObjectName("strategyDte")
        self.dte.setToolTip("Days to expiration: the nearest listed expiration is used")
        self.dte.setRange(0, 2000)
        self.dte.setSuffix(" DTE")
        self.far_dte = QSpinBox(self)
        self.far_dte.setObjectName("strategyFarDte")
        self.far_dte.setToolTip("Days to the far (bought) expiration of a calendar or diagonal")
        self.far_dte.setRange(1, 2000)
        self.far_dte.setSuffix(" DTE far")
        self.add_button = QPushButton("Add to ticket", self)
        self.add_button.setObjectName("addStrategyButton")
        self.add_button.setToolTip("Build the strategy from the live chain and put it on the order ticket")
        self.status = QLabel("", self)
        self.status.setObjectName("strategyStatus")
        self.status.setProperty("tone", "muted")
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.width_label = QLabel("wide", self)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(4, 0, 4, 0)
        for w in (self.combo, self.side, self.option_type, self.place, self.delta, self.strike, self.width,
                  self.width_label, self.dte, self.far_dte, self.add_button):  # fmt: skip
            lay.addWidget(w)
        lay.addWidget(self.status, 1)
        self.combo.currentIndexChanged.connect(self._template_changed)
        self.place.currentIndexChanged.connect(self._place_changed)
        self.add_button.clicked.connect(self._add)
        self._step = Decimal(1)
        self._template_changed()

    @property
    def template(self) -> Template:
        return TEMPLATES[max(self.combo.currentIndex(), 0)]

    def select(self, key: str) -> None:
        self.combo.setCurrentIndex(self.combo.findData(key))

    def set_strike_step(self, step: Decimal, spot: float | None) -> None:
        """The chain's strike spacing near the money and the spot: sensible width/strike defaults."""
        self._step = step if step > 0 else Decimal(1)
        self.width.setSingleStep(float(self._step))
        self.strike.setSingleStep(float(self._step))
        self.width.setValue(float(self._step * 2))
        if spot:
            self.strike.setValue(spot)

    def _template_changed(self, *_: object) -> None:
        t = self.template
        self.side.clear()
        for s in t.sides:
            self.side.addItem(s.capitalize(), s)
        if t.side:
            self.side.setCurrentIndex(self.side.findData(t.side))
        self.side.setVisible(bool(t.sides))
        self.option_type.setVisible(bool(t.option_type))
        if t.option_type:
            self.option_type.setCurrentIndex(self.option_type.findData(t.option_type))
        self.place.blockSignals(True)
        self.place.clear()
        for p in t.places:
            self.place.addItem(_PLACE_LABELS[p], p)
        self.place.setCurrentIndex(max(self.place.findData(t.place), 0))
        self.place.blockSignals(False)
        self.delta.setValue(t.delta)
        self.width.setVisible(t.width)
        self.width_label.setVisible(t.width)
        self.width.setValue(float(self._step * 2))
        self.dte.setValue(t.dte)
        self.far_dte.setVisible(t.far_dte is not None)
        if t.far_dte is not None:
            self.far_dte.setValue(t.far_dte)
        self.say("")
        self._place_changed()

    def _place_changed(self, *_: object) -> None:
        place = self.place.currentData()
        self.delta.setVisible(place == "delta")
        self.strike.setVisible(place == "strike")

    def spec(self) -> StrategySpec:
        t = self.template
        place = str(self.place.currentData() or "atm")
        return StrategySpec(
            name=t.key,
            side=str(self.side.currentData()) if t.sides else None,
            option_type=str(self.option_type.currentData()) if t.option_type else None,
            place=place,
            target_delta=round(self.delta.value(), 2) if place == "delta" else None,
            strike=Decimal(str(round(self.strike.value(), 3))) if place == "strike" else None,
            width=Decimal(str(round(self.width.value(), 3))) if t.width else None,
            dte=self.dte.value(),
            far_dte=self.far_dte.value() if t.far_dte is not None else None,
            label=t.label,
        )

    def say(self, text: str) -> None:
        """Show what the last template did (or why it could not); the tooltip has it in full."""
        self.status.setText(text)
        self.status.setToolTip(text)

    def _add(self) -> None:
        self.build_requested.emit(self.spec())
