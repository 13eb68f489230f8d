"""Panel logic that needs no exchange: orders split, closing orders, replacements, fills, CLI."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QMenu

from desktop.__main__ import parse_args
from desktop.api.models import Account, Balance, Order
from desktop.api.models.transactions import Transaction
from desktop.ui.bindings.orders import replacement_with_price
from desktop.ui.bindings.positions import closing_request
from desktop.ui.docks.account import AccountPanel
from desktop.ui.docks.activity import ActivityPanel
from desktop.ui.docks.orders import OrdersPanel, ReplacePriceDialog, legs_text, price_text
from desktop.ui.docks.positions import PositionLine, PositionsPanel, group_lines
from desktop.ui.notifications import FillNotifier
from desktop.ui.shell import choose_environment
from desktop.ui.theme import ThemeManager
from tests.conftest import wait_for


def order(order_id: int, status: str, *, fills: int = 0, price: str = "1.25", effect: str = "Debit") -> Order:
    leg = {
        "instrument-type": "Equity Option",
        "symbol": "AAPL  260515C00190000",
        "action": "Buy to Open",
        "quantity": 2,
        "remaining-quantity": 2 - fills,
        "fills": [{"fill-id": f"f{i}", "quantity": 1, "fill-price": "1.20"} for i in range(fills)],
    }
    return Order.from_wire(
        {
            "id": order_id,
            "account-number": "5WT00001",
            "time-in-force": "Day",
            "order-type": "Limit",
            "size": 2,
            "underlying-symbol": "AAPL",
            "underlying-instrument-type": "Equity",
            "price": price,
            "price-effect": effect,
            "status": status,
            "cancellable": status == "Live",
            "editable": status == "Live",
            "legs": [leg],
        }
    )


def line(symbol: str, group: str, qty: str, **kw: object) -> PositionLine:
    values: dict[str, object] = {
        "key": symbol,
        "group": group,
        "is_group": False,
        "symbol": symbol,
        "instrument_type": "Equity Option" if len(symbol) > 15 else "Equity",
        "quantity": Decimal(qty),
        "average_open_price": Decimal("1"),
        "mark": Decimal("1.5"),
        "open_pl": Decimal("10"),
        "day_pl": Decimal("-2"),
        "delta": 50.0,
        "theta": -3.0,
        "vega": 4.0,
        "beta_delta": 40.0,
        "dte": 30,
    }
    values.update(kw)
    return PositionLine(**values)  # type: ignore[arg-type]


def test_orders_split_into_working_and_finished_and_read_only_blocks_actions(qtbot) -> None:
    cancelled: list[int] = []
    panel = OrdersPanel(lambda o: cancelled.append(o.id), lambda o, p: None)
    qtbot.addWidget(panel)
    panel.set_orders([order(1, "Live"), order(2, "Filled", fills=2), order(3, "Cancelled")])
    assert panel.working.keys() == [1]
    assert sorted(panel.done.keys()) == [2, 3]
    assert panel.tabs.tabText(0) == "Working (1)"
    panel.working_view.selectRow(0)
    assert panel.cancel_button.isEnabled() and panel.replace_button.isEnabled()
    panel.cancel_button.click()
    assert cancelled == [1]
    panel.set_read_only(True)
    assert not panel.cancel_button.isEnabled()
    panel.cancel_selected()
    assert cancelled == [1], "a read-only account never reaches cancel"
    panel.set_orders([order(1, "Filled", fills=2)])
    assert panel.working.rowCount() == 0 and panel.done.row_for_key(1) is not None


def _choose_from_menu(widget, text: str) -> None:
    """What a click on the open context menu's item ``text`` does: trigger it, close the menu."""
    menus = [m for m in widget.findChildren(QMenu) if m.isVisible()]
    assert len(menus) == 1, "one context menu is open"
    next(a for a in menus[0].actions() if a.text().startswith(text)).trigger()
    menus[0].close()


