"""The chain table view (``chainTable``): clicks on bids and asks, expiration rows, context menu.

A click on a bid asks for a sell leg, on an ask for a buy leg (``leg_requested``); a click on
an expiration row expands or collapses it (``expiration_toggled``). The right-click menu offers
buy/sell of the call or put under the mouse, a quantity, and "add opposite side" (the same
action on the other option type at the mirror strike across the money). ``visible_changed``
fires when scrolling, resizing or new rows change what is on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import QMenu, QWidget

from desktop.ui.table_view import SpecTableView

from .model import ChainModel
from .rows import ExpirationRow, StrikeRow

__all__ = ["QUANTITIES", "ChainTableView"]

QUANTITIES = (1, 2, 3, 5, 10)


class ChainTableView(SpecTableView):
    """Signals: ``leg_requested(StrikeRow, side, buy, count)``, ``opposite_requested(StrikeRow,
    side, buy)``, ``expiration_toggled(key)``, ``visible_changed()``."""

    leg_requested = Signal(object, str, bool, int)
    opposite_requested = Signal(object, str, bool)
    expiration_toggled = Signal(object)
    visible_changed = Signal()
    resized = Signal()

    def __init__(self, model: ChainModel, parent: QWidget | None = None) -> None:
        super().__init__(model, "chainTable", parent)
        self.chain_model = model
        self.setSortingEnabled(False)
        self.setAlternatingRowColors(False)
        self.setSelectionMode(SpecTableView.SelectionMode.NoSelection)
        self.horizontalHeader().setSectionsMovable(False)
        self.horizontalHeader().setSortIndicatorShown(False)
        self.setMouseTracking(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.clicked.connect(self._clicked)
        self.verticalScrollBar().valueChanged.connect(lambda *_: self.visible_changed.emit())
        for signal in (model.rowsInserted, model.rowsRemoved, model.layoutChanged, model.modelReset):
            signal.connect(self._rows_changed)

    # ---- rows -------------------------------------------------------------------------
    def _rows_changed(self, *_: object) -> None:
        self.clearSpans()
        columns = self.chain_model.columnCount()
        for r in range(self.chain_model.rowCount()):
            if isinstance(self.chain_model.row(r), ExpirationRow):
                self.setSpan(r, 0, 1, columns)
        self.visible_changed.emit()

    def visible_rows(self, margin: int = 4) -> range:
        """Rows on screen (plus ``margin`` either side); before the first layout, the first
        screenful from the scroll position."""
        count = self.chain_model.rowCount()
        if count == 0:
            return range(0)
        height = self.viewport().height()
        first = self.rowAt(0)
        if first < 0:
            first = 0
        last = self.rowAt(height - 1) if height > 40 and self.isVisible() else -1
        if last < 0:
            per_row = max(self.verticalHeader().defaultSectionSize(), 1)
            last = first + max(height, 30 * per_row) // per_row
        return range(max(first - margin, 0), min(last + margin + 1, count))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.visible_changed.emit()
        self.resized.emit()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.visible_changed.emit()

    # ---- clicks -----------------------------------------------------------------------
    def _clicked(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.chain_model.row(index.row())
        if isinstance(row, ExpirationRow):
            self.expiration_toggled.emit(row.key)
            return
        key = self.chain_model.bid_ask_key(index.column())
        if key is not None:
            self.leg_requested.emit(row, key[0].upper(), key.endswith("ask"), 1)

    def _menu(self, pos: QPoint) -> None:
        index = self.indexAt(pos)
        if not index.isValid():
            return
        row = self.chain_model.row(index.row())
        if not isinstance(row, StrikeRow):
            return
        side = self.chain_model.cell_side(index.column()) or "C"
        name = "call" if side == "C" else "put"
        strike = f"{row.strike.strike.normalize():f}"
        menu = QMenu(self)
        menu.setObjectName("chainMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        for buy in (True, False):
            verb = "Buy" if buy else "Sell"
            act = menu.addAction(f"{verb} the {strike} {name}")
            act.setObjectName(f"chain{verb}")
            act.triggered.connect(lambda _=False, b=buy: self.leg_requested.emit(row, side, b, 1))
        for buy in (True, False):
            verb = "Buy" if buy else "Sell"
            sub = menu.addMenu(f"{verb} a quantity")
            for n in QUANTITIES:
                act = sub.addAction(f"{verb} {n} × {strike} {name}")
                act.triggered.connect(lambda _=False, b=buy, n=n: self.leg_requested.emit(row, side, b, n))
        menu.addSeparator()
        other = "put" if side == "C" else "call"
        for buy in (True, False):
            verb = "buy" if buy else "sell"
            act = menu.addAction(f"Add opposite side: {verb} the mirror {other}")
            act.setToolTip(f"{verb.capitalize()} the {other} as far from the money as this {name}")
            act.setObjectName(f"chainOpposite{verb.capitalize()}")
            act.triggered.connect(lambda _=False, b=buy: self.opposite_requested.emit(row, side, b))
        menu.popup(self.viewport().mapToGlobal(pos))
        self.last_menu = menu
