"""Fill notifications: a desktop notification and a line in Messages for every (partial) fill."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon

from desktop.ui import format as fmt
from desktop.ui.docks.orders import legs_text

messages = logging.getLogger("desktop.messages")


def fill_text(order: Any, newly_filled: Decimal) -> str:
    size = order.size or Decimal(0)
    filled = order.filled_quantity
    prices = [f.fill_price for leg in order.legs for f in leg.fills if f.fill_price is not None]
    at = f" @ {fmt.price(prices[-1])}" if len(order.legs) == 1 and prices else ""
    part = (
        "Filled"
        if order.status == "Filled"
        else f"Partially filled ({fmt.quantity(filled)} of {fmt.quantity(size)})"
    )
    return f"{part}: {legs_text(order)}{at} (order {order.id}, account {order.account_number})"


class FillNotifier(QObject):
    """Watches order updates; announces each increase of an order's filled quantity once."""

    filled = Signal(object)  # the Order

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._filled: dict[int, Decimal] = {}
        self._tray: QSystemTrayIcon | None = None
        self.last_text = ""

    def prime(self, orders: list[Any]) -> None:
        """Remember what is already filled (at load), so old fills are not announced again."""
        for o in orders:
            if o.id is not None:
                self._filled[o.id] = max(self._filled.get(o.id, Decimal(0)), o.filled_quantity)

    def order_updated(self, order: Any) -> None:
        if order.id is None:
            return
        before = self._filled.get(order.id, Decimal(0))
        now = order.filled_quantity
        if order.status == "Filled" and now == 0 and order.size:
            now = order.size  # some feeds send the final status before the fills
        if now <= before:
            return
        self._filled[order.id] = now
        self.last_text = fill_text(order, now - before)
        messages.info("%s", self.last_text)
        self._notify(self.last_text)
        self.filled.emit(order)

    def _notify(self, text: str) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable() or not QSystemTrayIcon.supportsMessages():
            return
        if self._tray is None:
            app = QApplication.instance()
            icon = app.windowIcon() if isinstance(app, QApplication) else QIcon()
            if icon.isNull() and isinstance(app, QApplication):
                icon = app.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton)
            self._tray = QSystemTrayIcon(icon, self)
            self._tray.setToolTip("TastyDesk")
            self._tray.show()
        self._tray.showMessage("TastyDesk: order filled", text, QSystemTrayIcon.MessageIcon.Information, 6000)
