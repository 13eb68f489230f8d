"""One ticket for every instrument: crypto (notional), futures, OCO on a stock position; and the
send confirmation, which names the environment and is never skipped in Production."""

from __future__ import annotations

import asyncio
import gc
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton, QWidget

from desktop.core.orders import OrderType
from desktop.ui.ticket import ticket_draft
from desktop.ui.ticket.confirm import confirm_send, skip_key
from tests.conftest import wait_for
from tests.ui.conftest import started
from tests.ui.test_chain_panel import atm_row, freeze, open_chain
from tests.ui.test_ticket_flow import MAIN, click, dialog, reviewed, ticket_of

LOAD_S = 30.0


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread() -> Iterator[None]:
    """See tests/ui/test_chain_panel.py: free finished apps' Qt objects on this thread."""
    yield
    gc.collect()


async def test_crypto_trades_by_dollar_amount(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        ticket, draft = ticket_of(desk), ticket_draft(desk.ctx)
        draft.clear()
        QTest.keyClicks(ticket.symbol_edit, "BTC/USD")
        click(ticket.add_buy)
        leg = draft.legs[0]
        assert leg.instrument_type == "Cryptocurrency" and leg.streamer_symbol == "BTC/USD:CXTALP"
        combo = ticket.form.order_type
        notional = combo.findData(OrderType.NOTIONAL_MARKET)
        assert combo.model().item(notional).isEnabled()
        combo.setCurrentIndex(notional)
        combo.activated.emit(notional)
        QTest.keyClicks(ticket.form.value, "250")
        ticket.form.value.editingFinished.emit()
        order = draft.order()
        assert order.value == Decimal(250) and order.legs[0].quantity is None
        assert await reviewed(desk) == "Reviewed", ticket.review_panel.problems.text()
        assert ticket.send_button.isEnabled()


async def test_a_future_gets_its_tick_and_multiplier_from_the_instrument(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        chain = await open_chain(desk, "/ES")
        future = atm_row(chain).info.underlying
        ticket, draft = ticket_of(desk), ticket_draft(desk.ctx)
        draft.clear()
        QTest.keyClicks(ticket.symbol_edit, future)
        click(ticket.add_sell)
        await wait_for(lambda: draft.legs and draft.legs[0].multiplier == 50, LOAD_S)
        leg = draft.legs[0]
        assert leg.instrument_type == "Future" and leg.action.value == "Sell to Open"
        assert min(t.value for t in leg.tick_sizes) == Decimal("0.25")
        await wait_for(lambda: draft.price is not None, LOAD_S)
        assert draft.price % Decimal("0.25") == 0 and draft.price_effect.value == "Credit"
        tifs = ticket.form.tif
        assert not tifs.model().item(tifs.findData("Ext")).isEnabled()  # extended hours: stock only
        assert await reviewed(desk) == "Reviewed", ticket.review_panel.problems.text()


async def test_a_typed_index_weekly_option_learns_its_underlying(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        await wait_for(lambda: desk.session.client is not None, LOAD_S)
        chain = await desk.session.client.option_chain("SPX")
        weekly = next(e for e in chain.expirations if e.root_symbol == "SPXW")
        symbol = weekly.strikes[len(weekly.strikes) // 2].call
        ticket, draft = ticket_of(desk), ticket_draft(desk.ctx)
        draft.clear()
        QTest.keyClicks(ticket.symbol_edit, symbol)
        click(ticket.add_buy)
        assert draft.legs[0].symbol == symbol
        # the root is SPXW, which does not stream; the instrument says the underlying is SPX
        await wait_for(lambda: draft.legs[0].underlying == "SPX", LOAD_S)
        assert draft.legs[0].underlying_streamer == "SPX" and draft.legs[0].multiplier == 100
        await wait_for(lambda: ticket.risk_graph.profile is not None, LOAD_S)
        assert ticket.risk_graph.profile.spot > 1000


async def test_oco_on_an_open_stock_position(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        positions = desk.window.panels["positionsPanel"]
        await wait_for(lambda: positions.lines(), LOAD_S)
        line = next(ln for ln in positions.lines() if ln.instrument_type == "Equity" and ln.quantity > 0)
        from desktop.ui.bindings.positions import closing_request

        desk.ctx.bus.request_order(closing_request(line, MAIN))
        ticket, draft = ticket_of(desk), ticket_draft(desk.ctx)
        combo = ticket.form.bracket
        combo.setCurrentIndex(combo.findData("oco"))
        combo.activated.emit(combo.currentIndex())
        order = draft.order()
        assert order.type == "OCO" and order.trigger_order is None
        profit, stop = order.orders
        assert profit.price > draft.price > stop.stop_trigger
        assert {leg.action.value for leg in profit.legs + stop.legs} == {"Sell to Close"}
        assert await reviewed(desk) == "Reviewed", ticket.review_panel.problems.text()
        click(ticket.send_button)
        await wait_for(lambda: dialog("sendConfirmDialog") is not None, 10)
        click(dialog("sendConfirmDialog").findChild(QPushButton, "confirmSendButton"))
        await wait_for(lambda: desk.orders.last_result is not None, LOAD_S)
        placed = desk.orders.last_result.complex_order
        assert placed is not None and placed.type == "OCO" and len(placed.orders) == 2


def _settings() -> QSettings:
    return QSettings(str(Path(tempfile.mkdtemp()) / "confirm.ini"), QSettings.Format.IniFormat)


async def _answer(environment: str, settings: QSettings, button: str, skip: bool = False) -> tuple[bool, str]:
    task = asyncio.ensure_future(confirm_send(environment, ["Buy to Open 1 SPY"], settings))
    await wait_for(lambda: dialog("sendConfirmDialog") is not None, 5)
    box = dialog("sendConfirmDialog")
    title = box.windowTitle()
    check = box.findChild(QWidget, "confirmSkipCheck")
    if skip:
        assert check.isVisibleTo(box)
        check.setChecked(True)
    box.findChild(QPushButton, button).click()
    return await task, title


async def test_production_is_always_asked_by_name(qtbot) -> None:
    settings = _settings()
    settings.setValue(skip_key("production"), "true")  # even a stray setting cannot skip it
    sent, title = await _answer("production", settings, "confirmCancelButton")
    assert (sent, title) == (False, "Send to PRODUCTION?")
    sent, _title = await _answer("production", settings, "confirmSendButton")
    assert sent


async def test_demo_confirmation_can_be_switched_off(qtbot) -> None:
    settings = _settings()
    sent, title = await _answer("demo", settings, "confirmSendButton", skip=True)
    assert sent and title == "Send to DEMO?"
    assert await confirm_send("demo", [], settings) is True  # not asked again
    assert settings.value(skip_key("sandbox")) is None
