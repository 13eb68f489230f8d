"""The ticket's legs table (``ticketLegsTable``): action, quantity and ratio, instrument, live bid/ask.

Built on the shared table framework. The right-click menu changes a leg's action (Buy/Sell to
Open/Close; plain Buy/Sell for futures), its ratio, reverses or removes it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from desktop.core.orders import OrderAction
from desktop.core.symbols import InstrumentType
from desktop.ui import format as fmt
from desktop.ui.table import CENTER, RIGHT, Column, SpecTableModel
from desktop.ui.table_view import SpecTableView

from .draft import TicketDraft
from .legs import TicketLeg
from .pricing import LegQuote

__all__ = ["LegsTable", "leg_columns"]

_SHORT_TYPES = {
    InstrumentType.EQUITY.value: "Stock",
    InstrumentType.FUTURE.value: "Future",
    InstrumentType.CRYPTOCURRENCY.value: "Crypto",
}
_OPTION_ACTIONS = (
    OrderAction.BUY_TO_OPEN,
    OrderAction.SELL_TO_OPEN,
    OrderAction.BUY_TO_CLOSE,
    OrderAction.SELL_TO_CLOSE,
)


def _action_tone(leg: TicketLeg, _value: Any) -> str | None:
    return "positive" if leg.is_buy else "negative"


def _symbol_text(leg: TicketLeg) -> str:
    """The underlying for options (type, expiration and strike have their own columns), else
    the symbol itself."""
    return leg.underlying if leg.is_option and leg.underlying else leg.symbol.strip()


def _type_text(leg: TicketLeg) -> str:
    """``Call``/``Put`` (``Fut call``/``Fut put`` on futures), ``Stock``, ``Future``, ``Crypto``."""
    if leg.is_option and leg.option_type:
        kind = "Call" if leg.option_type == "C" else "Put"
        return f"Fut {kind.lower()}" if leg.instrument_type == InstrumentType.FUTURE_OPTION.value else kind
    return _SHORT_TYPES.get(leg.instrument_type, leg.instrument_type)


def _date(value: object) -> str:
    return "" if value is None else f"{value.day} {value:%b %y}"  # type: ignore[attr-defined]


def leg_columns(
    quote: Callable[[TicketLeg], LegQuote | None], size: Callable[[], Decimal]
) -> list[Column[TicketLeg]]:
    def bid(leg: TicketLeg) -> float | None:
        q = quote(leg)
        return None if q is None else q.bid

    def ask(leg: TicketLeg) -> float | None:
        q = quote(leg)
        return None if q is None else q.ask

    return [
        Column("action", "Action", "BTO buy to open, STO sell to open, BTC buy to close, STC sell to close"
               " (right-click to change)", lambda leg: leg.action.value, fmt.action_short, CENTER,
               _action_tone, width=48),
        Column("quantity", "Qty", "Contracts/shares this leg trades (ratio × order quantity)",
               lambda leg: leg.quantity(size()), fmt.quantity, RIGHT, width=30),
        Column("ratio", "Ratio", "Quantity per unit of the order (a butterfly is 1:2:1)",
               lambda leg: leg.ratio, lambda v: f"×{fmt.quantity(v)}", CENTER, width=42),
        Column("symbol", "Symbol", "The underlying of an option, else the instrument itself", _symbol_text,
               width=58),
        Column("type", "Type", "Instrument type", _type_text, width=40),
        Column("expiration", "Exp", "Expiration date", lambda leg: leg.expiration, _date, width=60),
        Column("strike", "Strike", "Strike price", lambda leg: leg.strike,
               lambda v: "" if v is None else f"{v.normalize():f}", RIGHT, width=44),
        Column("bid", "Bid", "Live bid of this leg", bid, fmt.price, RIGHT, width=42),
        Column("ask", "Ask", "Live ask of this leg", ask, fmt.price, RIGHT, width=42),
    ]  # fmt: skip


class LegsTable(SpecTableView):
    """The legs of ``draft``; ``quote(leg)`` gives live bid/ask."""

    def __init__(
        self, draft: TicketDraft, quote: Callable[[TicketLeg], LegQuote | None], parent: QWidget | None = None
    ) -> None:
        model: SpecTableModel[TicketLeg] = SpecTableModel(
            leg_columns(quote, lambda: draft.size), lambda leg: leg.symbol
        )
        super().__init__(model, "ticketLegsTable", parent)
        model.setParent(self)
        self.draft = draft
        self.setSortingEnabled(False)
        self.horizontalHeader().setSortIndicatorShown(False)
        self.horizontalHeader().setStretchLastSection(True)
        rows = self.verticalHeader().defaultSectionSize()
        self.setMinimumHeight(self.horizontalHeader().sizeHint().height() + 2 * rows + 4)
        self.setMaximumHeight(self.horizontalHeader().sizeHint().height() + 6 * rows + 6)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        remove = QAction("Remove leg", self)
        remove.setShortcut(QKeySequence(Qt.Key.Key_Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.addAction(remove)
        draft.legs_changed.connect(self.reload)
        draft.changed.connect(lambda: self.spec_model.refresh())
        self.reload()

    def reload(self) -> None:
        self.spec_model.set_rows(self.draft.legs)

    def refresh_symbols(self, symbols: set[Any]) -> None:
        self.spec_model.refresh(symbols)

    def selected_legs(self) -> list[TicketLeg]:
        legs = [self.spec_model.row_for_key(k) for k in self.selected_keys()]
        return [leg for leg in legs if leg is not None]

    def remove_selected(self) -> None:
        for leg in self.selected_legs():
            self.draft.remove_leg(leg.symbol)

    def _menu(self, pos: QPoint) -> None:
        leg = self.row_at(pos)
        if leg is None:
            return
        menu = QMenu(self)
        menu.setObjectName("ticketLegMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        actions = _OPTION_ACTIONS
        if leg.instrument_type == InstrumentType.FUTURE.value:
            actions = (*_OPTION_ACTIONS, OrderAction.BUY, OrderAction.SELL)
        for action in actions:
            act = menu.addAction(action.value)
            act.setCheckable(True)
            act.setChecked(action is leg.action)
            act.triggered.connect(lambda _=False, a=action: self.draft.set_action(leg.symbol, a))
        menu.addSeparator()
        menu.addAction("Ratio +1", lambda: self.draft.set_ratio(leg.symbol, leg.ratio + 1))
        less = menu.addAction("Ratio −1", lambda: self.draft.set_ratio(leg.symbol, leg.ratio - 1))
        less.setEnabled(leg.ratio > 1)
        menu.addAction("Reverse this leg", lambda: self.draft.reverse(leg.symbol))
        menu.addAction("Remove this leg", lambda: self.draft.remove_leg(leg.symbol))
        menu.popup(self.viewport().mapToGlobal(pos))
