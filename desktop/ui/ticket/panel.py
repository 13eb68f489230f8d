"""The Order entry dock content: legs, order fields, Review / Send, review result, risk graph.

Review (``reviewButton``, Ctrl+R) dry-runs the ticket; Send (``sendButton``, Ctrl+Enter) is
enabled only while ``OrderService.can_send`` (the ticket equals the reviewed order and the
dry-run had no errors or warnings). "Show order JSON" opens the exact requests and responses.
Requests from other panels (``SymbolBus.order_requested``) prefill the ticket.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.orders import OrderAction, OrderType
from desktop.ui.context import OrderRequest, UiContext, describe_error

from .actions import TicketActions
from .draft import TicketDraft
from .form import OrderForm, parse_price
from .instruments import refine_leg
from .json_view import JsonDialog
from .leg_quotes import LegQuotes
from .legs import TicketLeg, leg_from_symbol, opening_action
from .legs_table import LegsTable
from .review import ReviewPanel
from .risk import risk_profile
from .risk_graph import RiskGraph

log = logging.getLogger(__name__)

__all__ = ["OrderTicketPanel"]


def _button(name: str, text: str, tip: str) -> QPushButton:
    b = QPushButton(text)
    b.setObjectName(name)
    b.setToolTip(tip)
    b.setAutoDefault(False)
    return b


def _tool(name: str, text: str, tip: str) -> QToolButton:
    b = QToolButton()
    b.setObjectName(name)
    b.setText(text)
    b.setToolTip(tip)
    return b


class OrderTicketPanel(QWidget):
    """The order ticket (see the module docstring)."""

    def __init__(self, ctx: UiContext, draft: TicketDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderTicketView")
        self.ctx, self.draft = ctx, draft
        self.quotes = LegQuotes(ctx.hub, draft, self)
        self.flow = TicketActions(ctx, draft, self)
        self.json_dialog: JsonDialog | None = None
        self._build()
        self._risk_timer = QTimer(self)
        self._risk_timer.setSingleShot(True)
        self._risk_timer.setInterval(250)
        self._risk_timer.timeout.connect(self.update_risk)
        draft.changed.connect(self._draft_changed)
        draft.legs_changed.connect(self._legs_changed)
        self.quotes.updated.connect(self._quotes_updated)
        self.flow.problem.connect(self._problem)
        self.flow.busy_changed.connect(lambda _b: self.update_buttons())
        self.flow.exchange_changed.connect(self._exchange_changed)
        orders = ctx.orders
        if orders is not None:
            orders.state_changed.connect(self._state_changed)
            orders.review_ready.connect(self._review_ready)
            orders.order_updated.connect(lambda _o: self._state_changed(orders.state))
        ctx.account.changed.connect(lambda _n: self._state_changed(self._state()))
        ctx.bus.order_requested.connect(self.load_request)
        if ctx.theme is not None:
            ctx.theme.changed.connect(lambda: self.risk_graph.set_dark(ctx.theme.is_dark))
            self.risk_graph.set_dark(ctx.theme.is_dark)
        self._legs_changed()
        self._state_changed(self._state())

    # ---- layout -----------------------------------------------------------------------
    def _build(self) -> None:
        self.reason = QLabel("", self)
        self.reason.setObjectName("ticketReason")
        self.reason.setWordWrap(True)
        self.legs_table = LegsTable(self.draft, self.quotes.quote, self)
        self.remove_button = _tool("ticketRemoveLeg", "Remove", "Remove the selected legs (Delete)")
        self.reverse_button = _tool("ticketReverse", "Reverse", "Turn every buy into a sell and back")
        self.clear_button = _tool("ticketClear", "Clear", "Empty the ticket")
        self.symbol_edit = QLineEdit(self)
        self.symbol_edit.setObjectName("ticketSymbolEdit")
        self.symbol_edit.setPlaceholderText("Add: AAPL, /ESZ5, BTC/USD…")
        self.symbol_edit.setToolTip("Type a stock, future, crypto pair or option symbol, then Buy or Sell")
        self.symbol_edit.setMinimumWidth(60)
        self.add_buy = _tool("ticketAddBuy", "Buy", "Add a buy leg for the typed symbol")
        self.add_sell = _tool("ticketAddSell", "Sell", "Add a sell leg for the typed symbol")
        self.form = OrderForm(self.draft, self)
        self.review_button = _button(
            "reviewButton", "Review", "Dry-run the order: buying power, fees, checks (Ctrl+R)"
        )
        self.send_button = _button("sendButton", "Send", "Send exactly the reviewed order (Ctrl+Enter)")
        self.json_button = _button("jsonButton", "Show order JSON", "The exact requests and raw responses")
        self.review_panel = ReviewPanel(self)
        self.risk_graph = RiskGraph(self)
        legs_bar = QHBoxLayout()
        for w in (self.remove_button, self.reverse_button, self.clear_button):
            legs_bar.addWidget(w)
        legs_bar.addStretch(1)
        legs_bar.addWidget(self.symbol_edit)
        legs_bar.addWidget(self.add_buy)
        legs_bar.addWidget(self.add_sell)
        actions_bar = QHBoxLayout()
        actions_bar.addWidget(self.review_button)
        actions_bar.addWidget(self.send_button)
        actions_bar.addStretch(1)
        actions_bar.addWidget(self.json_button)
        top = QWidget(self)
        top_lay = QVBoxLayout(top)
        top_lay.setContentsMargins(4, 4, 4, 0)
        top_lay.setSpacing(3)
        top_lay.addWidget(self.reason)
        top_lay.addWidget(self.legs_table)
        top_lay.addLayout(legs_bar)
        top_lay.addWidget(self.form)
        top_lay.addLayout(actions_bar)
        top_lay.addWidget(self.review_panel)
        top_lay.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.setObjectName("ticketSplitter")
        splitter.addWidget(top)
        splitter.addWidget(self.risk_graph)
        splitter.setStretchFactor(0, 0)  # the form keeps its natural height, the graph takes the rest
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(0, False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(splitter)
        self.remove_button.clicked.connect(self.legs_table.remove_selected)
        self.reverse_button.clicked.connect(lambda: self.draft.reverse())
        self.clear_button.clicked.connect(self.draft.clear)
        self.add_buy.clicked.connect(lambda: self.add_symbol(True))
        self.add_sell.clicked.connect(lambda: self.add_symbol(False))
        self.symbol_edit.returnPressed.connect(lambda: self.add_symbol(True))
        self.review_button.clicked.connect(self.review)
        self.send_button.clicked.connect(self.send)
        self.json_button.clicked.connect(self.show_json)
        for name, keys, slot in (
            ("reviewAction", ("Ctrl+R",), self.review),
            ("sendAction", ("Ctrl+Return", "Ctrl+Enter"), self.send),
        ):
            act = QAction(self)
            act.setObjectName(name)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)

    # ---- user actions -------------------------------------------------------------------
    def review(self) -> None:
        if self.review_button.isEnabled():
            self.flow.review()

    def send(self) -> None:
        if self.send_button.isEnabled():
            self.flow.send(self)

    def show_json(self) -> None:
        if self.json_dialog is None:
            self.json_dialog = JsonDialog(self)
        self.json_dialog.show_exchange(self.flow.exchange)
        self.json_dialog.show()
        self.json_dialog.raise_()

    def add_symbol(self, buy: bool) -> None:
        text = self.symbol_edit.text().strip()
        if not text:
            return
        symbol = text if len(text) > 15 else text.upper()
        try:
            leg = leg_from_symbol(symbol, opening_action(buy, self._position(symbol)))
        except ValueError as exc:
            self._problem(f"{text}: {describe_error(exc)}")
            return
        self.symbol_edit.clear()
        self.draft.add_leg(leg)
        self.ctx.spawn(self._refine([leg.symbol]), f"Looking up {symbol}")

    def _position(self, symbol: str) -> Decimal:
        for p in getattr(self.ctx.portfolio, "positions", None) or ():
            if p.symbol == symbol:
                return p.signed_quantity
        return Decimal(0)

    async def _refine(self, symbols: list[str]) -> None:
        client = self.ctx.session.client
        for symbol in symbols:
            leg = self.draft.leg(symbol)
            if leg is not None:
                refined = await refine_leg(client, leg)
                if refined != leg and self.draft.leg(symbol) is not None:
                    self.draft.update_leg(refined.with_action(self.draft.leg(symbol).action))

    def load_request(self, request: OrderRequest) -> None:
        """Prefill from another panel (close a position, a chart click); review as usual."""
        if self.ctx.account.read_only:
            return
        legs: list[TicketLeg] = []
        try:
            for r in request.legs:
                under = request.underlying if "Option" in r.instrument_type else ""
                kind = r.instrument_type or None
                legs.append(
                    leg_from_symbol(r.symbol, OrderAction(r.action), instrument_type=kind, underlying=under)
                )
        except ValueError as exc:
            self._problem(f"The requested order cannot be built: {describe_error(exc)}")
            return
        self.draft.load_legs_with_quantities(
            legs, [Decimal(r.quantity) for r in request.legs], request.reason
        )
        self.draft.set_order_type(OrderType(request.order_type))
        if request.price is not None and request.order_type in ("Limit", "Stop Limit"):
            if request.price_effect:
                self.draft.set_effect(request.price_effect)
            self.draft.set_price(request.price)
        self.ctx.spawn(self._refine([leg.symbol for leg in legs]), "Looking up the order's instruments")

    # ---- reacting -----------------------------------------------------------------------
    def _state(self) -> str:
        return self.ctx.orders.state if self.ctx.orders is not None else "Draft"

    def _draft_changed(self) -> None:
        self.reason.setText(self.draft.reason)
        self.reason.setVisible(bool(self.draft.reason))
        self._state_changed(self._state())  # a Draft that changed again says so
        if not self._risk_timer.isActive():
            self._risk_timer.start()

    def _legs_changed(self) -> None:
        self.update_buttons()
        self.update_risk()

    def _quotes_updated(self, symbols: set[Any]) -> None:
        self.legs_table.refresh_symbols(symbols)
        if not self._risk_timer.isActive():
            self._risk_timer.start()

    def _state_changed(self, state: str) -> None:
        detail = ""
        orders = self.ctx.orders
        if orders is not None and state in ("Working", "Filled", "Cancelled", "Rejected"):
            tracked = orders.tracked_orders
            detail = ", ".join(f"order {o.id} {o.status}" for o in tracked if o.id is not None)
        if self.ctx.account.read_only:
            detail = f"account {self.ctx.account.account_number} is read-only: orders cannot be sent"
        shown = state
        if state == "Draft" and not (orders is not None and orders.last_review is not None):
            self.review_panel.mark_stale()
            if self.review_panel.stale:
                shown = "Changed"
        self.review_panel.show_state(shown, detail)
        self.update_buttons()

    def _review_ready(self, result: Any) -> None:
        self.review_panel.show_result(result, self.flow.net_liq())
        self.update_buttons()

    def _problem(self, text: str) -> None:
        self.review_panel.show_local_problems([text])
        self.ctx.messages.warning("Order ticket: %s", text)

    def _exchange_changed(self) -> None:
        if self.json_dialog is not None and self.json_dialog.isVisible():
            self.json_dialog.show_exchange(self.flow.exchange)

    def update_buttons(self) -> None:
        orders = self.ctx.orders
        state = self._state()
        busy = self.flow.busy or state in ("DryRunPending", "Submitting")
        self.review_button.setEnabled(bool(self.draft.legs) and not busy)
        refusal = orders.send_refusal() if orders is not None else "Not signed in."
        last = getattr(orders, "last_review", None)
        if refusal is not None and last is not None and (last.errors or last.warnings):
            kind = "errors" if last.errors else "warnings"
            refusal = f"the review found {kind}: " + "; ".join(str(p) for p in last.problems)
        self.send_button.setEnabled(refusal is None and not busy)
        self.send_button.setToolTip(
            "Send exactly the reviewed order (Ctrl+Enter)"
            if refusal is None
            else f"Send is disabled: {refusal}"
        )
        for b in (self.remove_button, self.reverse_button, self.clear_button):
            b.setEnabled(bool(self.draft.legs))

    def update_risk(self) -> None:
        legs = self.draft.legs
        if not legs:
            self.risk_graph.show_profile(None, "Add legs to see the risk graph")
            self.review_panel.show_risk(None)
            return
        spot = self.quotes.underlying_price(legs[0])
        try:
            profile = risk_profile(
                legs,
                self.draft.size,
                self.draft.price,
                self.draft.price_effect,
                self.draft.quotes,
                self.quotes.implied_volatility,
                spot,
            )
        except Exception:
            log.exception("The risk graph could not be computed")
            profile = None
        self.risk_graph.show_profile(profile)
        self.review_panel.show_risk(profile)

    def typed_price(self) -> Decimal | None:
        return parse_price(self.form.price.text())