def test_context_menus_act_on_the_row_that_was_clicked(qtbot) -> None:
    orders = OrdersPanel(lambda o: None, lambda o, p: None)
    qtbot.addWidget(orders)
    orders.resize(900, 300)
    orders.show()
    orders.set_orders([order(1, "Live"), order(2, "Live")])
    orders.working_view.selectAll()  # a right-click on one of several selected rows keeps them all
    row = orders.working.index_of(2)
    orders._menu(orders.working_view.visualRect(orders.working.index(row, 0)).center())
    _choose_from_menu(orders, "Replace price")
    dialog = orders.findChild(ReplacePriceDialog)
    assert dialog is not None and dialog.windowTitle().endswith("order 2")
    dialog.reject()

    selected: list[str] = []
    positions = PositionsPanel(lambda sel: selected.append(sel.symbol), lambda ln: None)
    qtbot.addWidget(positions)
    positions.resize(900, 300)
    positions.show()
    positions.set_lines([line("AAPL", "AAPL", "100"), line("SPY", "SPY", "10")])
    row = positions.model.index_of("SPY")
    positions._menu(positions.table.visualRect(positions.model.index(row, 0)).center())
    positions.set_lines([line("AAPL", "AAPL", "100"), line("MSFT", "MSFT", "5"), line("SPY", "SPY", "10")])
    _choose_from_menu(positions, "Load into")  # rows moved while the menu was open
    assert selected == ["SPY"]


def test_order_texts_say_what_the_order_is() -> None:
    o = order(1, "Live")
    assert legs_text(o) == "BTO 2 AAPL 15 May 26 190 C"
    assert price_text(o) == "1.25 db"
    assert price_text(order(2, "Live", effect="Credit")) == "1.25 cr"


def test_replacement_keeps_the_order_and_changes_only_the_price() -> None:
    o = order(7, "Live")
    new = replacement_with_price(o, Decimal("1.30"))
    wire = json.loads(new.to_json())
    assert wire["price"] == "1.3" or Decimal(wire["price"]) == Decimal("1.30")
    assert wire["price-effect"] == "Debit"
    assert wire["legs"] == [
        {
            "instrument-type": "Equity Option",
            "symbol": "AAPL  260515C00190000",
            "action": "Buy to Open",
            "quantity": 2,
        }
    ]


def test_closing_request_reverses_the_position() -> None:
    long_call = line("AAPL  260515C00190000", "AAPL", "2")
    req = closing_request(long_call, "5WT00001")
    assert [(leg.action, leg.quantity) for leg in req.legs] == [("Sell to Close", Decimal(2))]
    assert req.price_effect == "Credit" and req.price == Decimal("1.5")
    short_stock = line("AAPL", "AAPL", "-100", instrument_type="Equity")
    assert closing_request(short_stock, "5WT00001").legs[0].action == "Buy to Close"
    future = line("/ESM6", "/ES", "1", instrument_type="Future")
    assert closing_request(future, "5WT00001").legs[0].action == "Sell"


def test_positions_are_grouped_with_subtotals() -> None:
    rows = group_lines(
        [
            line("SPY", "SPY", "10", open_pl=Decimal("5")),
            line("AAPL  260515C00190000", "AAPL", "1", open_pl=Decimal("10")),
            line("AAPL", "AAPL", "100", open_pl=Decimal("-4"), delta=100.0, dte=None),
        ]
    )
    assert [r.key for r in rows] == ["group:AAPL", "AAPL", "AAPL  260515C00190000", "group:SPY", "SPY"]
    aapl = rows[0]
    assert aapl.is_group and aapl.count == 2
    assert aapl.open_pl == Decimal("6") and aapl.delta == 150.0


def test_fill_notifier_announces_each_new_fill_once(qapp, caplog) -> None:
    notifier = FillNotifier()
    seen: list[int] = []
    notifier.filled.connect(lambda o: seen.append(o.id))
    notifier.prime([order(1, "Filled", fills=2)])
    with caplog.at_level(logging.INFO, logger="desktop.messages"):
        notifier.order_updated(order(1, "Filled", fills=2))  # old news
        notifier.order_updated(order(2, "Live", fills=1))
        notifier.order_updated(order(2, "Live", fills=1))  # same again
        notifier.order_updated(order(2, "Filled", fills=2))
    assert seen == [2, 2]
    assert "Partially filled (1 of 2)" in caplog.text and "Filled: BTO 2 AAPL" in caplog.text


def test_account_panel_shows_balances_and_authority(qtbot) -> None:
    panel = AccountPanel()
    qtbot.addWidget(panel)
    chosen: list[str] = []
    panel.account_chosen.connect(chosen.append)
    accounts = [
        Account.from_list_item(
            {"account": {"account-number": "5WT00001", "nickname": "Individual"}, "authority-level": "owner"}
        ),
        Account.from_list_item(
            {
                "account": {"account-number": "5WT00003", "nickname": "Shared (read-only)"},
                "authority-level": "read-only",
            }
        ),
    ]
    accounts.reverse()  # a read-only account listed first
    panel.set_accounts(accounts)
    assert chosen == [], "filling the picker asks for nothing: the service picks a tradeable default"
    assert "read-only" in panel.authority.text()
    panel.select_account("5WT00001")  # the service's choice (or the user's)
    assert chosen == ["5WT00001"] and "owner: can trade" in panel.authority.text()
    panel.set_balance(Balance.from_wire({"net-liquidating-value": "32520.734", "cash-balance": "7218.997"}))
    assert panel.value_text("net_liq") == "32,520.73"
    assert panel.value_text("cash") == "7,219.00"
    panel.set_day_pl(Decimal("-12.5"))
    assert panel.value_text("day_pl") == "-12.50" and panel.values["day_pl"].property("tone") == "negative"
    panel.select_account("5WT00003")
    assert chosen[-1] == "5WT00003" and "read-only" in panel.authority.text()


