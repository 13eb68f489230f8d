"""Activity dock <-> the REST client's paginated transactions, reloading after fills."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from desktop.ui.context import UiContext
from desktop.ui.docks.activity import ActivityPanel


def bind_activity_panel(ctx: UiContext) -> QWidget:
    async def fetch(
        account: str, start: date, end: date, types: tuple[str, ...] | None
    ) -> AsyncIterator[Any]:
        client = ctx.session.client
        if client is None:
            raise RuntimeError("not signed in")
        async for txn in client.transactions(account, start_date=start, end_date=end, types=types):
            yield txn

    panel = ActivityPanel(fetch)
    ctx.account.changed.connect(lambda number: panel.set_account(number if ctx.session.is_ready else ""))
    ctx.session.signed_out.connect(lambda: panel.set_account(""))
    # a fill books transactions: reload (once per burst of order events) when today is shown
    debounce = QTimer(panel)
    debounce.setSingleShot(True)
    debounce.setInterval(400)
    debounce.timeout.connect(panel.reload_if_showing_today)

    def order_updated(order: Any) -> None:
        if order.account_number == panel.account and (order.has_fills or order.status == "Filled"):
            debounce.start()

    ctx.portfolio.order_updated.connect(order_updated)
    if ctx.account.account_number and ctx.session.is_ready:
        panel.set_account(ctx.account.account_number)

    def ready() -> str | None:
        if not panel.account:
            return "no account selected"
        return None if panel.loaded_account == panel.account else "transactions not loaded"

    ctx.readiness.add("activity", ready)
    return panel
