"""The Orders dock: working orders (cancel, replace price) and today's filled/cancelled ones."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import format as fmt
from desktop.ui.context import UiContext
from desktop.ui.table import CENTER, RIGHT, Column, SpecTableModel
from desktop.ui.table_view import SpecTableView

log = logging.getLogger(__name__)


def legs_text(order: Any) -> str:
    """``"BTO 1 AAPL 15 May 26 190 C / STO 1 AAPL 15 May 26 200 C"``."""
    parts = []
    for leg in order.legs:
        qty = fmt.quantity(leg.quantity) if leg.quantity is not None else ""
        parts.append(
            f"{fmt.action_short(leg.action)} {qty} {fmt.describe_symbol(leg.symbol)}".replace("  ", " ")
        )
    return " / ".join(parts) or order.underlying_symbol


def price_text(order: Any) -> str:
    if order.price is None:
        return "market" if order.order_type == "Market" else ""
    effect = (order.price_effect or "").lower()
    suffix = " db" if effect == "debit" else " cr" if effect == "credit" else ""
    return f"{fmt.price(abs(order.price))}{suffix}"


def _status_tone(order: Any, status: str) -> str | None:
    if status in ("Filled",):
        return "positive"
    if status in ("Rejected", "Expired"):
        return "negative"
    if status in ("Cancelled", "Removed"):
        return "muted"
    return None


def _time(order: Any) -> Any:
    return order.terminal_at or order.live_at or order.received_at or order.updated_at


ORDER_COLUMNS: list[Column[Any]] = [
    Column("time", "Time", "Last change of the order, local time", _time, fmt.local_time, width=70),
    Column("underlying", "Underlying", "Underlying symbol", lambda o: o.underlying_symbol, width=80),
    Column("legs", "Order", "Legs: action, quantity, instrument", legs_text, width=330),
    Column("type", "Type", "Order type", lambda o: o.order_type, width=70),
    Column("size", "Qty", "Order quantity", lambda o: o.size, fmt.quantity, RIGHT, width=45),
    Column(
        "filled",
        "Filled",
        "Quantity filled so far",
        lambda o: o.filled_quantity,
        fmt.quantity,
        RIGHT,
        width=50,
    ),
    Column(
        "price",
        "Price",
        "Limit price; db = you pay (debit), cr = you receive (credit)",
        price_text,
        align=RIGHT,
        sort_key=lambda o: o.price,
        width=80,
    ),
    Column("tif", "TIF", "Time in force", lambda o: o.time_in_force, align=CENTER, width=45),
    Column(
        "status", "Status", "Live status from the account streamer", lambda o: o.status, tone=_status_tone
    ),
    Column("id", "Id", "Order id", lambda o: o.id, align=RIGHT, width=80),
]


class ReplacePriceDialog(QDialog):
    """Asks for the new limit price of a working order (same side and effect)."""

    def __init__(self, order: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("replacePriceDialog")
        self.setWindowTitle(f"Replace price of order {order.id}")
        self.price = QLineEdit(fmt.price(abs(order.price)) if order.price is not None else "", self)
        self.price.setObjectName("replacePriceValue")
        self.price.setToolTip(
            f"New limit price ({order.price_effect or 'same effect'}), same quantity and legs"
        )
        self.error = QLabel("", self)
        self.error.setProperty("tone", "negative")
        form = QFormLayout()
        form.addRow("Order", QLabel(legs_text(order), self))
        form.addRow("Current price", QLabel(price_text(order), self))
        form.addRow("New price", self.price)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Replace")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)

    def value(self) -> Decimal | None:
        try:
            v = Decimal(self.price.text().strip().replace(",", ""))
        except InvalidOperation:
            return None
        return v if v.is_finite() and v >= 0 else None

    def _accept(self) -> None:
        if self.value() is None:
            self.error.setText("Enter a price, e.g. 1.25")
            return
        self.accept()


class OrdersPanel(QWidget):
    """Working and finished orders; cancel/replace go through the callables it is given."""

    def __init__(
        self,
        cancel: Callable[[Any], object],
        replace_price: Callable[[Any, Decimal], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ordersView")
        self._cancel, self._replace = cancel, replace_price
        self.working: SpecTableModel[Any] = SpecTableModel(ORDER_COLUMNS, lambda o: o.id, parent=self)
        self.done: SpecTableModel[Any] = SpecTableModel(ORDER_COLUMNS, lambda o: o.id, parent=self)
        self.working_view = SpecTableView(self.working, "ordersWorkingTable", self)
        self.done_view = SpecTableView(self.done, "ordersDoneTable", self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("ordersTabs")
        self.tabs.addTab(self.working_view, "Working")
        self.tabs.addTab(self.done_view, "Filled / cancelled today")
        self.cancel_button = QPushButton("Cancel order", self)
        self.cancel_button.setObjectName("ordersCancel")
        self.cancel_button.setToolTip("Cancel the selected working orders (Delete)")
        self.replace_button = QPushButton("Replace price…", self)
        self.replace_button.setObjectName("ordersReplace")
        self.replace_button.setToolTip("Change the limit price of the selected working order")
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.replace_button.clicked.connect(self.replace_selected)
        self.read_only = False
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addStretch(1)
        bar.addWidget(self.replace_button)
        bar.addWidget(self.cancel_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addWidget(self.tabs, 1)
        cancel_act = QAction("Cancel order", self.working_view)
        cancel_act.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        cancel_act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        cancel_act.triggered.connect(self.cancel_selected)
        self.working_view.addAction(cancel_act)
        self.working_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.working_view.customContextMenuRequested.connect(self._menu)
        self.working_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.working.rowsRemoved.connect(self._update_buttons)
        self.loaded = False
        self._update_buttons()

    def set_orders(self, orders: Iterable[Any]) -> None:
        """All of today's orders: working ones on the first tab, terminal ones on the second."""
        working, done = [], []
        for o in orders:
            if o.id is None:
                continue
            (done if o.is_terminal else working).append(o)
        self.working.set_rows(working)
        self.done.set_rows(done)
        self.tabs.setTabText(0, f"Working ({len(working)})")
        self.tabs.setTabText(1, f"Filled / cancelled today ({len(done)})")
        self.loaded = True
        self._update_buttons()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._update_buttons()

    def _selected(self) -> list[Any]:
        rows = [self.working.row_for_key(k) for k in self.working_view.selected_keys()]
        return [o for o in rows if o is not None]

    def _update_buttons(self, *_: object) -> None:
        sel = self._selected()
        self.cancel_button.setEnabled(not self.read_only and any(o.cancellable for o in sel))
        self.replace_button.setEnabled(not self.read_only and len(sel) == 1 and sel[0].editable)

    def cancel_selected(self) -> None:
        if self.read_only:
            return
        for order in self._selected():
            if order.cancellable:
                self._cancel(order)

    def replace_selected(self) -> None:
        sel = self._selected()
        if len(sel) == 1:
            self.replace_order(sel[0])

    def replace_order(self, order: Any) -> None:
        """Ask for ``order``'s new limit price; replace it when the user confirms."""
        if self.read_only or not order.editable:
            return
        dlg = ReplacePriceDialog(order, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def accepted() -> None:
            price = dlg.value()
            if price is not None:
                self._replace(order, price)

        dlg.accepted.connect(accepted)
        dlg.open()  # not exec(): no nested event loop inside the asyncio loop

    def _menu(self, pos: QPoint) -> None:
        order = self.working_view.row_at(pos)
        if order is None or self.read_only:
            return
        menu = QMenu(self)
        menu.addAction("Cancel order", lambda: self._cancel(order)).setEnabled(order.cancellable)
        # the clicked order, not the selection (a right-click on one of several selected rows keeps them)
        menu.addAction("Replace price…", lambda: self.replace_order(order)).setEnabled(order.editable)
        menu.popup(self.working_view.viewport().mapToGlobal(pos))


def create_orders_panel(ctx: UiContext) -> QWidget:
    from desktop.ui.bindings.orders import bind_orders_panel

    return bind_orders_panel(ctx)
