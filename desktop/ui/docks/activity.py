"""The Activity dock: transactions with date range and type filters, paged loading, fees, CSV."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui import format as fmt
from desktop.ui.context import UiContext, describe_error
from desktop.ui.table import RIGHT, Column, SpecTableModel
from desktop.ui.table_view import SpecTableView
from desktop.ui.theme import set_tone

log = logging.getLogger(__name__)

TRANSACTION_TYPES = ("Trade", "Money Movement", "Receive Deliver", "Administrative Transfer")

#: ``fetch(account_number, start_date, end_date, types)`` -> transactions, newest first, paged.
FetchTransactions = Callable[[str, date, date, tuple[str, ...] | None], AsyncIterator[Any]]


def _tone(_row: Any, value: Decimal | None) -> str | None:
    return fmt.tone(value)


ACTIVITY_COLUMNS: list[Column[Any]] = [
    Column(
        "executed_at",
        "Time",
        "When it happened, in your local time",
        lambda t: t.executed_at,
        fmt.local_datetime,
        width=140,
    ),
    Column("type", "Type", "Transaction type", lambda t: t.transaction_type, width=110),
    Column(
        "sub_type",
        "Sub-type",
        "Transaction sub-type (e.g. Buy to Open, Dividend)",
        lambda t: t.transaction_sub_type,
    ),
    Column("symbol", "Symbol", "The instrument, if any", lambda t: t.symbol or "", width=170),
    Column("quantity", "Qty", "Quantity", lambda t: t.quantity, fmt.quantity, RIGHT, width=50),
    Column("price", "Price", "Price per share or contract", lambda t: t.price, fmt.price, RIGHT, width=70),
    Column(
        "value",
        "Value",
        "Gross value (credit positive, debit negative)",
        lambda t: t.value,
        fmt.money,
        RIGHT,
        _tone,
    ),
    Column(
        "fees",
        "Fees",
        "Commissions and fees of this line (what you paid is negative)",
        lambda t: t.fees,
        fmt.money,
        RIGHT,
        _tone,
        width=70,
    ),
    Column("net_value", "Net", "Net value after fees", lambda t: t.net_value, fmt.money, RIGHT, _tone),
    Column("description", "Description", "The broker's description", lambda t: t.description, width=320),
]


class TransactionsLoader(QObject):
    """Loads transactions page by page; one load at a time (a new one cancels the old)."""

    progress = Signal(int)  # rows so far
    finished = Signal(int)  # total rows
    failed = Signal(str)

    def __init__(
        self, fetch: FetchTransactions, model: SpecTableModel[Any], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._model = model
        self._task: asyncio.Task[None] | None = None
        self.loaded: list[Any] = []

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self, account: str, start: date, end: date, types: tuple[str, ...] | None) -> None:
        self.cancel()
        self._task = asyncio.ensure_future(self._run(account, start, end, types))

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None

    async def _run(self, account: str, start: date, end: date, types: tuple[str, ...] | None) -> None:
        rows: list[Any] = []
        self._model.clear()
        try:
            batch_at = 0
            async for txn in self._fetch(account, start, end, types):
                rows.append(txn)
                if len(rows) - batch_at >= 250:  # one repaint per page, not per row
                    batch_at = len(rows)
                    self._model.set_rows(rows)
                    self.progress.emit(len(rows))
            self._model.set_rows(rows)
            self.loaded = rows
            self.finished.emit(len(rows))
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.loaded = rows
            self._model.set_rows(rows)
            log.error("Loading activity for %s failed: %s", account, describe_error(exc))
            self.failed.emit(describe_error(exc))


class ActivityPanel(QWidget):
    """Transactions of the selected account with filters, progress, total fees and CSV export."""

    def __init__(self, fetch: FetchTransactions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("activityView")
        self.account = ""
        self.model: SpecTableModel[Any] = SpecTableModel(
            ACTIVITY_COLUMNS, lambda t: t.id or id(t), parent=self
        )
        self.table = SpecTableView(self.model, "activityTable", self)
        self.loader = TransactionsLoader(fetch, self.model, self)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addDays(-30), self)
        self.date_from.setObjectName("activityFrom")
        self.date_to = QDateEdit(today, self)
        self.date_to.setObjectName("activityTo")
        for w, tip in ((self.date_from, "First day to show"), (self.date_to, "Last day to show")):
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setToolTip(tip)
        self.type_filter = QComboBox(self)
        self.type_filter.setObjectName("activityType")
        self.type_filter.setToolTip("Show only one kind of transaction")
        self.type_filter.addItem("All types", None)
        for t in TRANSACTION_TYPES:
            self.type_filter.addItem(t, t)
        self.load_button = QPushButton("Load", self)
        self.load_button.setObjectName("activityLoad")
        self.load_button.setToolTip("Load the transactions for these dates and type")
        self.export_button = QPushButton("Export CSV…", self)
        self.export_button.setObjectName("activityExport")
        self.export_button.setToolTip("Save the rows as shown (columns, order, sort) to a CSV file")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("activityProgress")
        self.progress.setMaximumWidth(160)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.status = QLabel("", self)
        self.status.setObjectName("activityStatus")
        self.fees = QLabel("", self)
        self.fees.setObjectName("activityFees")
        self.fees.setToolTip("Commissions and fees of the transactions shown")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for w in (QLabel("From", self), self.date_from, QLabel("to", self), self.date_to, self.type_filter):
            bar.addWidget(w)
        bar.addWidget(self.load_button)
        bar.addWidget(self.progress)
        bar.addWidget(self.status)
        bar.addStretch(1)
        bar.addWidget(self.fees)
        bar.addWidget(self.export_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addWidget(self.table, 1)
        self.load_button.clicked.connect(self.reload)
        self.export_button.clicked.connect(self._export_clicked)
        self.loader.progress.connect(lambda n: self.status.setText(f"Loading… {n} so far"))
        self.loader.finished.connect(self._finished)
        self.loader.failed.connect(self._failed)
        self.loads_completed = 0
        self.loaded_account = ""  # the account whose transactions the table shows
        self._loading_account = ""

    # ---- loading -----------------------------------------------------------------------
    def set_account(self, account_number: str) -> None:
        self.account = account_number
        self.reload()

    def date_range(self) -> tuple[date, date]:
        start = self.date_from.date().toPython()
        end = self.date_to.date().toPython()
        return (start, end) if start <= end else (end, start)

    def types(self) -> tuple[str, ...] | None:
        t = self.type_filter.currentData()
        return (str(t),) if t else None

    def reload(self) -> None:
        set_tone(self.status, None)
        if not self.account:  # signed out: nothing to show, and no load left spinning
            self.loader.cancel()
            self.model.clear()
            self.progress.hide()
            self.status.setText("")
            self.fees.setText("")
            return
        start, end = self.date_range()
        self.progress.show()
        self.status.setText("Loading…")
        self._loading_account = self.account
        self.loader.start(self.account, start, end, self.types())

    def reload_if_showing_today(self) -> None:
        """After a fill: reload when today's activity is in view."""
        start, end = self.date_range()
        if self.account and start <= date.today() <= end + timedelta(days=1):
            self.reload()

    def _finished(self, count: int) -> None:
        self.progress.hide()
        self.loads_completed += 1
        self.loaded_account = self._loading_account
        self.status.setText(f"{count} transaction{'s' if count != 1 else ''}")
        total = sum((t.fees for t in self.loader.loaded), Decimal(0))
        self.fees.setText(f"Total fees: {fmt.money(total)}")

    def _failed(self, message: str) -> None:
        self.progress.hide()
        self.status.setText(f"Could not load: {message}")
        set_tone(self.status, "negative")

    # ---- export ------------------------------------------------------------------------
    def _export_clicked(self) -> None:
        start, end = self.date_range()
        suggested = f"tastydesk-activity-{self.account}-{start}-{end}.csv"
        dlg = QFileDialog(self, "Export activity", suggested, "CSV files (*.csv)")
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix("csv")
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.fileSelected.connect(lambda path: self.export(Path(path)))
        dlg.open()  # not exec(): no nested event loop inside the asyncio loop

    def export(self, path: Path) -> int:
        try:
            n = self.table.export_csv(path)
        except OSError as exc:
            log.error("Could not write %s: %s", path, exc)
            return 0
        logging.getLogger("desktop.messages").info("Exported %d transactions to %s", n, path)
        return n


def create_activity_panel(ctx: UiContext) -> QWidget:
    from desktop.ui.bindings.activity import bind_activity_panel

    return bind_activity_panel(ctx)
