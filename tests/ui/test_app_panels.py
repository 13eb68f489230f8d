"""Panel actions end to end against the live exchange: watchlists, cancel/replace, filters, links."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt

from desktop.ui.context import OrderRequest, SymbolSelection
from desktop.ui.docks.orders import ReplacePriceDialog
from desktop.ui.docks.watchlist import USER
from tests.conftest import wait_for
from tests.ui.conftest import started

LOAD_S = 30.0


async def test_watchlists_are_created_edited_and_deleted_on_the_account(make_desk) -> None:
    async with started(make_desk()) as desk:
        panel = desk.window.panels["watchlistPanel"]
        await wait_for(lambda: panel.store.loaded, LOAD_S)
        client = desk.session.client

        async def server_symbols(name: str) -> tuple[str, ...] | None:
            lists = {w.name: w for w in await client.watchlists()}
            return lists[name].symbols if name in lists else None

        panel.create_requested.emit("Semis")
        await wait_for(lambda: panel.current() == (USER, "Semis"), 10)
        assert await server_symbols("Semis") == ()

        panel.symbol_edit.setText("nvda")
        panel.symbol_edit.returnPressed.emit()
        await wait_for(lambda: panel.model.keys() == ["NVDA"], 10)
        assert await server_symbols("Semis") == ("NVDA",)
        await wait_for(lambda: panel.quotes.quote("NVDA") is not None, 15)
        await wait_for(lambda: panel.model.text(0, panel.model.column_index("bid")) != "", 5)

        panel.rename_requested.emit("Semis", "Chips")
        await wait_for(lambda: panel.current() == (USER, "Chips"), 10)
        assert await server_symbols("Semis") is None and await server_symbols("Chips") == ("NVDA",)

        panel.remove_requested.emit("Chips", ["NVDA"])
        await wait_for(lambda: panel.model.rowCount() == 0, 10)
        assert await server_symbols("Chips") == ()

        panel.delete_requested.emit("Chips")
        await wait_for(lambda: not panel.select_list(USER, "Chips"), 10)
        assert await server_symbols("Chips") is None
        assert any("Deleted watchlist 'Chips'" in m for m in desk.window.messages_panel.lines())


async def test_a_futures_product_streams_its_front_month_in_a_sorted_watchlist(make_desk) -> None:
    async with started(make_desk()) as desk:
        panel = desk.window.panels["watchlistPanel"]
        await wait_for(lambda: panel.store.loaded and panel.model.index_of("/ES") >= 0, LOAD_S)
        await wait_for(lambda: panel.quotes.quote("/ES") is not None, LOAD_S)
        panel.table.sortByColumn(panel.model.column_index("symbol"), Qt.SortOrder.DescendingOrder)
        assert panel.select_list(USER, "Tech") and panel.model.rowCount() > 0
        assert panel.select_list(USER, "My Watchlist")  # shown again, sorted by the user
        assert panel.quotes.quote("/ES") is None, "a product root has no quote of its own"
        await wait_for(lambda: panel.quotes.quote("/ES") is not None, LOAD_S)
        assert panel.quotes.streamer_symbol("/ES").startswith("/ES")


async def test_public_watchlists_are_read_only(make_desk) -> None:
    async with started(make_desk()) as desk:
        panel = desk.window.panels["watchlistPanel"]
        await wait_for(lambda: panel.store.loaded and panel.store.public, LOAD_S)
        public = panel.store.public[0].name
        assert panel.select_list("public", public)
        assert not panel.symbol_edit.isEnabled() and not panel.delete_button.isEnabled()
        await wait_for(lambda: panel.model.rowCount() > 0, 10)


async def test_cancel_and_replace_price_of_working_orders(make_desk) -> None:
    async with started(make_desk()) as desk:
        orders = desk.window.panels["ordersPanel"]
        await wait_for(lambda: orders.loaded and orders.working.rowCount() >= 2, LOAD_S)
        first, second = orders.working.rows()[:2]

        orders.working_view.select_key(first.id)
        assert orders.cancel_button.isEnabled()
        orders.cancel_button.click()
        await wait_for(lambda: orders.done.row_for_key(first.id) is not None, LOAD_S)
        assert orders.done.row_for_key(first.id).status == "Cancelled"
        assert orders.working.row_for_key(first.id) is None

        orders.working_view.clearSelection()
        orders.working_view.select_key(second.id)
        assert orders.replace_button.isEnabled()
        orders.replace_button.click()
        dialog = orders.findChild(ReplacePriceDialog)
        assert dialog is not None
        new_price = abs(second.price) - Decimal("0.50")
        dialog.price.setText(str(new_price))
        dialog.accept()
        await wait_for(lambda: orders.working.row_for_key(second.id) is None, LOAD_S)
        await wait_for(
            lambda: any(
                o.replaces_order_id == second.id or abs(o.price) == new_price for o in orders.working.rows()
            ),
            LOAD_S,
        )
        replacement = next(o for o in orders.working.rows() if abs(o.price) == new_price)
        assert replacement.legs[0].symbol == second.legs[0].symbol and replacement.size == second.size
        assert orders.done.row_for_key(second.id).status == "Cancelled"


async def test_activity_type_filter_asks_the_server(make_desk) -> None:
    async with started(make_desk()) as desk:
        activity = desk.window.panels["activityPanel"]
        await wait_for(lambda: activity.loaded_account == activity.account != "", LOAD_S)
        everything = {t.transaction_type for t in activity.loader.loaded}
        activity.date_from.setDate(activity.date_from.date().addDays(-3650))
        activity.type_filter.setCurrentIndex(activity.type_filter.findData("Money Movement"))
        loads = activity.loads_completed
        activity.load_button.click()
        await wait_for(lambda: activity.loads_completed > loads, LOAD_S)
        kinds = {t.transaction_type for t in activity.loader.loaded}
        assert kinds == {"Money Movement"}, "the demo account's deposit, and nothing else"
        assert activity.model.rowCount() == len(activity.loader.loaded)
        assert everything, "the demo account has activity"
        assert activity.fees.text().startswith("Total fees:")


async def test_double_click_and_close_position_reach_the_other_panels(make_desk) -> None:
    async with started(make_desk()) as desk:
        positions = desk.window.panels["positionsPanel"]
        await wait_for(lambda: positions.loaded and positions.lines(), LOAD_S)
        selections: list[SymbolSelection] = []
        requests: list[OrderRequest] = []
        desk.ctx.bus.symbol_selected.connect(selections.append)
        desk.ctx.bus.order_requested.connect(requests.append)
        line = positions.lines()[0]
        row = positions.model.index_of(line.key)
        positions.table.doubleClicked.emit(positions.model.index(row, 0))
        assert selections[-1].symbol == line.symbol and selections[-1].source == "positionsPanel"

        desk.window.docks["orderTicket"].hide()
        positions._close(line)
        assert requests and requests[-1].legs[0].symbol == line.symbol
        assert requests[-1].legs[0].quantity == abs(line.quantity)
        assert desk.window.docks["orderTicket"].isVisible(), "the ticket opens to review the close"
