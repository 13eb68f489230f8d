"""The ticket's order fields: quantity, type, time in force, price (with mid/natural and nudges),
debit/credit, stop trigger, notional value, and brackets.

Every control writes straight into the :class:`TicketDraft`; :meth:`OrderForm.sync` shows the
draft again after any change (a price being typed is never overwritten under the cursor).
Choices the instrument does not allow are disabled (extended hours are for one stock leg,
notional orders for one stock or crypto leg, market and stop orders for one leg).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QWidget,
)

from desktop.core.orders import OrderType, PriceEffect, TimeInForce
from desktop.core.symbols import InstrumentType
from desktop.ui import format as fmt

from .draft import BracketMode, TicketDraft
from .pricing import nudge

__all__ = ["OrderForm", "parse_price"]

_TYPES = (OrderType.LIMIT, OrderType.MARKET, OrderType.STOP, OrderType.STOP_LIMIT, OrderType.NOTIONAL_MARKET)
_TIFS = (TimeInForce.DAY, TimeInForce.GTC, TimeInForce.GTD, TimeInForce.EXT, TimeInForce.GTC_EXT)
_BRACKETS = (
    (BracketMode.NONE, "No bracket"),
    (BracketMode.OTOCO, "Bracket: take profit and/or stop on fill (OTOCO)"),
    (BracketMode.OCO, "OCO on an open position (take profit + stop)"),
)


def parse_price(text: str) -> Decimal | None:
    """``"1.25"`` / ``"1,250.5"`` -> Decimal; empty or invalid -> ``None``; never negative."""
    try:
        value = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        return None
    return abs(value) if value.is_finite() else None


def _shrinkable(combo: QComboBox, chars: int = 6) -> QComboBox:
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    return combo


def _edit(name: str, tip: str, width: int = 80) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setToolTip(tip)
    edit.setMaximumWidth(width)
    edit.setAlignment(Qt.AlignmentFlag.AlignRight)
    return edit


def _button(name: str, text: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setObjectName(name)
    b.setText(text)
    b.setToolTip(tip)
    return b


def _money_text(value: Decimal | None) -> str:
    return "" if value is None else fmt.price(value)


class OrderForm(QWidget):
    """The order fields of the ticket (see the module docstring)."""

    def __init__(self, draft: TicketDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.draft = draft
        self.size = QDoubleSpinBox(self)
        self.size.setObjectName("ticketQuantitySpin")
        self.size.setToolTip("Order quantity: each leg trades its ratio times this")
        self.size.setRange(0.00000001, 1_000_000)
        self.size.setDecimals(0)
        self.order_type = QComboBox(self)
        self.order_type.setObjectName("ticketOrderType")
        for t in _TYPES:
            self.order_type.addItem(t.value, t)
        self.tif = QComboBox(self)
        self.tif.setObjectName("ticketTif")
        self.tif.setToolTip("Time in force: Day, good-till-cancelled, good-till-date, extended hours")
        for t in _TIFS:
            self.tif.addItem(t.value, t)
        self.gtd_date = QDateEdit(self)
        self.gtd_date.setObjectName("ticketGtdDate")
        self.gtd_date.setCalendarPopup(True)
        self.gtd_date.setDisplayFormat("yyyy-MM-dd")
        self.price = _edit("ticketPriceEdit", "Limit price of the whole order (rounded to the tick)")
        self.effect = QComboBox(self)
        self.effect.setObjectName("ticketEffect")
        self.effect.setToolTip("Debit: you pay. Credit: you receive.")
        for e in (PriceEffect.DEBIT, PriceEffect.CREDIT):
            self.effect.addItem(e.value, e)
        self.mid_button = _button("ticketMidButton", "Mid", "Follow the live mid of the whole order")
        self.natural_button = _button(
            "ticketNaturalButton", "Nat", "Natural price: buys at the ask, sells at the bid"
        )
        self.down_button = _button("ticketPriceDown", "−", "One tick lower")
        self.up_button = _button("ticketPriceUp", "+", "One tick higher")
        self.market_label = QLabel("", self)
        self.market_label.setObjectName("ticketMarketLabel")
        self.market_label.setProperty("tone", "muted")
        self.stop = _edit("ticketStopEdit", "Stop trigger price")
        self.value = _edit("ticketValueEdit", "Dollar amount to buy or sell (notional order)")
        self.bracket = QComboBox(self)
        self.bracket.setObjectName("ticketBracketMode")
        for mode, label in _BRACKETS:
            self.bracket.addItem(label, mode)
        self.profit = _edit("ticketProfitEdit", "Take-profit limit price (empty: no take-profit order)")
        self.bracket_stop = _edit(
            "ticketBracketStopEdit", "Stop trigger of the stop-loss order (empty: none)"
        )
        for combo in (self.order_type, self.tif, self.effect, self.bracket):
            _shrinkable(combo)
        self._layout()
        self._connect()
        self.sync()

    def _layout(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(4, 2, 4, 2)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(3)
        grid.addWidget(QLabel("Quantity"), 0, 0)
        grid.addWidget(self.size, 0, 1)
        grid.addWidget(self.order_type, 0, 2)
        tif = QHBoxLayout()
        tif.addWidget(self.tif)
        tif.addWidget(self.gtd_date)
        grid.addLayout(tif, 0, 3)
        grid.addWidget(QLabel("Price"), 1, 0)
        grid.addWidget(self.price, 1, 1)
        grid.addWidget(self.effect, 1, 2)
        buttons = QHBoxLayout()
        for b in (self.down_button, self.up_button, self.mid_button, self.natural_button):
            b.setMinimumWidth(28)
            buttons.addWidget(b)
        buttons.addStretch(1)
        grid.addLayout(buttons, 1, 3)
        grid.addWidget(self.market_label, 2, 1, 1, 3)
        self.stop_label, self.value_label = QLabel("Stop"), QLabel("Value $")
        grid.addWidget(self.stop_label, 3, 0)
        grid.addWidget(self.stop, 3, 1)
        grid.addWidget(self.value_label, 3, 2)
        grid.addWidget(self.value, 3, 3)
        grid.addWidget(QLabel("Bracket"), 4, 0)
        grid.addWidget(self.bracket, 4, 1, 1, 3)
        self.profit_label, self.bracket_stop_label = QLabel("Take profit"), QLabel("Stop at")
        grid.addWidget(self.profit_label, 5, 0)
        grid.addWidget(self.profit, 5, 1)
        grid.addWidget(self.bracket_stop_label, 5, 2)
        grid.addWidget(self.bracket_stop, 5, 3)
        grid.setColumnStretch(3, 1)

    def _connect(self) -> None:
        d = self.draft
        self.size.valueChanged.connect(lambda v: d.set_size(Decimal(str(v)).normalize()))
        self.order_type.activated.connect(lambda _i: d.set_order_type(self.order_type.currentData()))
        self.tif.activated.connect(lambda _i: self._tif_changed())
        self.gtd_date.dateChanged.connect(lambda _d: self._tif_changed())
        self.price.editingFinished.connect(self._price_typed)
        self.effect.activated.connect(lambda _i: d.set_effect(self.effect.currentData()))
        self.mid_button.clicked.connect(d.use_mid)
        self.natural_button.clicked.connect(d.use_natural)
        self.up_button.clicked.connect(lambda: self._nudge(1))
        self.down_button.clicked.connect(lambda: self._nudge(-1))
        self.stop.editingFinished.connect(lambda: d.set_stop_trigger(parse_price(self.stop.text())))
        self.value.editingFinished.connect(lambda: d.set_value(parse_price(self.value.text())))
        self.bracket.activated.connect(lambda _i: d.set_bracket(self.bracket.currentData()))
        self.profit.editingFinished.connect(self._bracket_typed)
        self.bracket_stop.editingFinished.connect(self._bracket_typed)
        d.changed.connect(self.sync)
        d.prices_changed.connect(self._show_market)

    # ---- user edits -----------------------------------------------------------------------
    def _price_typed(self) -> None:
        if not self.price.isModified():
            return
        self.price.setModified(False)
        self.draft.set_price(parse_price(self.price.text()))

    def _bracket_typed(self) -> None:
        edits = (self.profit, self.bracket_stop)
        if not any(e.isModified() for e in edits):
            return
        for e in edits:
            e.setModified(False)
        self.draft.set_bracket_prices(parse_price(self.profit.text()), parse_price(self.bracket_stop.text()))

    def _nudge(self, ticks: int) -> None:
        base = self.draft.price
        if base is None and self.draft.mid is not None:
            base = self.draft.mid[0]
        if base is not None and self.draft.legs:
            self.draft.set_price(nudge(base, self.draft.legs, ticks))

    def _tif_changed(self) -> None:
        tif = self.tif.currentData()
        day = None
        if tif is TimeInForce.GTD:
            day = self.gtd_date.date().toPython()
            if day <= date.today():
                day = date.today() + timedelta(days=7)
        self.draft.set_time_in_force(tif, day)

    # ---- showing the draft ------------------------------------------------------------------
    def _set_text(self, edit: QLineEdit, text: str) -> None:
        if edit.hasFocus() and edit.isModified():
            return  # the user is typing here
        if edit.text() != text:
            edit.setText(text)

    def _allowed(self) -> tuple[set[OrderType], set[TimeInForce]]:
        legs = self.draft.legs
        single = len(legs) == 1
        kinds = {leg.instrument_type for leg in legs}
        types = {OrderType.LIMIT}
        if single:
            types |= {OrderType.MARKET, OrderType.STOP, OrderType.STOP_LIMIT}
            if kinds <= {InstrumentType.EQUITY.value, InstrumentType.CRYPTOCURRENCY.value}:
                types.add(OrderType.NOTIONAL_MARKET)
        tifs = {TimeInForce.DAY, TimeInForce.GTC, TimeInForce.GTD}
        if single and kinds == {InstrumentType.EQUITY.value}:
            tifs |= {TimeInForce.EXT, TimeInForce.GTC_EXT}
        return types, tifs

    def sync(self) -> None:
        d = self.draft
        types, tifs = self._allowed()
        for combo, allowed in ((self.order_type, types), (self.tif, tifs)):
            model = combo.model()
            for i in range(combo.count()):
                model.item(i).setEnabled(combo.itemData(i) in allowed)  # type: ignore[attr-defined]
        crypto = any(leg.instrument_type == InstrumentType.CRYPTOCURRENCY.value for leg in d.legs)
        self.size.blockSignals(True)
        self.size.setDecimals(8 if crypto else 0)
        self.size.setValue(float(d.size))
        self.size.blockSignals(False)
        self.order_type.setCurrentIndex(self.order_type.findData(d.order_type))
        self.tif.setCurrentIndex(self.tif.findData(d.time_in_force))
        self.gtd_date.setVisible(d.time_in_force is TimeInForce.GTD)
        if d.gtc_date is not None:
            self.gtd_date.blockSignals(True)
            self.gtd_date.setDate(QDate(d.gtc_date))
            self.gtd_date.blockSignals(False)
        priced = d.order_type in (OrderType.LIMIT, OrderType.STOP_LIMIT)
        for w in (
            self.price,
            self.effect,
            self.mid_button,
            self.natural_button,
            self.up_button,
            self.down_button,
        ):
            w.setEnabled(priced and bool(d.legs))
        self._set_text(self.price, _money_text(d.price) if priced else "")
        self.price.setPlaceholderText("waiting for quotes" if priced and d.legs else "")
        self.price.setToolTip(
            "Limit price, following the live mid (type a price to fix it)"
            if d.price_auto
            else "Limit price as you set it (Mid follows the market again)"
        )
        self.effect.setCurrentIndex(self.effect.findData(d.price_effect))
        stopped = d.order_type in (OrderType.STOP, OrderType.STOP_LIMIT)
        self.stop.setVisible(stopped)
        self.stop_label.setVisible(stopped)
        self._set_text(self.stop, _money_text(d.stop_trigger))
        notional = d.order_type is OrderType.NOTIONAL_MARKET
        self.value.setVisible(notional)
        self.value_label.setVisible(notional)
        self._set_text(self.value, _money_text(d.value))
        self.bracket.setCurrentIndex(self.bracket.findData(d.bracket))
        bracketed = d.bracket is not BracketMode.NONE
        for w in (self.profit, self.profit_label, self.bracket_stop, self.bracket_stop_label):
            w.setVisible(bracketed)
        self._set_text(self.profit, _money_text(d.profit_price))
        self._set_text(self.bracket_stop, _money_text(d.bracket_stop))
        self._show_market()

    def _show_market(self) -> None:
        d = self.draft

        def text(value: tuple[Decimal, PriceEffect] | None) -> str:
            if value is None:
                return "—"
            return f"{fmt.price(value[0])} {'db' if value[1] is PriceEffect.DEBIT else 'cr'}"

        mode = "auto (mid)" if d.price_auto else "fixed"
        self.market_label.setText(f"mid {text(d.mid)}  ·  natural {text(d.natural)}  ·  price {mode}")
