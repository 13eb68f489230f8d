"""The order ticket end to end over the live test exchange: review, send, brackets, JSON, refusals."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QPushButton, QWidget

from desktop.ui.shell import TastyDesk
from desktop.ui.ticket import ticket_draft
from desktop.ui.ticket.panel import OrderTicketPanel
from tests.conftest import wait_for
from tests.ui.conftest import started
from tests.ui.test_chain_panel import atm_row, click_cell, freeze, open_chain, strike_rows

LOAD_S = 30.0
MAIN, READ_ONLY = "5WT00001", "5WT00003"


@pytest.fixture(autouse=True)
def collect_garbage_on_the_gui_thread() -> Iterator[None]:
    """See tests/ui/test_chain_panel.py: free finished apps' Qt objects on this thread."""
    yield
    gc.collect()


def ticket_of(desk: TastyDesk) -> OrderTicketPanel:
    return desk.window.panels["orderTicket"]


def record_requests(desk: TastyDesk) -> list[tuple[str, str, bytes]]:
    """Every request the app's REST client puts on the wire: (method, path, body)."""
    seen: list[tuple[str, str, bytes]] = []

    async def hook(request: Any) -> None:
        seen.append((request.method, request.url.path, request.content))

    desk.session.client._http.event_hooks["request"].append(hook)
    return seen


def click(widget: QWidget) -> None:
    assert widget.isEnabled(), f"{widget.objectName()} is disabled: {widget.toolTip()}"
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_price(ticket: OrderTicketPanel, price: Decimal) -> None:
    """Type a limit price into the price box and press Enter, as a user would."""
    edit = ticket.form.price
    edit.setFocus()
    edit.selectAll()
    QTest.keyClicks(edit, str(price))
    QTest.keyClick(edit, Qt.Key.Key_Return)
    assert not ticket_draft(ticket.ctx).price_auto and ticket_draft(ticket.ctx).price == price


async def reviewed(desk: TastyDesk) -> str:
    """Press Review and wait for the outcome; returns the service state."""
    ticket = ticket_of(desk)
    await wait_for(lambda: desk.portfolio.selected_account is not None, LOAD_S)
    click(ticket.review_button)
    await wait_for(lambda: desk.orders.state != "DryRunPending" and not ticket.flow.busy, LOAD_S)
    return desk.orders.state


def dialog(name: str) -> QDialog | None:
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QDialog) and w.objectName() == name and w.isVisible():
            return w
    return None


async def confirm(name: str = "confirmSendButton", skip: bool = False) -> QDialog:
    await wait_for(lambda: dialog("sendConfirmDialog") is not None, 10)
    box = dialog("sendConfirmDialog")
    if skip:
        box.findChild(QWidget, "confirmSkipCheck").setChecked(True)
    click(box.findChild(QPushButton, name))
    return box


async def vertical_by_clicks(desk: TastyDesk) -> None:
    chain = await open_chain(desk)
    draft = ticket_draft(desk.ctx)
    draft.clear()
    atm = atm_row(chain)
    rows = strike_rows(chain)
    await click_cell(chain, atm, "c_ask")
    await click_cell(chain, rows[rows.index(atm) + 2], "c_bid")
    await wait_for(lambda: draft.price is not None, LOAD_S)


