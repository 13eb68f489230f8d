"""The whole app against the live test exchange: Demo start, fills, reconnects, persistence."""

from __future__ import annotations

import asyncio
import csv
import time
from decimal import Decimal

from PySide6.QtCore import Qt

from desktop.core.orders import NewOrder, OrderLeg
from desktop.ui.shell import TastyDesk
from tests.conftest import wait_for
from tests.ui.conftest import started

MAIN, READ_ONLY = "5WT00001", "5WT00003"
LOAD_S = 30.0


def panel(desk: TastyDesk, name: str):
    return desk.window.panels[name]


async def test_demo_start_signs_in_and_fills_every_panel(make_desk) -> None:
    async with started(make_desk()) as desk:
        ctx = desk.ctx
        await wait_for(lambda: not ctx.readiness.missing(), LOAD_S)
        w = desk.window
        assert "DEMO" in w.windowTitle() and "DEMO" in w.env_badge.text()
        account = panel(desk, "accountPanel")
        assert account.picker.count() == 3
        assert account.current_account() == MAIN
        assert Decimal(account.value_text("net_liq").replace(",", "")) > 0
        for key in ("cash", "equity_bp", "derivative_bp", "maintenance"):
            assert account.value_text(key) != "", key
        positions = panel(desk, "positionsPanel")
        lines = positions.lines()
        assert lines and all(ln.mark is not None for ln in lines)
        groups = [r for r in positions.model.rows() if r.is_group]
        assert groups and all(
            positions.model.rows()[positions.model.index_of(g.key) + 1].group == g.group for g in groups
        )
        day_pl = account.value_text("day_pl")
        assert day_pl and f"Day P/L {day_pl}" in positions.totals.text(), "one day P/L, one source"
        orders = panel(desk, "ordersPanel")
        assert orders.working.rowCount() > 0, "the demo account has working orders"
        assert all(not o.is_terminal for o in orders.working.rows())
        assert panel(desk, "activityPanel").loads_completed >= 1
        watch = panel(desk, "watchlistPanel")
        assert watch.model.rowCount() > 0 and watch.store.loaded
        assert w.status.states["rest"] == "connected"
        await wait_for(lambda: w.status.states["dxlink"] == "connected", LOAD_S)
        await wait_for(lambda: w.status.states["streamer"] == "connected", LOAD_S)
        assert any("Signed in to Demo" in line for line in w.messages_panel.lines())


async def test_a_fill_updates_positions_balances_orders_and_activity(make_desk, exchange) -> None:
    async with started(make_desk()) as desk:
        ctx = desk.ctx
        await wait_for(lambda: not ctx.readiness.missing(), LOAD_S)
        positions, orders = panel(desk, "positionsPanel"), panel(desk, "ordersPanel")
        account, activity = panel(desk, "accountPanel"), panel(desk, "activityPanel")
        before_qty = {ln.symbol: ln.quantity for ln in positions.lines()}
        cash_before = account.value_text("cash")
        loads_before = activity.loads_completed
        symbol = "MSFT" if "MSFT" not in before_qty else "AAPL"
        ticket = NewOrder(
            order_type="Market",
            time_in_force="Day",
            legs=(
                OrderLeg(instrument_type="Equity", symbol=symbol, action="Buy to Open", quantity=Decimal(3)),
            ),
        )
        placed = await desk.session.client.place_order(MAIN, ticket.to_json())
        order_id = placed.order.id

        await wait_for(lambda: orders.done.row_for_key(order_id) is not None, LOAD_S)
        assert orders.done.row_for_key(order_id).status == "Filled"
        await wait_for(lambda: symbol in {ln.symbol for ln in positions.lines()}, LOAD_S)
        line = next(ln for ln in positions.lines() if ln.symbol == symbol)
        assert line.quantity == (before_qty.get(symbol) or 0) + 3
        await wait_for(lambda: account.value_text("cash") != cash_before, LOAD_S)
        await wait_for(lambda: activity.loads_completed > loads_before, LOAD_S)
        await wait_for(lambda: any(t.order_id == order_id for t in activity.loader.loaded), LOAD_S)
        await wait_for(
            lambda: any("Filled" in m and str(order_id) in m for m in desk.window.messages_panel.lines()), 5
        )


