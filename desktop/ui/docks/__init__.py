"""The nine docks: object names, titles, shortcuts and the factories that build their content.

Each factory takes the :class:`~desktop.ui.context.UiContext` and returns the dock's widget.
Panels are imported lazily (start-up cost); the chain, chart and ticket factories come from
their own packages. A factory that fails leaves an explanatory :class:`PanelFailed` in its dock
(and fails the smoke test), never a silent gap.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from desktop.ui.context import UiContext, describe_error

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DockSpec:
    object_name: str
    title: str
    factory: str  # "module:function"
    shortcut: str
    tooltip: str


DOCKS: tuple[DockSpec, ...] = (
    DockSpec(
        "accountPanel",
        "Account",
        "desktop.ui.docks.account:create_account_panel",
        "Alt+1",
        "Account picker and balances",
    ),
    DockSpec(
        "positionsPanel",
        "Positions",
        "desktop.ui.docks.positions:create_positions_panel",
        "Alt+2",
        "Open positions by underlying with live P/L and greeks",
    ),
    DockSpec(
        "ordersPanel",
        "Orders",
        "desktop.ui.docks.orders:create_orders_panel",
        "Alt+3",
        "Working and today's orders",
    ),
    DockSpec(
        "activityPanel",
        "Activity",
        "desktop.ui.docks.activity:create_activity_panel",
        "Alt+4",
        "Transactions: trades, fees, money movements",
    ),
    DockSpec(
        "watchlistPanel",
        "Watchlist",
        "desktop.ui.docks.watchlist:create_watchlist_panel",
        "Alt+5",
        "Your watchlists and the public ones, with live quotes",
    ),
    DockSpec(
        "chainPanel",
        "Option chain",
        "desktop.ui.chain:create_chain_panel",
        "Alt+6",
        "Option chain: click bids and asks to build orders",
    ),
    DockSpec(
        "chartPanel",
        "Chart",
        "desktop.ui.charts:create_chart_panel",
        "Alt+7",
        "Live candle chart",
    ),
    DockSpec(
        "orderTicket",
        "Order entry",
        "desktop.ui.ticket:create_order_ticket",
        "Alt+8",
        "Build, review (dry-run) and send orders",
    ),
    DockSpec(
        "messagesPanel",
        "Messages",
        "",
        "Alt+9",
        "What the app did, and every error in plain words",
    ),
)


class PanelFailed(QLabel):
    """What a dock shows when its content could not be built (the reason is in Messages)."""

    def __init__(self, title: str, reason: str) -> None:
        super().__init__(f"{title} could not be started: {reason}\nSee Messages for details.")
        self.reason = reason
        self.setObjectName("panelFailed")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setProperty("tone", "negative")


def build_panel(spec: DockSpec, ctx: UiContext) -> QWidget:
    """Build a dock's content; a failing factory (or a missing module) gives a :class:`PanelFailed`."""
    module_name, _, func_name = spec.factory.partition(":")
    try:
        factory: Callable[[UiContext], QWidget] = getattr(importlib.import_module(module_name), func_name)
        return factory(ctx)
    except Exception as exc:
        log.exception("The %s panel could not be built: %s", spec.title, describe_error(exc))
        return PanelFailed(spec.title, describe_error(exc))
