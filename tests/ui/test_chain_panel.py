"""The option chain dock over the live test exchange, driven by clicks like a user would."""

from __future__ import annotations

import asyncio
import gc
import math
from collections.abc import Iterator
from decimal import Decimal

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMenu

from desktop.core.orders import OrderAction
from desktop.ui.chain.panel import ChainPanel
from desktop.ui.chain.rows import ExpirationRow, StrikeRow
from desktop.ui.shell import TastyDesk
from desktop.ui.ticket import ticket_draft
from tests.conftest import wait_for
from tests.ui.conftest import started

LOAD_S = 30.0


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread() -> Iterator[None]:
    """Free the finished app's Qt objects here: left to the garbage collector they may be
    deleted from the exchange's thread, which crashes Qt's timer dispatch in a later test."""
    yield
    gc.collect()


def chain_of(desk: TastyDesk) -> ChainPanel:
    return desk.window.panels["chainPanel"]


async def freeze(exchange: object) -> None:
    """Stop the market's random walk, so strikes and prices hold still while a test clicks."""
    await asyncio.to_thread(exchange.admin, "market/freeze", {"frozen": True})


async def open_chain(desk: TastyDesk, symbol: str = "SPY") -> ChainPanel:
    """Show the chain dock, load ``symbol`` and wait until its visible strikes quote live."""
    desk.window.docks["chainPanel"].show()
    desk.window.docks["chainPanel"].raise_()
    chain = chain_of(desk)
    if chain.loaded is None or chain.loaded.symbol != symbol:
        chain.symbol_box.setText(symbol)
        QTest.keyClick(chain.symbol_box, Qt.Key.Key_Return)
    await wait_for(lambda: chain.loaded is not None and chain.loaded.symbol == symbol, LOAD_S)
    await wait_for(lambda: chain.readiness() is None, LOAD_S)
    await wait_for(lambda: all(quoted(chain, r) for r in strike_rows(chain)[:4]), LOAD_S)
    return chain


def strike_rows(chain: ChainPanel) -> list[StrikeRow]:
    return [r for r in chain.model.rows() if isinstance(r, StrikeRow)]


def quoted(chain: ChainPanel, row: StrikeRow) -> bool:
    q = chain.market.read("Quote", row.streamer("C"))
    return q is not None and math.isfinite(q.bid_price) and math.isfinite(q.ask_price)


def cell_center(chain: ChainPanel, row_key: tuple[str, ...], column_key: str) -> QPoint:
    r, c = chain.model.index_of(row_key), chain.model.column_index(column_key)
    index = chain.model.index(r, c)
    chain.view.scrollTo(index)
    return chain.view.visualRect(index).center()


async def click_cell(
    chain: ChainPanel, row: StrikeRow, column_key: str, button=Qt.MouseButton.LeftButton
) -> None:
    pos = cell_center(chain, row.key, column_key)
    QTest.mouseClick(chain.view.viewport(), button, Qt.KeyboardModifier.NoModifier, pos)
    await asyncio.sleep(0)


def atm_row(chain: ChainPanel) -> StrikeRow:
    rows = strike_rows(chain)
    spot = chain._spot_of_row(rows[0])
    assert spot is not None
    return min(rows, key=lambda r: abs(float(r.strike.strike) - spot))


