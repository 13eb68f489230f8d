"""OrderService over the live exchange: review before send, fingerprints, live order state."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from desktop.api.errors import ApiError
from desktop.api.models import DryRunResult
from desktop.core.orders import NewComplexOrder, OrderAction, OrderLeg
from desktop.services.orders import OrderState, SendRefused
from tests.api._fixtures import IRA, MAIN, SHARED, market_buy, resting_limit
from tests.conftest import wait_for
from tests.services._stack import Stack, signed_in_stack


@pytest.fixture
async def stack(exchange: Any) -> Any:
    s = await signed_in_stack(exchange)
    try:
        yield s
    finally:
        await s.close()


def _recorder(stack: Stack) -> tuple[list[str], list[DryRunResult]]:
    states: list[str] = []
    reviews: list[DryRunResult] = []
    stack.orders.state_changed.connect(states.append)
    stack.orders.review_ready.connect(reviews.append)
    return states, reviews


async def _count_at(stack: Stack, price: str) -> int:
    orders = await stack.client.live_orders(MAIN)
    return sum(1 for o in orders if o.price is not None and abs(o.price) == Decimal(price))


async def test_send_is_refused_without_a_matching_dry_run(stack: Stack) -> None:
    orders = stack.orders
    assert stack.portfolio.selected_account is not None
    assert stack.portfolio.selected_account.account_number == MAIN
    ticket = resting_limit(price="2.01")
    orders.set_ticket(ticket)
    assert orders.state == OrderState.DRAFT and not orders.can_send
    with pytest.raises(SendRefused, match="Review the order first"):
        await orders.send()
    assert await _count_at(stack, "2.01") == 0, "nothing reached the exchange"


async def test_review_then_edit_returns_to_draft_and_blocks_send(stack: Stack) -> None:
    orders = stack.orders
    states, reviews = _recorder(stack)
    ticket = resting_limit(price="2.02")
    orders.set_ticket(ticket)
    result = await orders.review()
    assert result.ok and reviews == [result]
    assert states == [OrderState.DRY_RUN_PENDING, OrderState.REVIEWED]
    assert orders.can_send
    orders.set_ticket(resting_limit(price="2.02"))  # same content: still reviewed
    assert orders.state == OrderState.REVIEWED and orders.can_send
    orders.set_ticket(resting_limit(price="2.03"))  # an edit
    assert orders.state == OrderState.DRAFT and not orders.can_send
    with pytest.raises(SendRefused):
        await orders.send()
    orders.set_ticket(ticket)  # editing back does not resurrect the old review
    assert orders.state == OrderState.DRAFT and not orders.can_send
    assert await _count_at(stack, "2.02") == 0 and await _count_at(stack, "2.03") == 0


async def test_changing_account_after_review_returns_to_draft(stack: Stack) -> None:
    orders = stack.orders
    orders.set_ticket(resting_limit(price="2.04"))
    await orders.review()
    assert orders.can_send
    await stack.portfolio.select_account(IRA)
    assert orders.state == OrderState.DRAFT and not orders.can_send


async def test_reviewed_order_is_sent_byte_for_byte_and_followed_until_cancelled(stack: Stack) -> None:
    orders = stack.orders
    states, _ = _recorder(stack)
    updates: list[Any] = []
    orders.order_updated.connect(updates.append)
    ticket = resting_limit(price="2.05")
    orders.set_ticket(ticket)
    await orders.review()
    result = await orders.send()
    assert result.order is not None and result.order.id is not None
    assert states[-2:] == [OrderState.SUBMITTING, OrderState.WORKING]
    assert not orders.can_send, "one review, one send"
    with pytest.raises(SendRefused):
        await orders.send()
    assert await _count_at(stack, "2.05") == 1
    sent = await stack.client.order(MAIN, result.order.id)
    assert sent.raw is not None
    for key, value in ticket.to_wire().items():
        if key != "legs":
            assert str(sent.raw.get(key)).rstrip("0") == str(value).rstrip("0"), key
    await wait_for(lambda: stack.portfolio.order(result.order.id) is not None)
    await orders.cancel(result.order.id)
    await wait_for(lambda: orders.state == OrderState.CANCELLED, timeout=15)
    assert any(u.status == "Cancelled" for u in updates)


async def test_market_order_fills_through_the_account_streamer(stack: Stack) -> None:
    orders = stack.orders
    orders.set_ticket(market_buy("AAPL", 1))
    await orders.review()
    result = await orders.send()
    assert result.order is not None
    await wait_for(lambda: orders.state == OrderState.FILLED, timeout=15)
    assert any(o.has_fills for o in orders.tracked_orders)
    await wait_for(lambda: any(p.symbol == "AAPL" for p in stack.portfolio.positions), timeout=15)


async def test_failed_preflight_shows_errors_and_stays_in_draft(stack: Stack) -> None:
    orders = stack.orders
    _, reviews = _recorder(stack)
    errors: list[str] = []
    orders.error.connect(errors.append)
    orders.set_ticket(resting_limit(price="500.00", quantity=1_000_000))
    result = await orders.review()
    assert result.errors and reviews == [result]
    assert orders.state == OrderState.DRAFT and not orders.can_send
    assert "Review the order first" in (orders.send_refusal() or "")
    assert errors and "buying power" in errors[0].lower()


async def test_incomplete_ticket_is_refused_before_review(stack: Stack) -> None:
    orders = stack.orders
    orders.set_ticket(replace(resting_limit(), price=None))  # a limit order with no price
    with pytest.raises(SendRefused, match="not complete"):
        await orders.review()
    assert orders.state == OrderState.DRAFT


async def test_read_only_account_cannot_send(stack: Stack) -> None:
    await stack.portfolio.select_account(SHARED)
    orders = stack.orders
    orders.set_ticket(resting_limit(price="2.06"))
    assert "read-only" in (orders.send_refusal() or "")
    with pytest.raises(SendRefused, match="read-only"):
        await orders.send()
    with pytest.raises(SendRefused, match="read-only"):
        await orders.cancel(1)


async def test_replace_is_dry_run_first_and_returns_the_new_order(stack: Stack) -> None:
    placed = await stack.client.place_order(MAIN, resting_limit(price="2.07").to_json())
    assert placed.order is not None and placed.order.id is not None
    new = await stack.orders.replace(placed.order.id, resting_limit(price="2.08"))
    assert new.id != placed.order.id and new.price == Decimal("-2.08")
    with pytest.raises(SendRefused, match="not a valid increment"):  # off-tick: refused at review
        await stack.orders.replace(new.id or 0, resting_limit(price="2.085"))
    with pytest.raises(ApiError, match="legs must match"):  # a replace cannot change the legs
        await stack.orders.replace(new.id or 0, resting_limit(price="2.09", quantity=5))
    still = await stack.client.order(MAIN, new.id or 0)
    assert still.is_working and still.price == Decimal("-2.08"), "nothing was replaced"


async def test_complex_order_review_and_send(stack: Stack) -> None:
    trigger = resting_limit(price="2.09")
    close_leg = (OrderLeg("Equity", "SPY", OrderAction.SELL_TO_CLOSE, Decimal(1)),)
    bracket = NewComplexOrder(
        type="OTOCO",
        trigger_order=trigger,
        orders=(
            replace(trigger, legs=close_leg, price=Decimal("3.00"), price_effect="Credit"),
            replace(
                trigger,
                legs=close_leg,
                order_type="Stop",
                price=None,
                price_effect=None,
                stop_trigger=Decimal("1.50"),
            ),
        ),
    )
    orders = stack.orders
    orders.set_ticket(bracket)
    review = await orders.review()
    assert not review.errors and orders.state == OrderState.REVIEWED
    result = await orders.send()
    assert result.complex_order is not None
    assert orders.state == OrderState.WORKING and len(orders.tracked_orders) == 3
    assert result.complex_order.id is not None
    await orders.cancel_complex(result.complex_order.id)
    await wait_for(lambda: orders.state == OrderState.CANCELLED, timeout=15)


async def test_a_fill_missed_while_the_streamer_was_down_is_caught_by_the_resync(exchange: Any) -> None:
    stack = await signed_in_stack(
        exchange, streamer_options={"reconnect_base_s": 1.0, "reconnect_max_s": 2.0}
    )
    try:
        orders = stack.orders
        exchange.admin("faults", {"streamer_upgrade_status": 503})
        exchange.admin("actions/drop-account-streamer", {})
        await wait_for(lambda: stack.portfolio.streamer_state != "connected", timeout=10)
        orders.set_ticket(market_buy("QQQ", 1))
        await orders.review()
        await orders.send()
        assert orders.state == OrderState.WORKING  # the answer said Routed; the fill was not streamed
        await asyncio.sleep(1.0)  # it fills at the exchange meanwhile
        exchange.admin("faults/reset", {})
        await wait_for(lambda: orders.state == OrderState.FILLED, timeout=20)
    finally:
        await stack.close()