async def test_dropped_dxlink_shows_in_the_status_bar_and_recovers(make_desk, exchange) -> None:
    async with started(make_desk()) as desk:
        bar = desk.window.status
        await wait_for(lambda: bar.states["dxlink"] == "connected", LOAD_S)
        await wait_for(lambda: bar.quote_age_seconds() is not None, LOAD_S)
        reconnects_before = desk.hub.stats.reconnect_attempts
        seen: list[str] = []
        desk.hub.connection_state_changed.connect(lambda state, _detail: seen.append(state))
        await asyncio.to_thread(exchange.admin, "actions/drop-dxlink", {})
        await wait_for(lambda: any(s != "connected" for s in seen), 15)
        await wait_for(lambda: bar.states["dxlink"] == "connected" and seen[-1] == "connected", LOAD_S)
        assert desk.hub.stats.reconnect_attempts > reconnects_before
        assert bar.reconnects.text() != "Reconnects: 0"
        reconnected_at = time.monotonic()

        def quote_since_reconnect() -> bool:
            age = bar.quote_age_seconds()
            return age is not None and time.monotonic() - age > reconnected_at

        await wait_for(quote_since_reconnect, 20)  # quotes flow again on the new connection


async def test_layout_persists_across_a_restart(make_desk, tmp_path) -> None:
    settings = tmp_path / "layout.ini"
    first = make_desk(settings)
    await first.start("demo")
    await wait_for(lambda: panel(first, "positionsPanel").loaded, LOAD_S)
    first.window.docks["watchlistPanel"].hide()
    table = panel(first, "positionsPanel").table
    table.horizontalHeader().resizeSection(0, 231)
    table.sortByColumn(table.spec_model.column_index("day_pl"), Qt.SortOrder.DescendingOrder)
    first.window.close()
    await first.shutdown()

    second = make_desk(settings)
    await second.start("demo")
    assert not second.window.docks["watchlistPanel"].isVisible()
    table2 = panel(second, "positionsPanel").table
    assert table2.horizontalHeader().sectionSize(0) == 231
    assert table2.spec_model.sort_state[0] == table2.spec_model.column_index("day_pl")


async def test_csv_export_writes_what_the_activity_table_shows(make_desk, tmp_path) -> None:
    async with started(make_desk()) as desk:
        activity = panel(desk, "activityPanel")
        await wait_for(lambda: activity.loads_completed >= 1 and activity.model.rowCount() > 0, LOAD_S)
        activity.table.horizontalHeader().setSectionHidden(activity.model.column_index("description"), True)
        activity.table.sortByColumn(activity.model.column_index("net_value"), Qt.SortOrder.AscendingOrder)
        path = tmp_path / "activity.csv"
        assert activity.export(path) == activity.model.rowCount()
        with path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        headers, shown = activity.table.displayed_table()
        assert rows[0] == headers and "Description" not in headers
        assert rows[1:] == shown


async def test_read_only_account_cannot_open_order_entry(make_desk) -> None:
    async with started(make_desk()) as desk:
        await wait_for(lambda: panel(desk, "accountPanel").picker.count() == 3, LOAD_S)
        account = panel(desk, "accountPanel")
        assert account.select_account(READ_ONLY)
        await wait_for(lambda: desk.ctx.account.account_number == READ_ONLY, LOAD_S)
        ticket = desk.window.docks["orderTicket"]
        assert desk.ctx.account.read_only
        assert "read-only" in account.authority.text()
        assert not ticket.isVisible() and not ticket.toggleViewAction().isEnabled()
        desk.window.new_order_action.trigger()
        assert not ticket.isVisible()
        assert not desk.window.show_order_entry()
        orders = panel(desk, "ordersPanel")
        assert orders.read_only and not orders.cancel_button.isEnabled()


async def test_dropped_account_streamer_shows_and_recovers_with_a_resync(make_desk, exchange) -> None:
    async with started(make_desk()) as desk:
        bar = desk.window.status
        await wait_for(lambda: bar.states["streamer"] == "connected", LOAD_S)
        seen: list[str] = []
        desk.portfolio.streamer_state_changed.connect(lambda state, _detail: seen.append(state))
        await asyncio.to_thread(exchange.admin, "actions/drop-account-streamer", {})
        await wait_for(lambda: "reconnecting" in seen, 15)
        await wait_for(lambda: bar.states["streamer"] == "connected" and seen[-1] == "connected", LOAD_S)
        assert bar.reconnects.text() != "Reconnects: 0"
        # the resync after the reconnect keeps every panel filled
        assert desk.window.panels["positionsPanel"].lines()
        assert desk.window.panels["ordersPanel"].working.rowCount() > 0