async def test_only_the_exact_reviewed_order_can_be_sent_and_it_is_what_was_dry_run(
    make_desk, exchange
) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        wire = record_requests(desk)
        ticket = ticket_of(desk)
        draft = ticket_draft(desk.ctx)
        await vertical_by_clicks(desk)
        assert not ticket.send_button.isEnabled()
        assert "Review the order first" in ticket.send_button.toolTip()
        review = ticket.review_panel
        await wait_for(
            lambda: "Max profit" in review.risk.text() and "breakeven" in review.risk.text(), LOAD_S
        )
        graph = ticket.risk_graph.profile
        assert graph is not None and graph.breakevens and graph.sigma_range is not None
        type_price(ticket, draft.mid[0])  # a fixed price: the quotes jitter, the order must not

        assert await reviewed(desk) == "Reviewed"
        assert "→" in review.buying_power.text() and "of net liq" in review.buying_power.text()
        assert " total" in review.fees.text() and "commission" in review.fees.text()
        assert "No warnings, no errors" in review.problems.text()
        assert ticket.send_button.isEnabled()

        click(ticket.form.up_button)  # any edit: back to Draft
        assert desk.orders.state == "Draft" and not ticket.send_button.isEnabled()
        assert review.buying_power.text().startswith("(previous review)") and "changed" in review.state.text()
        click(ticket.form.down_button)  # the same order again still needs a new review
        assert desk.orders.state == "Draft" and not ticket.send_button.isEnabled()

        click(ticket.form.mid_button)  # auto price: the quote moving it returns the ticket to Draft
        assert draft.price_auto
        price_before = draft.price
        spot = float(desk.hub.latest("Quote", "SPY").ask_price)
        await asyncio.to_thread(exchange.admin, "market/price", {"symbol": "SPY", "price": f"{spot + 6:.2f}"})
        await wait_for(
            lambda: draft.price is not None and draft.price >= price_before + Decimal("0.10"), LOAD_S
        )
        assert desk.orders.state == "Draft" and not ticket.send_button.isEnabled()

        type_price(ticket, draft.mid[0])
        assert await reviewed(desk) == "Reviewed"
        click(ticket.send_button)
        box = await confirm()
        assert box.windowTitle() == "Send to DEMO?"
        await wait_for(lambda: desk.orders.state in ("Working", "Filled"), LOAD_S)
        sent = desk.orders.tracked_orders[0]

        dry_runs = [body for m, p, body in wire if m == "POST" and p.endswith("/orders/dry-run")]
        posts = [body for m, p, body in wire if m == "POST" and p == f"/accounts/{MAIN}/orders"]
        assert len(posts) == 1 and posts[0] == dry_runs[-1]
        assert posts[0].decode() == ticket.flow.exchange.send_request == ticket.flow.exchange.review_request
        assert json.loads(posts[0])["legs"][0]["symbol"] == draft.legs[0].symbol

        click(ticket.json_button)
        view = ticket.json_dialog
        assert view.send_request.raw == posts[0].decode()
        assert json.loads(view.send_response.raw)["data"]["order"]["id"] == sent.id
        assert "buying-power-effect" in json.loads(view.review_response.raw)["data"]
        view.send_request.pretty.setChecked(True)
        assert view.send_request.text.toPlainText().startswith("{\n")
        view.close()

        orders = desk.window.panels["ordersPanel"]
        await wait_for(lambda: orders.working.row_for_key(sent.id) is not None, LOAD_S)
        if orders.working.row_for_key(sent.id).status != "Filled":
            view_rect = orders.working_view.visualRect(
                orders.working.index(orders.working.index_of(sent.id), 0)
            )
            desk.window.docks["ordersPanel"].raise_()
            QTest.mouseClick(
                orders.working_view.viewport(), Qt.MouseButton.LeftButton, pos=view_rect.center()
            )
            click(orders.cancel_button)
            await wait_for(
                lambda: (o := orders.done.row_for_key(sent.id)) is not None and o.status == "Cancelled",
                LOAD_S,
            )
            assert any(m == "DELETE" and p.endswith(f"/orders/{sent.id}") for m, p, _b in wire)