async def test_chain_loads_centred_on_the_money_with_live_columns_and_itm_shading(
    make_desk, exchange
) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = await open_chain(desk)
        header = chain.header.text()
        assert "SPY" in header and "IV rank" in header
        await wait_for(
            lambda: "IV rank <b>" in chain.header.text() and "IV pctl <b>" in chain.header.text(), LOAD_S
        )
        heads = [r for r in chain.model.rows() if isinstance(r, ExpirationRow)]
        assert len(heads) == len(chain.loaded.chain.expirations) > 3
        title = chain.model.text(chain.model.index_of(heads[0].key), 0)
        assert "DTE" in title and "settled" in title and heads[0].expiration.expiration_type in title
        expanded = [h for h in heads if h.expanded]
        assert len(expanded) == 1 and 35 <= expanded[0].expiration.days_to_expiration <= 60
        rows = strike_rows(chain)
        assert len(rows) == 16
        spot = chain._spot_of_row(rows[0])
        below = sum(1 for r in rows if float(r.strike.strike) < spot)
        assert 6 <= below <= 10, "the window is centred on the at-the-money strike"
        row = atm_row(chain)
        r = chain.model.index_of(row.key)
        keys = ("c_bid", "c_ask", "c_delta", "c_iv", "c_theta", "p_bid", "p_ask", "p_delta", "c_oi", "c_vol")
        await wait_for(lambda: all(chain.model.text(r, chain.model.column_index(k)) for k in keys), LOAD_S)
        bid = float(chain.model.text(r, chain.model.column_index("c_bid")).replace(",", ""))
        ask = float(chain.model.text(r, chain.model.column_index("c_ask")).replace(",", ""))
        assert 0 < bid <= ask
        bar = chain.view.horizontalScrollBar()
        if bar.maximum() > 0:  # narrower than the chain: the strike column is in the middle
            x = chain.view.columnViewportPosition(chain.model.strike_column)
            middle = x + chain.view.columnWidth(chain.model.strike_column) // 2
            assert abs(middle - chain.view.viewport().width() // 2) <= 30
        rows = strike_rows(chain)  # fresh: the window may have re-centred meanwhile
        low, high = rows[0], rows[-1]
        bg = Qt.ItemDataRole.BackgroundRole
        c_col, p_col = chain.model.column_index("c_last"), chain.model.column_index("p_last")
        assert chain.model.index(chain.model.index_of(low.key), c_col).data(bg) is not None  # ITM call
        assert chain.model.index(chain.model.index_of(low.key), p_col).data(bg) is None
        assert chain.model.index(chain.model.index_of(high.key), p_col).data(bg) is not None  # ITM put
        assert chain.model.index(chain.model.index_of(high.key), c_col).data(bg) is None


async def test_only_visible_strikes_are_subscribed_and_scrolling_moves_them(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = await open_chain(desk)
        combo = chain.count_combo
        combo.setCurrentIndex(combo.findData(50))
        heads = [r for r in chain.model.rows() if isinstance(r, ExpirationRow) and not r.expanded][:2]
        for head in heads:  # expand two more expirations by clicking their rows
            pos = cell_center(chain, head.key, "c_oi")
            QTest.mouseClick(
                chain.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos
            )
        assert sum(1 for r in chain.model.rows() if isinstance(r, ExpirationRow) and r.expanded) == 3
        total = len(strike_rows(chain))
        assert total >= 120
        await wait_for(lambda: not chain._sub_timer.isActive(), 5)  # the debounced resubscription ran
        first = set(chain.market.options)
        visible = len(chain.view.visible_rows())
        assert 0 < len(first) <= 2 * visible < 2 * total
        chain.view.scrollToBottom()
        await wait_for(lambda: chain.market.options and not chain.market.options & first, 5)
        gone = next(iter(first))
        assert desk.hub.subscribers("Quote", gone) == 0 or gone in ticket_symbols(desk)
        now = next(iter(chain.market.options))
        assert desk.hub.subscribers("Greeks", now) >= 1 and desk.hub.subscribers("Summary", now) >= 1
        await wait_for(lambda: chain.market.quoted_options() > 0, LOAD_S)


def ticket_symbols(desk: TastyDesk) -> set[str]:
    return {leg.streamer_symbol for leg in ticket_draft(desk.ctx).legs}


async def test_clicks_on_asks_and_bids_build_a_vertical_on_the_ticket(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = await open_chain(desk)
        draft = ticket_draft(desk.ctx)
        draft.clear()
        atm = atm_row(chain)
        rows = strike_rows(chain)
        higher = rows[rows.index(atm) + 2]
        await click_cell(chain, atm, "c_ask")
        await click_cell(chain, higher, "c_bid")
        assert [(leg.action, leg.strike, leg.option_type) for leg in draft.legs] == [
            (OrderAction.BUY_TO_OPEN, atm.strike.strike, "C"),
            (OrderAction.SELL_TO_OPEN, higher.strike.strike, "C"),
        ]
        table = desk.window.panels["orderTicket"].legs_table
        assert table.spec_model.rowCount() == 2
        assert table.spec_model.text(0, table.spec_model.column_index("action")) == "BTO"
        assert desk.window.docks["orderTicket"].isVisible()
        await click_cell(chain, atm, "c_ask")  # again: one more
        assert draft.legs[0].ratio == 2
        await wait_for(lambda: draft.price is not None, LOAD_S)
        assert draft.price_effect.value == "Debit"
        tinted = chain.model.index(chain.model.index_of(atm.key), chain.model.column_index("c_ask"))
        assert tinted.data(Qt.ItemDataRole.BackgroundRole) is not None


async def test_right_click_menu_sells_a_quantity_and_adds_the_opposite_side(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = await open_chain(desk)
        draft = ticket_draft(desk.ctx)
        draft.clear()
        rows = strike_rows(chain)
        call = rows[rows.index(atm_row(chain)) + 3]
        pos = cell_center(chain, call.key, "c_mid")
        chain.view.customContextMenuRequested.emit(pos)  # what a right-click on that cell emits
        menu: QMenu = chain.view.last_menu
        sell_more = next(a for a in menu.actions() if a.menu() and a.text().startswith("Sell"))
        next(a for a in sell_more.menu().actions() if a.text().startswith("Sell 5")).trigger()
        assert [(leg.action, leg.ratio) for leg in draft.legs] == [(OrderAction.SELL_TO_OPEN, 5)]
        next(a for a in menu.actions() if a.objectName() == "chainOppositeSell").trigger()
        assert len(draft.legs) == 2
        put = draft.legs[1]
        spot = chain._spot_of_row(call)
        assert put.option_type == "P" and put.action is OrderAction.SELL_TO_OPEN
        assert abs((spot - float(put.strike)) - (float(call.strike.strike) - spot)) <= 2.0
        menu.close()


async def test_short_16_delta_strangle_is_two_clicks(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = await open_chain(desk)
        draft = ticket_draft(desk.ctx)
        combo = chain.strategy.combo
        combo.setCurrentIndex(combo.findData("strangle"))  # click 1: pick the template
        QTest.mouseClick(chain.strategy.add_button, Qt.MouseButton.LeftButton)  # click 2
        await wait_for(lambda: len(draft.legs) == 2 and "strangle" in draft.reason.lower(), LOAD_S)
        put, call = draft.legs
        assert (put.option_type, call.option_type) == ("P", "C")
        assert not put.is_buy and not call.is_buy
        exp = chain.loaded.chain.expiration_by_dte(45)
        assert put.expiration == call.expiration == exp.expiration
        hub = desk.hub
        await wait_for(lambda: all(hub.latest("Greeks", leg.streamer_symbol) for leg in draft.legs), LOAD_S)
        for leg in draft.legs:
            assert 0.08 <= abs(hub.latest("Greeks", leg.streamer_symbol).delta) <= 0.25


async def test_iron_condor_template_gives_four_rising_strikes(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = await open_chain(desk)
        draft = ticket_draft(desk.ctx)
        chain.strategy.select("iron_condor")
        chain.strategy.width.setValue(5)
        QTest.mouseClick(chain.strategy.add_button, Qt.MouseButton.LeftButton)
        await wait_for(lambda: len(draft.legs) == 4 and "iron condor" in draft.reason.lower(), LOAD_S)
        strikes = [leg.strike for leg in draft.legs]
        assert strikes == sorted(strikes) and len(set(strikes)) == 4
        assert [leg.is_buy for leg in draft.legs] == [True, False, False, True]
        assert strikes[1] - strikes[0] == strikes[3] - strikes[2] == Decimal(5)
        await wait_for(lambda: draft.price is not None, LOAD_S)
        assert draft.price_effect.value == "Credit"
        row_key = ("exp", draft.legs[0].expiration.isoformat())
        assert any(k[:2] == row_key for k in chain.expanded)


async def test_symbol_search_lists_matches_as_you_type_and_enter_loads_the_chain(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = await open_chain(desk)
        box = chain.symbol_box
        box.setFocus()
        box.clear()
        QTest.keyClicks(box, "AA")
        await wait_for(lambda: any(s.startswith("AAPL") for s in box.matches.stringList()), LOAD_S)
        box.setText("aapl")
        QTest.keyClick(box, Qt.Key.Key_Return)
        await wait_for(lambda: chain.loaded is not None and chain.loaded.symbol == "AAPL", LOAD_S)
        await wait_for(lambda: chain.readiness() is None, LOAD_S)
        assert all(r.strike.call.startswith("AAPL") for r in strike_rows(chain))
        assert desk.ctx.settings.value("chainPanel/symbol") == "AAPL"


async def test_futures_options_chain_trades_future_options(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = await open_chain(desk, "/ES")
        assert chain.loaded.is_futures
        row = atm_row(chain)
        assert row.info.underlying.startswith("/ES") and row.info.multiplier == 50
        draft = ticket_draft(desk.ctx)
        draft.clear()
        await click_cell(chain, row, "p_ask")
        leg = draft.legs[0]
        assert leg.instrument_type == "Future Option" and leg.symbol.startswith("./ES")
        assert leg.underlying == row.info.underlying
        await wait_for(lambda: chain.market.price(row.info.underlying_streamer) is not None, LOAD_S)


async def test_smoke_check_waits_for_a_loaded_chain_with_live_quotes(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = chain_of(desk)
        assert "option chain" in desk.ctx.readiness.checks
        await wait_for(lambda: "option chain" not in desk.ctx.readiness.missing(), LOAD_S)
        assert chain.loaded is not None and chain.market.quoted_options() > 0
        chain.load("NOSUCHSYMBOL")
        await wait_for(lambda: chain.load_error != "", LOAD_S)
        assert "NOSUCHSYMBOL" in chain.header.text()
        assert chain.model.rowCount() == 0 and not chain.market.options
        assert "NOSUCHSYMBOL" in desk.ctx.readiness.missing()["option chain"]
