"""The order ticket's life: review by dry-run, then (and only then) send; cancel and replace.

State machine (design.md "The order flow")::

    Draft --review--> DryRunPending --ok--> Reviewed --send--> Submitting --> Working/Filled/...
      ^                    |                    |
      +------ errors ------+---- any edit ------+

``review()`` posts the ticket's exact JSON to the dry-run endpoint and remembers a
fingerprint of what was reviewed (account + ``fingerprint()`` of the JSON). ``send()`` posts
the very same text, and only when the state is Reviewed, the review had no warnings and no
errors, the account may trade, and the ticket's current fingerprint equals the reviewed one.
Any change to the ticket or the account returns to Draft. The sent order is then followed
through the account streamer (Working -> Filled / Cancelled / Rejected).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.api.errors import ApiError, OrderStatusUnknown, PreflightFailed
from desktop.api.models import ComplexOrder, DryRunResult, Order, PlacedOrderResult
from desktop.services.order_states import OrderState, SendRefused, Ticket, is_complex, state_for_orders
from desktop.services.portfolio import PortfolioService
from desktop.services.session import SessionService

log = logging.getLogger(__name__)

__all__ = ["OrderService", "OrderState", "SendRefused", "Ticket", "state_for_orders"]


class OrderService(QObject):
    """Review-before-send for the order ticket, plus cancel and replace of working orders.

    Signals: ``state_changed(str)`` (an :class:`OrderState` value), ``review_ready(object)``
    (the :class:`DryRunResult`, also when it has errors), ``order_updated(object)`` (the sent
    order and every later version of it; also results of cancel/replace), ``error(str)``.
    """

    state_changed = Signal(str)
    review_ready = Signal(object)
    order_updated = Signal(object)
    error = Signal(str)

    def __init__(
        self, session: SessionService, portfolio: PortfolioService, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.portfolio = portfolio
        self._state = OrderState.DRAFT
        self._ticket: Ticket | None = None
        self._ticket_key: tuple[str, str] | None = None
        self._reviewed_key: tuple[str, str] | None = None
        self._reviewed_json: str | None = None
        self.last_review: DryRunResult | None = None
        self.last_result: PlacedOrderResult | None = None
        self._review_generation = 0
        self._tracked: dict[int, Order] = {}
        self._tracked_complex_id: int | None = None
        portfolio.order_updated.connect(self._on_order_event)
        portfolio.orders_changed.connect(self._on_orders_reloaded)
        portfolio.account_changed.connect(self._on_account_changed)
        session.signed_out.connect(self._on_signed_out)

    # --- state ----------------------------------------------------------------------------

    @property
    def state(self) -> str:
        return self._state.value

    @property
    def ticket(self) -> Ticket | None:
        return self._ticket

    @property
    def tracked_orders(self) -> list[Order]:
        """The sent order (or a complex order's children), latest versions."""
        return list(self._tracked.values())

    def _set_state(self, state: OrderState) -> None:
        if state is not self._state:
            log.debug("Order ticket %s -> %s", self._state.value, state.value)
            self._state = state
            self.state_changed.emit(state.value)

    def _account_number(self) -> str | None:
        account = self.portfolio.selected_account
        return account.account_number if account is not None else None

    def _key(self) -> tuple[str, str] | None:
        number = self._account_number()
        if self._ticket is None or number is None:
            return None
        return (number, self._ticket.fingerprint())

    # --- the ticket -----------------------------------------------------------------------

    def set_ticket(self, ticket: Ticket | None) -> None:
        """The ticket's current content. Anything different from before returns to Draft."""
        self._ticket = ticket
        self._ticket_changed()

    def _ticket_changed(self) -> None:
        key = self._key()
        if key == self._ticket_key:
            return
        self._ticket_key = key
        self._review_generation += 1  # a review in flight no longer applies
        if self._state in (OrderState.SUBMITTING,):
            return  # the send in flight finishes; its outcome is still reported
        self._reviewed_key = None
        self._reviewed_json = None
        self.last_review = None
        self._tracked.clear()
        self._tracked_complex_id = None
        self._set_state(OrderState.DRAFT)

    def _on_account_changed(self, _account: object) -> None:
        self._ticket_changed()

    def _on_signed_out(self) -> None:
        self.set_ticket(None)

    def send_refusal(self) -> str | None:
        """Why Send is disabled right now (plain words), or ``None`` when it is allowed."""
        account = self.portfolio.selected_account
        if self._ticket is None:
            return "There is no order to send."
        if account is None or not self.session.is_ready:
            return "Not signed in to an account."
        if not account.can_trade:
            return f"Account {account.account_number} is read-only: orders cannot be sent from it."
        if self._state is OrderState.DRY_RUN_PENDING:
            return "The review is still running."
        if self._state is OrderState.SUBMITTING:
            return "The order is being sent."
        if self._state is not OrderState.REVIEWED or self.last_review is None:
            return "Review the order first: only an order that passed a dry-run can be sent."
        if self.last_review.errors:
            return "The review found errors: " + "; ".join(str(e) for e in self.last_review.errors)
        if self.last_review.warnings:
            return "The review has warnings: " + "; ".join(str(w) for w in self.last_review.warnings)
        if self._key() != self._reviewed_key:
            return "The order changed since it was reviewed. Review it again."
        return None

    @property
    def can_send(self) -> bool:
        return self.send_refusal() is None

    # --- review ---------------------------------------------------------------------------

    async def review(self) -> DryRunResult:
        """Dry-run the ticket as it is now; Reviewed on a clean result, else back to Draft."""
        ticket, number = self._ticket, self._account_number()
        client = self.session.client
        if ticket is None or number is None or client is None:
            raise self._refuse("There is no order or account to review.")
        problems = ticket.problems()
        if problems:
            raise self._refuse("The order is not complete: " + "; ".join(problems))
        order_json = ticket.to_json()
        key = (number, ticket.fingerprint())
        self._review_generation += 1
        generation = self._review_generation
        self._set_state(OrderState.DRY_RUN_PENDING)
        try:
            if is_complex(ticket):
                result = await client.dry_run_complex_order(number, order_json)
            else:
                result = await client.dry_run(number, order_json)
        except PreflightFailed as exc:
            result = exc.dry_run or DryRunResult()
            if generation == self._review_generation:
                self.last_review = result
                self._set_state(OrderState.DRAFT)
                self.review_ready.emit(result)
                self.error.emit(exc.message)
            return result
        except ApiError as exc:
            if generation == self._review_generation:
                self._set_state(OrderState.DRAFT)
                self.error.emit(f"The review failed: {exc.message}")
            raise
        except BaseException:
            if generation == self._review_generation:
                self._set_state(OrderState.DRAFT)
            raise
        if generation != self._review_generation or self._key() != key:
            log.info("Discarding a review of an order that changed meanwhile")
            return result
        self.last_review = result
        if result.errors:
            self._set_state(OrderState.DRAFT)
        else:
            self._reviewed_key = key
            self._reviewed_json = order_json
            self._set_state(OrderState.REVIEWED)
        self.review_ready.emit(result)
        return result

    # --- send -----------------------------------------------------------------------------

    async def send(self) -> PlacedOrderResult:
        """Send exactly the reviewed order. Raises :class:`SendRefused` when not allowed."""
        refusal = self.send_refusal()
        if refusal is not None:
            raise self._refuse(refusal)
        client, number, order_json = self.session.client, self._account_number(), self._reviewed_json
        assert (
            client is not None and number is not None and order_json is not None and self._ticket is not None
        )
        complex_ticket = is_complex(self._ticket)
        sent_key = self._reviewed_key
        self._set_state(OrderState.SUBMITTING)
        self._reviewed_key = None  # one review, one send
        try:
            if complex_ticket:
                result = await client.place_complex_order(number, order_json)
            else:
                result = await client.place_order(number, order_json)
        except PreflightFailed as exc:
            self._set_state(OrderState.REJECTED)
            self.error.emit(exc.message)
            raise
        except OrderStatusUnknown as exc:
            self._set_state(OrderState.FAILED)
            self.error.emit(exc.message)
            raise
        except ApiError as exc:
            self._set_state(OrderState.FAILED)
            self.error.emit(f"Sending the order failed: {exc.message}")
            raise
        except BaseException:
            self._set_state(OrderState.FAILED)
            raise
        self.last_result = result
        self._track(result)
        if self._key() != sent_key:  # the ticket was edited while sending: it is a new draft
            self._set_state(OrderState.DRAFT)
        if result.recovered:
            self.error.emit("The send timed out, but the order was found among the account's orders.")
        return result

    def _track(self, result: PlacedOrderResult) -> None:
        self._tracked.clear()
        self._tracked_complex_id = None
        orders: list[Order] = []
        if result.complex_order is not None:
            self._tracked_complex_id = result.complex_order.id
            orders = list(result.complex_order.all_orders)
        elif result.order is not None:
            orders = [result.order]
        for order in orders:
            if order.id is not None:
                latest = self.portfolio.order(order.id, order.account_number or None)
                self._tracked[order.id] = latest if latest is not None and latest.updated_at else order
        for order in self._tracked.values():
            self.order_updated.emit(order)
        self._set_state(state_for_orders(list(self._tracked.values())))

    def _on_orders_reloaded(self, orders: list[Order]) -> None:
        """A REST (re)load of today's orders: catches what a disconnected streamer missed."""
        for order in orders:
            known = self._tracked.get(order.id) if order.id is not None else None
            joins = (
                self._tracked_complex_id is not None and order.complex_order_id == self._tracked_complex_id
            )
            if (known is not None and known != order) or (known is None and joins):
                self._on_order_event(order)

    def _on_order_event(self, order: Order) -> None:
        if order.id is None:
            return
        joins = self._tracked_complex_id is not None and order.complex_order_id == self._tracked_complex_id
        if order.id not in self._tracked and not joins:
            return
        known = self._tracked.get(order.id)
        if (
            known is not None
            and known.updated_at
            and order.updated_at
            and order.updated_at < known.updated_at
        ):
            return  # an older version than the one we have
        self._tracked[order.id] = order
        self.order_updated.emit(order)
        if self._state in (OrderState.WORKING, OrderState.FILLED, OrderState.CANCELLED, OrderState.REJECTED):
            self._set_state(state_for_orders(list(self._tracked.values())))

    # --- working orders -------------------------------------------------------------------

    def _trading_client(self) -> tuple[Any, str]:
        account, client = self.portfolio.selected_account, self.session.client
        if account is None or client is None:
            raise self._refuse("Not signed in to an account.")
        if not account.can_trade:
            raise self._refuse(f"Account {account.account_number} is read-only.")
        return client, account.account_number

    async def cancel(self, order_id: int) -> Order:
        """Ask to cancel a working order (the final Cancelled comes from the streamer)."""
        client, number = self._trading_client()
        try:
            order = await client.cancel_order(number, order_id)
        except ApiError as exc:
            self.error.emit(exc.message)
            raise
        self.order_updated.emit(order)
        return order

    async def cancel_complex(self, complex_order_id: int) -> ComplexOrder:
        client, number = self._trading_client()
        try:
            complex_order = await client.cancel_complex_order(number, complex_order_id)
        except ApiError as exc:
            self.error.emit(exc.message)
            raise
        for child in complex_order.all_orders:
            self.order_updated.emit(child)
        return complex_order

    async def review_replace(self, order_id: int, new_order: Ticket) -> DryRunResult:
        """Dry-run a replacement for ``order_id`` (PreflightFailed results are returned)."""
        client, number = self._trading_client()
        problems = new_order.problems()
        if problems:
            raise self._refuse("The new order is not complete: " + "; ".join(problems))
        try:
            return await client.dry_run_replace(number, order_id, new_order.to_json())
        except PreflightFailed as exc:
            return exc.dry_run or DryRunResult()

    async def replace(self, order_id: int, new_order: Ticket) -> Order:
        """Cancel-replace ``order_id`` with ``new_order``, after a clean dry-run of the change."""
        client, number = self._trading_client()
        review = await self.review_replace(order_id, new_order)
        if not review.ok:
            raise self._refuse(
                "The change did not pass review: " + "; ".join(str(p) for p in review.problems)
            )
        try:
            result = await client.replace_order(number, order_id, new_order.to_json())
        except ApiError as exc:
            self.error.emit(f"Replacing order {order_id} failed: {exc.message}")
            raise
        if result.order is None:
            raise ApiError("The server did not return the replacement order.")
        self.order_updated.emit(result.order)
        return result.order

    def _refuse(self, reason: str) -> SendRefused:
        log.info("Order action refused: %s", reason)
        self.error.emit(reason)
        return SendRefused(reason)
