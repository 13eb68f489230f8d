"""The order ticket: multi-leg order entry with a mandatory dry-run, risk graph and order JSON.

``create_order_ticket(ctx)`` builds the ``orderTicket`` dock's content. ``ticket_draft(ctx)``
is the one :class:`~desktop.ui.ticket.draft.TicketDraft` of a ``UiContext``: the option chain
adds legs to it, the ticket shows and sends it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.ui.ticket.draft import BracketMode, TicketDraft
from desktop.ui.ticket.legs import TicketLeg

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from desktop.ui.context import UiContext

__all__ = ["BracketMode", "TicketDraft", "TicketLeg", "create_order_ticket", "ticket_draft"]


def ticket_draft(ctx: UiContext) -> TicketDraft:
    """The context's ticket draft (created on first use, owned by the context)."""
    draft = ctx.findChild(TicketDraft, "ticketDraft")
    if draft is None:
        draft = TicketDraft(ctx)
    return draft


def create_order_ticket(ctx: UiContext) -> QWidget:
    """The ``orderTicket`` dock content."""
    from desktop.ui.ticket.panel import OrderTicketPanel

    return OrderTicketPanel(ctx, ticket_draft(ctx))
