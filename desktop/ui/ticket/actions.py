"""Review and Send for the ticket, through ``OrderService`` (dry-run first, then exactly that).

:class:`TicketActions` keeps the service's ticket equal to the draft's order (so any edit, or
the auto price moving, returns it to Draft), runs the dry-run, asks the confirmation that
names the environment, sends, and records the exact requests and raw responses for the JSON
view. Every refusal and failure is reported in plain words (``problem``) and in Messages.
"""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from desktop.core.orders import NewComplexOrder, PriceEffect
from desktop.ui import format as fmt
from desktop.ui.context import UiContext, describe_error

from .confirm import confirm_send
from .draft import TicketDraft
from .json_view import OrderExchange

log = logging.getLogger(__name__)

__all__ = ["TicketActions", "order_summary"]


def _order_path(account: str, order: Any, dry_run: bool) -> str:
    kind = "complex-orders" if isinstance(order, NewComplexOrder) else "orders"
    return f"POST /accounts/{account}/{kind}{'/dry-run' if dry_run else ''}"


def order_summary(draft: TicketDraft, review: Any) -> list[str]:
    """The lines the confirmation shows: legs, price, time in force, brackets, BP, fees."""
    lines = [
        f"{leg.action.value} {fmt.quantity(leg.quantity(draft.size))} {fmt.describe_symbol(leg.symbol)}"
        for leg in draft.legs
    ]
    kind = draft.order_type.value
    if draft.price is not None and kind in ("Limit", "Stop Limit"):
        effect = "debit" if draft.price_effect is PriceEffect.DEBIT else "credit"
        kind += f" {fmt.price(draft.price)} {effect}"
    if draft.stop_trigger is not None and kind.startswith("Stop"):
        kind += f", stop {fmt.price(draft.stop_trigger)}"
    lines.append(f"{kind}, {draft.time_in_force.value}" + (f" {draft.gtc_date}" if draft.gtc_date else ""))
    if draft.bracket.value != "none":
        lines.append(
            f"Bracket ({draft.bracket.value.upper()}): take profit {fmt.price(draft.profit_price)}, "
            f"stop {fmt.price(draft.bracket_stop)}"
        )
    bpe = getattr(review, "buying_power_effect", None)
    if bpe is not None:
        lines.append(f"Buying power change {fmt.signed_money(bpe.change_in_buying_power)}")
    fees = getattr(review, "fee_calculation", None)
    if fees is not None:
        lines.append(f"Estimated fees {fmt.money(abs(fees.total_fees), 2)}")
    return lines


class TicketActions(QObject):
    """Signals: ``problem(str)`` (a refusal or failure, in words), ``exchange_changed()``,
    ``busy_changed(bool)``."""

    problem = Signal(str)
    exchange_changed = Signal()
    busy_changed = Signal(bool)

    def __init__(self, ctx: UiContext, draft: TicketDraft, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.draft = ctx, draft
        self.exchange = OrderExchange()
        self.busy = False
        draft.changed.connect(self.sync_ticket)
        self.sync_ticket()

    @property
    def orders(self) -> Any:
        return self.ctx.orders

    def _account(self) -> str:
        account = getattr(self.ctx.portfolio, "selected_account", None)
        return account.account_number if account is not None else self.ctx.account.account_number

    def _set_busy(self, busy: bool) -> None:
        """Busy: a dry-run or a send is under way; the auto price holds still meanwhile."""
        self.busy = busy
        self.draft.hold_price(busy)
        self.busy_changed.emit(busy)

    def sync_ticket(self) -> None:
        """Hand the draft's current order to the service (a different order is a new Draft)."""
        order = self.draft.order()
        if self.orders is not None:
            self.orders.set_ticket(order)
        self.exchange.current_request = order.to_json() if order is not None else ""
        self.exchange_changed.emit()

    # ---- review --------------------------------------------------------------------------
    def local_problems(self) -> list[str]:
        order = self.draft.order()
        if order is None:
            return ["Add a leg first: click a bid or an ask in the option chain, or type a symbol."]
        return order.problems(date.today())

    def review(self) -> bool:
        """Start the dry-run; ``False`` (with ``problem``) when the order is incomplete."""
        if self.busy:
            return False
        problems = self.local_problems()
        if problems:
            self.problem.emit("; ".join(problems))
            return False
        self.sync_ticket()
        order = self.orders.ticket
        self.exchange.review_path = _order_path(self._account(), order, True)
        self.exchange.review_request = order.to_json()
        self.exchange.review_response = ""
        self.exchange_changed.emit()
        self._set_busy(True)  # until the dry-run answers: no second click, no send
        self.ctx.spawn(self._review(), "Reviewing the order")
        return True

    async def _review(self) -> None:
        try:
            result = await self.orders.review()
        except Exception as exc:
            self.problem.emit(describe_error(exc))
            log.info("Review did not complete: %s", describe_error(exc))
            return
        finally:
            self._set_busy(False)
        self.exchange.review_response = result.raw_json or ""
        self.exchange_changed.emit()
        if result.errors or result.warnings:
            self.ctx.messages.warning(
                "The review found %s: %s",
                "errors" if result.errors else "warnings",
                "; ".join(str(p) for p in result.problems),
            )
        else:
            self.ctx.messages.info("Order reviewed: it can be sent.")

    # ---- send ----------------------------------------------------------------------------
    def send(self, parent: QWidget | None = None) -> bool:
        if self.busy:
            return False
        refusal = self.orders.send_refusal()
        if refusal is not None:
            self.problem.emit(refusal)
            return False
        self._set_busy(True)
        self.ctx.spawn(self._send(parent), "Sending the order")
        return True

    async def _send(self, parent: QWidget | None) -> None:
        env = getattr(self.ctx.session.environment, "name", "") or ""
        try:
            lines = order_summary(self.draft, self.orders.last_review)
            if not await confirm_send(env, lines, self.ctx.settings, parent):
                self.ctx.messages.info("The order was not sent.")
                return
            refusal = self.orders.send_refusal()  # the ticket may have moved while asking
            if refusal is not None:
                self.problem.emit(refusal)
                return
            order = self.orders.ticket
            self.exchange.send_path = _order_path(self._account(), order, False)
            self.exchange.send_request = order.to_json()
            self.exchange.send_response = ""
            self.exchange_changed.emit()
            try:
                result = await self.orders.send()
            except Exception as exc:
                self.problem.emit(describe_error(exc))
                return
        finally:
            self._set_busy(False)
        self.exchange.send_response = result.raw_json or ""
        self.exchange_changed.emit()
        placed = result.order or (result.complex_order.trigger_order if result.complex_order else None)
        ident = result.complex_order.id if result.complex_order is not None else getattr(placed, "id", None)
        status = getattr(placed, "status", "") or "sent"
        self.ctx.messages.info("Order %s sent to %s: %s.", ident, env.capitalize() or "the server", status)

    # ---- reading ------------------------------------------------------------------------------
    def net_liq(self) -> Decimal | None:
        balance = getattr(self.ctx.portfolio, "balance", None)
        return getattr(balance, "net_liquidating_value", None)