async def test_activity_loads_page_by_page_and_totals_fees(qtbot) -> None:
    pages = 3

    async def fetch(account: str, start: date, end: date, types) -> AsyncIterator[Transaction]:
        for i in range(pages * 250):
            if i % 250 == 0:
                await asyncio.sleep(0)
            yield Transaction.from_wire(
                {
                    "id": i,
                    "transaction-type": types[0] if types else "Trade",
                    "commission": "1.00",
                    "commission-effect": "Debit",
                    "net-value": "10",
                    "net-value-effect": "Credit",
                }
            )

    panel = ActivityPanel(fetch)
    qtbot.addWidget(panel)
    progress: list[int] = []
    panel.loader.progress.connect(progress.append)
    panel.set_account("5WT00001")
    await wait_for(lambda: panel.loads_completed == 1, 10)
    assert panel.model.rowCount() == 750
    assert progress[:2] == [250, 500]
    assert panel.fees.text() == "Total fees: -750.00"
    panel.type_filter.setCurrentIndex(panel.type_filter.findData("Money Movement"))
    panel.reload()
    await wait_for(lambda: panel.loads_completed == 2, 10)
    assert {t.transaction_type for t in panel.loader.loaded} == {"Money Movement"}


async def test_activity_shows_a_failure_in_red_and_a_sign_out_stops_the_spinner(qtbot, tmp_path) -> None:
    theme = ThemeManager(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    theme.apply()
    never = asyncio.Event()

    async def fetch(account: str, start: date, end: date, types) -> AsyncIterator[Transaction]:
        if account == "BROKEN":
            raise ConnectionError("the server hung up")
        await never.wait()
        yield  # pragma: no cover

    panel = ActivityPanel(fetch)
    qtbot.addWidget(panel)
    panel.show()

    def text_colour() -> str:
        return panel.status.palette().color(QPalette.ColorRole.WindowText).name()

    plain = text_colour()
    panel.set_account("BROKEN")
    await wait_for(lambda: "Could not load" in panel.status.text(), 5)
    assert text_colour() == theme.color("tones.negative").name() != plain
    panel.set_account("5WT00001")  # a load that hangs
    assert panel.progress.isVisible() and text_colour() == plain
    panel.set_account("")  # signed out meanwhile
    assert not panel.progress.isVisible() and panel.status.text() == ""


@pytest.mark.parametrize(
    ("requested", "saved", "last", "expected"),
    [
        (None, set(), None, "demo"),
        (None, {"sandbox"}, None, "sandbox"),
        (None, {"sandbox", "production"}, "sandbox", "sandbox"),
        (None, {"production"}, "sandbox", "production"),
        ("demo", {"production"}, None, "demo"),
        ("sandbox", set(), None, "sandbox"),
    ],
)
def test_saved_credentials_decide_the_environment(requested, saved, last, expected) -> None:
    assert choose_environment(requested, lambda e: e in saved, last) == expected


def test_command_line() -> None:
    args = parse_args(["--smoke-test", "--screenshot", "main.png"])
    assert args.smoke_test and str(args.screenshot) == "main.png" and args.env is None
    assert parse_args(["--env", "sandbox"]).env == "sandbox"
    with pytest.raises(SystemExit):
        parse_args(["--screenshot", "x.png"])
    with pytest.raises(SystemExit):
        parse_args(["--env", "moon"])


def test_every_column_header_has_a_tooltip() -> None:
    from desktop.ui.docks.activity import ACTIVITY_COLUMNS
    from desktop.ui.docks.orders import ORDER_COLUMNS
    from desktop.ui.docks.positions import POSITION_COLUMNS
    from desktop.ui.docks.watchlist import watchlist_columns

    specs = [
        *ACTIVITY_COLUMNS,
        *ORDER_COLUMNS,
        *POSITION_COLUMNS,
        *watchlist_columns(lambda s: None, lambda s: None),
    ]
    missing = [c.key for c in specs if len(c.tooltip.strip()) < 4]
    assert not missing
