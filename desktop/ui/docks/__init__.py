"""The nine docks: object names, titles, shortcuts and the factories that build their content.

Each factory takes the :class:`~desktop.ui.context.UiContext` and returns the dock's widget.
Our own panels are imported lazily (start-up cost); the chain, chart and ticket factories come
from the other UI packages and fall back to an honest placeholder while they do not exist.
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
    external: bool = False  # built by another team's package


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
        external=True,
    ),
    DockSpec(
        "chartPanel",
        "Chart",
        "desktop.ui.charts:create_chart_panel",
        "Alt+7",
        "Live candle chart",
        external=True,
    ),
    DockSpec(
        "orderTicket",
        "Order entry",
        "desktop.ui.ticket:create_order_ticket",
        "Alt+8",
        "Build, review (dry-run) and send orders",
        external=True,
    ),
    DockSpec(
        "messagesPanel",
        "Messages",
        "",
        "Alt+9",
        "What the app did, and every error in plain words",
    ),
)


def _placeholder(text: str) -> QWidget:
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setProperty("tone", "muted")
    return label


def build_panel(spec: DockSpec, ctx: UiContext) -> QWidget:
    """Build a dock's content; a missing or failing factory gives an explanatory label instead."""
    module_name, _, func_name = spec.factory.partition(":")
    try:
        module = importlib.import_module(module_name)
        factory: Callable[[UiContext], QWidget] | None = getattr(module, func_name, None)
    except ImportError as exc:
        if not spec.external:
            raise
        log.info("%s is not available in this build (%s)", spec.title, exc)
        factory = None
    if factory is None:
        return _placeholder(f"{spec.title} is not available in this build.")
    try:
        return factory(ctx)
    except Exception as exc:
        log.exception("The %s panel could not be built: %s", spec.title, describe_error(exc))
        return _placeholder(
            f"{spec.title} could not be started: {describe_error(exc)}\nSee Messages for details."
        )
