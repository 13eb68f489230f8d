"""Orders dock <-> portfolio (today's orders, live from the streamer) and order service (cancel, replace)."""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop.core.orders import NewOrder
from desktop.ui.context import UiContext
from desktop.ui.docks.orders import OrdersPanel

log = logging.getLogger(__name__)


def replacement_with_price(order: Any, price: Decimal) -> NewOrder:
    """The same order (legs, type, time in force, effect) at a new limit price."""
    if order.raw is None:
        raise ValueError("the order's details are not available")
    original = NewOrder.from_wire(order.raw)
    return replace(original, price=abs(price), source=None, external_identifier=None)


async def _reported(coro: Any) -> None:
    """Await an order-service call whose failures the service already reports (its ``error``)."""
    try:
        await coro
    except Exception as exc:
        log.debug("order action failed (already reported): %s", exc)


def bind_orders_panel(ctx: UiContext) -> QWidget:
    portfolio, orders = ctx.portfolio, ctx.orders

    def cancel(order: Any) -> None:
        ctx.messages.info("Cancelling order %s…", order.id)
        ctx.spawn(_reported(orders.cancel(order.id)), f"Cancelling order {order.id}")

    def replace(order: Any, price: Decimal) -> None:
        ctx.messages.info("Replacing the price of order %s with %s…", order.id, price)
        try:
            ticket = replacement_with_price(order, price)
        except ValueError as exc:
            ctx.messages.error("Order %s cannot be replaced: %s", order.id, exc)
            return
        ctx.spawn(_reported(orders.replace(order.id, ticket)), f"Replacing order {order.id}")

    panel = OrdersPanel(cancel, replace)
    portfolio.orders_changed.connect(panel.set_orders)

    def account_changed(*_: object) -> None:
        panel.set_orders([])
        panel.loaded = False  # until the new account's orders arrive

    portfolio.account_changed.connect(account_changed)
    ctx.account.changed.connect(lambda *_: panel.set_read_only(ctx.account.read_only))

    def ready() -> str | None:
        return None if panel.loaded else "orders not loaded"

    ctx.readiness.add("orders", ready)
    return panel