async def test_natural_price_fills_and_the_ticket_follows_the_order(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        ticket = ticket_of(desk)
        await vertical_by_clicks(desk)
        draft = ticket_draft(desk.ctx)
        click(ticket.form.natural_button)
        assert not draft.price_auto and draft.price == draft.natural[0]
        assert await reviewed(desk) == "Reviewed"
        click(ticket.send_button)
        await confirm(skip=True)
        await wait_for(lambda: desk.orders.state == "Filled", LOAD_S)
        assert "Filled" in ticket.review_panel.state.text()
        assert desk.ctx.settings.value("orderTicket/skipConfirm_demo") == "true"
        orders = desk.window.panels["ordersPanel"]
        order_id = desk.orders.tracked_orders[0].id
        await wait_for(
            lambda: (o := orders.done.row_for_key(order_id)) is not None and o.status == "Filled", LOAD_S
        )


async def test_a_failed_dry_run_is_shown_in_plain_words_and_blocks_send(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        ticket = ticket_of(desk)
        ticket_draft(desk.ctx).clear()
        QTest.keyClicks(ticket.symbol_edit, "AAPL")
        click(ticket.add_buy)
        ticket.form.size.setValue(100000)
        await wait_for(lambda: ticket_draft(desk.ctx).price is not None, LOAD_S)
        assert await reviewed(desk) == "Draft"
        problems = ticket.review_panel.problems.text()
        assert "✖" in problems and "buying power" in problems.lower(), problems
        assert "→" in ticket.review_panel.buying_power.text()  # the effect is still shown
        assert not ticket.send_button.isEnabled()
        assert "errors" in ticket.send_button.toolTip() or "Review" in ticket.send_button.toolTip()
        ticket.send()  # Ctrl+Enter's slot: refused, nothing sent
        assert desk.orders.state == "Draft"


async def test_otoco_bracket_is_accepted_by_the_complex_order_endpoint(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        wire = record_requests(desk)
        ticket = ticket_of(desk)
        draft = ticket_draft(desk.ctx)
        draft.clear()
        QTest.keyClicks(ticket.symbol_edit, "AAPL")
        click(ticket.add_buy)
        ticket.form.size.setValue(10)
        await wait_for(lambda: draft.price is not None, LOAD_S)
        limit = (draft.price * Decimal("0.9")).quantize(Decimal("0.01"))
        type_price(ticket, limit)
        combo = ticket.form.bracket
        combo.setCurrentIndex(combo.findData("otoco"))
        combo.activated.emit(combo.currentIndex())
        assert draft.profit_price == (limit * Decimal("1.05")).quantize(Decimal("0.01"))
        assert await reviewed(desk) == "Reviewed"
        click(ticket.send_button)
        await confirm()
        await wait_for(
            lambda: desk.orders.last_result is not None and desk.orders.state != "Submitting", LOAD_S
        )
        placed = desk.orders.last_result.complex_order
        assert placed is not None and placed.type == "OTOCO" and len(placed.orders) == 2
        assert placed.trigger_order.status in ("Received", "Routed", "In Flight", "Live")
        posts = [json.loads(b) for m, p, b in wire if m == "POST" and "/complex-orders" in p]
        assert posts[0] == posts[1] and posts[0]["type"] == "OTOCO"
        assert {o["order-type"] for o in posts[0]["orders"]} == {"Limit", "Stop"}


async def test_replace_from_the_orders_dock_goes_through_a_dry_run(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        wire = record_requests(desk)
        ticket, draft = ticket_of(desk), ticket_draft(desk.ctx)
        draft.clear()
        QTest.keyClicks(ticket.symbol_edit, "AAPL")
        click(ticket.add_buy)
        await wait_for(lambda: draft.price is not None, LOAD_S)
        draft.set_price((draft.price * Decimal("0.8")).quantize(Decimal("0.01")))  # rests, far below
        assert await reviewed(desk) == "Reviewed"
        click(ticket.send_button)
        await confirm()
        await wait_for(lambda: desk.orders.state == "Working" and desk.orders.tracked_orders, LOAD_S)
        old = desk.orders.tracked_orders[0]
        orders = desk.window.panels["ordersPanel"]
        desk.window.docks["ordersPanel"].raise_()
        await wait_for(lambda: (o := orders.working.row_for_key(old.id)) is not None and o.editable, LOAD_S)
        rect = orders.working_view.visualRect(orders.working.index(orders.working.index_of(old.id), 0))
        QTest.mouseClick(orders.working_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTimer.singleShot(0, orders.replace_button.click)  # its dialog is modal: open it from the event loop
        await wait_for(lambda: dialog("replacePriceDialog") is not None, 10)
        box = dialog("replacePriceDialog")
        new_price = (abs(old.price) + Decimal("1")).quantize(Decimal("0.01"))
        box.price.setText(str(new_price))
        box.accept()
        await wait_for(
            lambda: any(m == "PUT" and p.endswith(f"/orders/{old.id}") for m, p, _b in wire), LOAD_S
        )
        calls = [(m, p) for m, p, _b in wire if str(old.id) in p]
        assert calls.index(("POST", f"/accounts/{MAIN}/orders/{old.id}/dry-run")) < calls.index(
            ("PUT", f"/accounts/{MAIN}/orders/{old.id}")
        )
        await wait_for(
            lambda: any(
                o.replaces_order_id == old.id and abs(o.price) == new_price for o in orders.working.rows()
            ),
            LOAD_S,
        )


async def test_a_read_only_account_cannot_send(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        wire = record_requests(desk)
        ticket = ticket_of(desk)
        await vertical_by_clicks(desk)
        account = desk.window.panels["accountPanel"]
        await wait_for(lambda: account.picker.count() == 3, LOAD_S)
        assert account.select_account(READ_ONLY)
        await wait_for(lambda: desk.ctx.account.account_number == READ_ONLY, LOAD_S)
        await wait_for(lambda: desk.portfolio.selected_account.account_number == READ_ONLY, LOAD_S)
        assert not desk.window.docks["orderTicket"].isEnabled()
        assert not ticket.send_button.isEnabled() and "read-only" in ticket.send_button.toolTip()
        assert "read-only" in ticket.review_panel.state.text()
        ticket.send()
        ticket.flow.send(ticket)  # even straight to the action: refused before anything is sent
        await asyncio.sleep(0.2)
        assert not [p for m, p, _b in wire if m == "POST" and p.endswith("/orders")]
        assert desk.orders.state == "Draft"


async def test_keyboard_review_and_a_closing_request_from_positions(make_desk, exchange) -> None:
    await freeze(exchange)
    async with started(make_desk()) as desk:
        positions = desk.window.panels["positionsPanel"]
        await wait_for(lambda: positions.lines(), LOAD_S)
        line = next(ln for ln in positions.lines() if ln.instrument_type == "Equity")
        from desktop.ui.bindings.positions import closing_request

        desk.ctx.bus.request_order(closing_request(line, MAIN))
        draft = ticket_draft(desk.ctx)
        assert [leg.symbol for leg in draft.legs] == [line.symbol]
        assert draft.legs[0].action.value.endswith("to Close") and draft.size == abs(line.quantity)
        assert not draft.price_auto and draft.reason.startswith("Close")
        ticket = ticket_of(desk)
        assert ticket.reason.isVisible() or desk.window.docks["orderTicket"].isVisible()
        desk.window.activateWindow()
        ticket.review_button.setFocus()
        QTest.keyClick(ticket.review_button, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
        await wait_for(lambda: desk.orders.state in ("Reviewed", "Draft") and not ticket.flow.busy, LOAD_S)
        assert ticket.review_panel.result is not None
