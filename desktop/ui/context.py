"""What every panel gets: :class:`UiContext` (services, symbol bus, account, messages, settings).

The chain, chart and order-ticket factories (``create_chain_panel(ctx)`` and friends) receive one
``UiContext``. They read services from it, listen to :class:`SymbolBus` for "load this symbol",
register smoke-test checks in :class:`Readiness`, and start async work with :meth:`UiContext.spawn`
so failures end up in the Messages dock instead of being lost.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from desktop.ui.theme import ThemeManager

log = logging.getLogger(__name__)

#: The logger whose lines the Messages dock shows as "what the app did" (any ``desktop.*``
#: logger at INFO or above shows too; DEBUG only with ``--debug``).
MESSAGES_LOGGER = "desktop.messages"

#: Panels that follow the symbol selection when linked (dock object names).
LINKABLE_PANELS = {"chartPanel": "Chart", "chainPanel": "Option chain", "orderTicket": "Order entry"}


@dataclass(frozen=True, slots=True)
class SymbolSelection:
    """ "Load this symbol": REST symbols (``"AAPL"``, ``"SPY   260417C00500000"``, ``"/ESM6"``)."""

    symbol: str
    underlying: str
    instrument_type: str = "Equity"
    source: str = ""  # objectName of the panel that selected it


@dataclass(frozen=True, slots=True)
class OrderLegRequest:
    symbol: str
    instrument_type: str
    action: str  # wire action, e.g. "Sell to Close"
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A prefilled ticket (e.g. "close this position"); the ticket still reviews it by dry-run."""

    account_number: str
    legs: tuple[OrderLegRequest, ...]
    underlying: str
    order_type: str = "Limit"
    price: Decimal | None = None  # suggested limit price (magnitude)
    price_effect: str | None = None  # "Debit" | "Credit"
    reason: str = ""  # shown on the ticket, e.g. "Close 2 AAPL calls"
    source: str = ""


class SymbolBus(QObject):
    """Cross-panel requests: load a symbol, prefill an order; with a link toggle per panel.

    Consumers either connect to ``symbol_selected`` and check :meth:`is_linked` for their
    panel, or use :meth:`connect_linked`, which does both.
    """

    symbol_selected = Signal(object)  # SymbolSelection
    order_requested = Signal(object)  # OrderRequest
    link_changed = Signal(str, bool)  # panel object name, linked

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._linked: dict[str, bool] = dict.fromkeys(LINKABLE_PANELS, True)
        self._actions: dict[str, QAction] = {}
        self.last: SymbolSelection | None = None

    def select(self, selection: SymbolSelection) -> None:
        self.last = selection
        self.symbol_selected.emit(selection)

    def request_order(self, request: OrderRequest) -> None:
        self.order_requested.emit(request)

    def is_linked(self, panel: str) -> bool:
        return self._linked.get(panel, True)

    def set_linked(self, panel: str, linked: bool) -> None:
        if self._linked.get(panel) == linked:
            return
        self._linked[panel] = linked
        if panel in self._actions:
            self._actions[panel].setChecked(linked)
        self.link_changed.emit(panel, linked)

    def connect_linked(self, panel: str, slot: Callable[[SymbolSelection], object]) -> None:
        """Call ``slot(selection)`` on every selection while ``panel`` is linked."""
        self.symbol_selected.connect(lambda sel: slot(sel) if self.is_linked(panel) else None)

    def link_action(self, panel: str, parent: QObject) -> QAction:
        """A checkable "Link <panel> to selection" action (View menu, panel toolbars)."""
        act = self._actions.get(panel)
        if act is None:
            title = LINKABLE_PANELS.get(panel, panel)
            act = QAction(f"Link {title} to selected symbol", parent)
            act.setObjectName(f"link_{panel}")
            act.setCheckable(True)
            act.setChecked(self.is_linked(panel))
            act.setToolTip(f"When on, double-clicking a symbol anywhere loads it into {title}")
            act.toggled.connect(lambda on: self.set_linked(panel, on))
            self._actions[panel] = act
        return act


class AccountSelection(QObject):
    """The account the panels show and the ticket trades; ``changed`` carries its number."""

    changed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.account_number: str = ""
        self.authority_level: str = ""
        self.nickname: str = ""

    @property
    def read_only(self) -> bool:
        """True when this login may look but not trade (authority level ``read-only``)."""
        return self.authority_level.replace("_", "-").lower() == "read-only"

    def select(self, account_number: str, authority_level: str = "", nickname: str = "") -> None:
        changed = account_number != self.account_number or authority_level != self.authority_level
        self.account_number, self.authority_level, self.nickname = account_number, authority_level, nickname
        if changed:
            self.changed.emit(account_number)


@dataclass
class Readiness:
    """Named smoke-test checks: ``check()`` returns what is still missing, or ``None`` when ready."""

    checks: dict[str, Callable[[], str | None]] = field(default_factory=dict)

    def add(self, name: str, check: Callable[[], str | None]) -> None:
        self.checks[name] = check

    def missing(self) -> dict[str, str]:
        """Name -> what is missing, for every check that is not ready (a raising check counts)."""
        out: dict[str, str] = {}
        for name, check in self.checks.items():
            try:
                reason = check()
            except Exception as exc:
                reason = f"check failed: {exc}"
            if reason:
                out[name] = reason
        return out


class UiContext(QObject):
    """Services and shared UI state handed to every panel factory.

    Attributes: ``session`` (SessionService), ``hub`` (MarketDataHub), ``portfolio``
    (PortfolioService), ``orders`` (OrderService), ``bus`` (:class:`SymbolBus`), ``account``
    (:class:`AccountSelection`), ``messages`` (a ``logging.Logger`` shown in the Messages dock),
    ``settings`` (``QSettings``), ``readiness`` (:class:`Readiness`), ``theme`` (ThemeManager).
    """

    def __init__(
        self,
        *,
        session: Any,
        hub: Any,
        portfolio: Any,
        orders: Any,
        settings: QSettings,
        theme: ThemeManager | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.hub = hub
        self.portfolio = portfolio
        self.orders = orders
        self.settings = settings
        self.theme = theme
        self.bus = SymbolBus(self)
        self.account = AccountSelection(self)
        self.messages = logging.getLogger(MESSAGES_LOGGER)
        self.readiness = Readiness()
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> asyncio.Task[Any]:
        """Run ``coro`` on the loop; if it fails, say "<what> failed: <reason>" in Messages."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._finished(t, what))
        return task

    def _finished(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.messages.error("%s failed: %s", what, describe_error(exc), exc_info=exc)

    def cancel_tasks(self) -> None:
        for t in list(self._tasks):
            t.cancel()


def describe_error(exc: BaseException) -> str:
    """A person-readable one-liner for an exception (its message, else its type)."""
    text = str(exc).strip()
    if not text:
        return type(exc).__name__
    return text.splitlines()[0]
