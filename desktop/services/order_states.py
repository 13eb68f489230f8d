"""Order ticket states, the ticket protocol, and what a set of sent orders amounts to."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Protocol

from desktop.api.models import Order


class Ticket(Protocol):
    """``core.orders.NewOrder`` or ``NewComplexOrder``."""

    def to_json(self) -> str: ...
    def fingerprint(self) -> str: ...
    def problems(self) -> list[str]: ...


class OrderState(StrEnum):
    DRAFT = "Draft"
    DRY_RUN_PENDING = "DryRunPending"
    REVIEWED = "Reviewed"
    SUBMITTING = "Submitting"
    WORKING = "Working"
    FILLED = "Filled"
    CANCELLED = "Cancelled"
    REJECTED = "Rejected"
    FAILED = "Failed"


class SendRefused(Exception):
    """An order action was refused before anything was sent; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_complex(ticket: Any) -> bool:
    """True for a ``NewComplexOrder`` (it has ``orders``, not ``legs``)."""
    return hasattr(ticket, "orders") and not hasattr(ticket, "legs")


def state_for_orders(orders: list[Order]) -> OrderState:
    """The ticket state a set of sent orders amounts to (one order, or a complex order's)."""
    if not orders or any(not o.is_terminal for o in orders):
        return OrderState.WORKING
    if any(o.status == "Filled" for o in orders):
        return OrderState.FILLED
    if all(o.status == "Rejected" for o in orders):
        return OrderState.REJECTED
    return OrderState.CANCELLED
