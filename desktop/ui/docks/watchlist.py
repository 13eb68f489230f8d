"""The Watchlist dock: your watchlists (create, rename, add/remove, delete) and the public ones.

Rows are symbols; the live columns read the latest quote for the symbol at paint/refresh time
(:class:`~desktop.ui.live_quotes.LiveQuotes`), so a quote burst costs one refresh per tick.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import format as fmt
from desktop.ui.context import UiContext
from desktop.ui.table import RIGHT, Column, SpecTableModel
from desktop.ui.table_view import SpecTableView

log = logging.getLogger(__name__)

PUBLIC = "public"
USER = "user"


@dataclass(frozen=True, slots=True)
class WatchRow:
    symbol: str
    instrument_type: str


def watchlist_columns(
    quote: Callable[[str], Any], iv_rank: Callable[[str], Decimal | None]
) -> list[Column[WatchRow]]:
    """Columns over ``quote(symbol)`` (an object with bid, ask, last, change, change_pct)."""

    def q(attr: str) -> Callable[[WatchRow], Any]:
        return lambda r: getattr(quote(r.symbol), attr, None)

    def tone(_r: WatchRow, v: Any) -> str | None:
        return fmt.tone(v)

    return [
        Column(
            "symbol",
            "Symbol",
            "Symbol (double-click to load it into chart, chain and ticket)",
            lambda r: r.symbol,
            width=68,
        ),
        Column("last", "Last", "Last trade price", q("last"), fmt.price, RIGHT, width=84),
        Column(
            "change",
            "Change",
            "Change against the previous close",
            q("change"),
            fmt.signed_money,
            RIGHT,
            tone,
            58,
        ),
        Column(
            "change_pct",
            "Chg %",
            "Change in percent of the previous close",
            q("change_pct"),
            fmt.signed_percent,
            RIGHT,
            tone,
            58,
        ),
        Column("bid", "Bid", "Best bid", q("bid"), fmt.price, RIGHT, width=80),
        Column("ask", "Ask", "Best ask", q("ask"), fmt.price, RIGHT, width=80),
        Column(
            "iv_rank",
            "IV rank",
            "Implied-volatility rank: where today's IV sits in its 52-week range (0-100%)",
            lambda r: iv_rank(r.symbol),
            fmt.percent,
            RIGHT,
            width=56,
        ),
    ]


def _key(kind: str, name: str) -> str:
    return f"{kind}:{name}"


class WatchlistPanel(QWidget):
    """Pick a list, edit it (your lists only), see live quotes; emits what the user asks for."""

    list_chosen = Signal(str, str)  # kind (user/public), name
    create_requested = Signal(str)
    rename_requested = Signal(str, str)
    delete_requested = Signal(str)
    add_requested = Signal(str, str)  # list name, symbol
    remove_requested = Signal(str, list)  # list name, symbols
    symbol_activated = Signal(str, str)  # symbol, instrument type

    def __init__(self, columns: list[Column[WatchRow]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchlistView")
        self.store: Any = None  # the WatchlistStore and LiveQuotes, set by the binding
        self.quotes: Any = None
        self.model: SpecTableModel[WatchRow] = SpecTableModel(columns, lambda r: r.symbol, parent=self)
        self.table = SpecTableView(self.model, "watchlistTable", self)
        self.table.doubleClicked.connect(self._activated)
        self.picker = QComboBox(self)
        self.picker.setObjectName("watchlistPicker")
        self.picker.setToolTip("Your watchlists first, then Tastytrade's public ones (read-only)")
        self.picker.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(12)
        self.picker.currentIndexChanged.connect(self._picked)
        self.new_button = self._tool("+", "watchlistNew", "Create a new watchlist", self._new)
        self.rename_button = self._tool("✎", "watchlistRename", "Rename this watchlist", self._rename)
        self.delete_button = self._tool("✕", "watchlistDelete", "Delete this watchlist", self._delete)
        self.symbol_edit = QLineEdit(self)
        self.symbol_edit.setObjectName("watchlistSymbol")
        self.symbol_edit.setPlaceholderText("Add symbol…")
        self.symbol_edit.setToolTip("Type a symbol (AAPL, /ESM6, BTC/USD) and press Enter to add it")
        self.symbol_edit.returnPressed.connect(self._add)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setObjectName("watchlistRemove")
        self.remove_button.setToolTip("Remove the selected symbols from this watchlist (Delete)")
        self.remove_button.clicked.connect(self._remove)
        remove_act = QAction("Remove", self.table)
        remove_act.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        remove_act.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove_act.triggered.connect(self._remove)
        self.table.addAction(remove_act)
        top = QHBoxLayout()
        top.setContentsMargins(4, 2, 4, 2)
        top.addWidget(self.picker, 1)
        for b in (self.new_button, self.rename_button, self.delete_button):
            top.addWidget(b)
        edit = QHBoxLayout()
        edit.setContentsMargins(4, 0, 4, 2)
        edit.addWidget(self.symbol_edit, 1)
        edit.addWidget(self.remove_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(top)
        lay.addLayout(edit)
        lay.addWidget(self.table, 1)
        self._update_enabled()

    def _tool(self, text: str, name: str, tip: str, slot: Callable[[], None]) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setObjectName(name)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    # ---- lists -------------------------------------------------------------------------
    def set_lists(self, user: list[Any], public: list[Any]) -> None:
        """Fill the picker, keeping the current choice when it still exists."""
        current = self.current()
        self.picker.blockSignals(True)
        self.picker.clear()
        for w in user:
            self.picker.addItem(w.name, _key(USER, w.name))
        if user and public:
            self.picker.insertSeparator(self.picker.count())
        for w in public:
            self.picker.addItem(f"{w.name} (public)", _key(PUBLIC, w.name))
        i = self.picker.findData(_key(*current)) if current else -1
        self.picker.setCurrentIndex(i if i >= 0 else (0 if self.picker.count() else -1))
        self.picker.blockSignals(False)
        self._picked()

    def current(self) -> tuple[str, str] | None:
        """``(kind, name)`` of the chosen list (kind ``"user"`` or ``"public"``), or ``None``."""
        data = self.picker.currentData()
        if not data:
            return None
        kind, _, name = str(data).partition(":")
        return kind, name

    def select_list(self, kind: str, name: str) -> bool:
        i = self.picker.findData(_key(kind, name))
        if i >= 0:
            self.picker.setCurrentIndex(i)
        return i >= 0

    def set_symbols(self, entries: list[tuple[str, str]]) -> None:
        self.model.set_rows([WatchRow(s, t) for s, t in entries])

    def _picked(self, *_: object) -> None:
        cur = self.current()
        self._update_enabled()
        if cur:
            self.list_chosen.emit(*cur)
        else:
            self.model.clear()

    def _update_enabled(self) -> None:
        cur = self.current()
        mine = cur is not None and cur[0] == USER
        for w in (self.rename_button, self.delete_button, self.symbol_edit, self.remove_button):
            w.setEnabled(mine)
        if not mine and cur is not None:
            self.symbol_edit.setPlaceholderText("Public lists are read-only")
        else:
            self.symbol_edit.setPlaceholderText("Add symbol…")

    # ---- user actions ------------------------------------------------------------------
    # Dialogs open window-modal with open(), never exec(): no nested event loop in asyncio.
    def _ask_name(self, title: str, label: str, text: str, done: Callable[[str], None]) -> QInputDialog:
        dlg = QInputDialog(self)
        dlg.setObjectName("watchlistNameDialog")
        dlg.setWindowTitle(title)
        dlg.setLabelText(label)
        dlg.setTextValue(text)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.textValueSelected.connect(lambda value: value.strip() and done(value.strip()))
        dlg.open()
        return dlg

    def _new(self) -> None:
        self._ask_name("New watchlist", "Name:", "", self.create_requested.emit)

    def _rename(self) -> None:
        cur = self.current()
        if not cur or cur[0] != USER:
            return
        old = cur[1]
        self._ask_name(
            "Rename watchlist",
            "New name:",
            old,
            lambda new: new != old and self.rename_requested.emit(old, new),
        )

    def _delete(self) -> None:
        cur = self.current()
        if not cur or cur[0] != USER:
            return
        name = cur[1]
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete watchlist",
            f"Delete the watchlist {name!r} from your account?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("watchlistDeleteConfirm")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.accepted.connect(lambda: self.delete_requested.emit(name))
        box.open()

    def _add(self) -> None:
        cur = self.current()
        symbol = self.symbol_edit.text().strip().upper()
        if cur and cur[0] == USER and symbol:
            self.add_requested.emit(cur[1], symbol)
            self.symbol_edit.clear()

    def _remove(self) -> None:
        cur = self.current()
        keys = [str(k) for k in self.table.selected_keys()]
        if cur and cur[0] == USER and keys:
            self.remove_requested.emit(cur[1], keys)

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row(index.row())
        self.symbol_activated.emit(row.symbol, row.instrument_type)


def create_watchlist_panel(ctx: UiContext) -> QWidget:
    from desktop.ui.bindings.watchlist import bind_watchlist_panel

    return bind_watchlist_panel(ctx)
