"""The order being built: legs, size, type, price, time in force, brackets -> the exact order.

:class:`TicketDraft` is shared by the option chain (which adds legs) and the ticket dock (which
shows and edits it); :func:`ticket_draft` finds the one belonging to a ``UiContext``. Every
edit emits ``changed``; :meth:`TicketDraft.order` turns the current content into the
``core.orders`` object whose JSON is dry-run and sent. While the price is *auto* it follows
the live mid of the whole order (rounded to the tick): a quote move that changes the rounded
mid changes the order, which returns it to Draft. Typing a price stops the following.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from desktop.core.orders import (
    NewComplexOrder,
    NewOrder,
    OrderAction,
    OrderType,
    PriceEffect,
    TimeInForce,
    spread_unit,
)

from .legs import TicketLeg, closing_action
from .pricing import LegQuote, bracket_defaults, implied_effect, round_order_price, spread_price

__all__ = ["BracketMode", "TicketDraft"]

Order = NewOrder | NewComplexOrder
_PRICED = (OrderType.LIMIT, OrderType.STOP_LIMIT)
_STOPPED = (OrderType.STOP, OrderType.STOP_LIMIT)


class BracketMode(StrEnum):
    """``otoco``: the order, then a take-profit and/or a stop on its fill; ``oco``: a
    take-profit and a stop that close an open position (the ticket's legs)."""

    NONE = "none"
    OTOCO = "otoco"
    OCO = "oco"


def _opposite(effect: PriceEffect) -> PriceEffect:
    return PriceEffect.CREDIT if effect is PriceEffect.DEBIT else PriceEffect.DEBIT


def _size_and_ratios(quantities: Sequence[Decimal]) -> tuple[Decimal, list[Decimal]]:
    """Split leg quantities into an order size and per-leg ratios (2, 4 -> size 2, ratios 1, 2)."""
    size = spread_unit(quantities)
    if size == 0:  # a single leg of nothing (a position closed today): the ticket shows 0
        return size, [Decimal(1)]
    return size, [q / size for q in quantities]


class TicketDraft(QObject):
    """The ticket's content (see the module docstring). Signals: ``changed()`` after any edit
    or auto-price move, ``legs_changed()`` when legs come, go or change, ``prices_changed()``
    when the live mid/natural of the order were recomputed."""

    changed = Signal()
    legs_changed = Signal()
    prices_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketDraft")
        self._legs: list[TicketLeg] = []
        self.size = Decimal(1)
        self.order_type = OrderType.LIMIT
        self.time_in_force = TimeInForce.DAY
        self.gtc_date: date | None = None
        self.price: Decimal | None = None
        self.price_auto = True
        self._effect: PriceEffect | None = None  # fixed by the user or a request
        self.stop_trigger: Decimal | None = None
        self.value: Decimal | None = None
        self.bracket = BracketMode.NONE
        self.profit_price: Decimal | None = None
        self.bracket_stop: Decimal | None = None
        self.bracket_auto = True
        self.reason = ""
        self.quotes: dict[str, LegQuote] = {}
        self.mid: tuple[Decimal, PriceEffect] | None = None
        self.natural: tuple[Decimal, PriceEffect] | None = None
        self._held = False

    # ---- reading ---------------------------------------------------------------------
    @property
    def legs(self) -> tuple[TicketLeg, ...]:
        return tuple(self._legs)

    def leg(self, symbol: str) -> TicketLeg | None:
        return next((leg for leg in self._legs if leg.symbol == symbol), None)

    @property
    def price_effect(self) -> PriceEffect:
        """Debit or credit: as fixed by the user, else the live mid's, else the legs' sides."""
        if self._effect is not None:
            return self._effect
        if self.mid is not None:
            return self.mid[1]
        return implied_effect(self._legs) or PriceEffect.DEBIT

    @property
    def effect_fixed(self) -> bool:
        return self._effect is not None

    @property
    def underlying(self) -> str:
        return self._legs[0].underlying if self._legs else ""

    def order(self) -> Order | None:
        """The order as it would be reviewed and sent now (``None`` without legs)."""
        if not self._legs:
            return None
        main = self._main_order()
        if self.bracket is BracketMode.NONE:
            return main
        children = self._bracket_orders()
        if self.bracket is BracketMode.OCO:
            return NewComplexOrder(type="OCO", orders=tuple(children))
        kind = "OTOCO" if len(children) == 2 else "OTO"
        return NewComplexOrder(type=kind, orders=tuple(children), trigger_order=main)

    def _main_order(self) -> NewOrder:
        notional = self.order_type is OrderType.NOTIONAL_MARKET
        price = self.price if self.order_type in _PRICED else None
        value_effect = None
        if notional:
            value_effect = PriceEffect.DEBIT if self._legs[0].is_buy else PriceEffect.CREDIT
        return NewOrder(
            order_type=self.order_type,
            time_in_force=self.time_in_force,
            legs=tuple(leg.order_leg(None if notional else self.size) for leg in self._legs),
            price=price,
            price_effect=self.price_effect if price is not None else None,
            stop_trigger=self.stop_trigger if self.order_type in _STOPPED else None,
            value=self.value if notional else None,
            value_effect=value_effect,
            gtc_date=self.gtc_date if self.time_in_force is TimeInForce.GTD else None,
        )

    def closing_legs(self) -> list[TicketLeg]:
        """The legs a bracket trades: the ticket's own (OCO) or their closing mirror (OTOCO)."""
        if self.bracket is BracketMode.OCO:
            return list(self._legs)
        return [leg.with_action(closing_action(leg.action)) for leg in self._legs]

    def _bracket_orders(self) -> list[NewOrder]:
        legs = tuple(leg.order_leg(self.size) for leg in self.closing_legs())
        effect = self.price_effect if self.bracket is BracketMode.OCO else _opposite(self.price_effect)
        orders = []
        if self.profit_price is not None:
            orders.append(NewOrder(OrderType.LIMIT, TimeInForce.GTC, legs, self.profit_price, effect))
        if self.bracket_stop is not None:
            orders.append(NewOrder(OrderType.STOP, TimeInForce.GTC, legs, stop_trigger=self.bracket_stop))
        return orders

    # ---- legs --------------------------------------------------------------------------
    def add_leg(self, leg: TicketLeg, count: int = 1) -> None:
        """Add ``count`` of ``leg``; the same option again raises its ratio, the other side
        of it lowers the ratio (and removes the leg at zero)."""
        existing = self.leg(leg.symbol)
        if existing is None:
            self._legs.append(leg.with_ratio(Decimal(count) * leg.ratio))
        else:
            step = Decimal(count) * leg.ratio
            ratio = existing.ratio + step if existing.is_buy == leg.is_buy else existing.ratio - step
            i = self._legs.index(existing)
            if ratio > 0:
                self._legs[i] = existing.with_ratio(ratio)
            elif ratio < 0:
                self._legs[i] = leg.with_ratio(-ratio)
            else:
                del self._legs[i]
        self._legs_edited()

    def set_legs(self, legs: Iterable[TicketLeg], *, size: Decimal = Decimal(1), reason: str = "") -> None:
        """Replace the ticket's legs (a strategy template, a request from another panel)."""
        self._legs = list(legs)
        self.size = size
        self.reason = reason
        self._legs_edited()

    def remove_leg(self, symbol: str) -> None:
        self._legs = [leg for leg in self._legs if leg.symbol != symbol]
        self._legs_edited()

    def reverse(self, symbol: str | None = None) -> None:
        """Buy <-> sell for one leg, or for every leg (``None``)."""
        self._legs = [leg.reversed() if symbol in (None, leg.symbol) else leg for leg in self._legs]
        self._legs_edited()

    def set_action(self, symbol: str, action: OrderAction) -> None:
        self._legs = [leg.with_action(action) if leg.symbol == symbol else leg for leg in self._legs]
        self._legs_edited()

    def set_ratio(self, symbol: str, ratio: Decimal) -> None:
        if ratio <= 0:
            self.remove_leg(symbol)
            return
        self._legs = [leg.with_ratio(ratio) if leg.symbol == symbol else leg for leg in self._legs]
        self._legs_edited()

    def update_leg(self, leg: TicketLeg) -> None:
        """Refine a leg's details (multiplier, ticks) without touching what it trades."""
        self._legs = [leg if old.symbol == leg.symbol else old for old in self._legs]
        self._legs_edited(reset_price=False)

    def clear(self) -> None:
        self.set_legs([])
        self.order_type, self.time_in_force, self.gtc_date = OrderType.LIMIT, TimeInForce.DAY, None
        self.bracket = BracketMode.NONE
        self._emit()

    def load_legs_with_quantities(
        self, legs: Sequence[TicketLeg], quantities: Sequence[Decimal], reason: str = ""
    ) -> None:
        size, ratios = _size_and_ratios(list(quantities))
        self.set_legs(
            [leg.with_ratio(r) for leg, r in zip(legs, ratios, strict=True)], size=size, reason=reason
        )

    def _legs_edited(self, reset_price: bool = True) -> None:
        if reset_price:
            self.price_auto, self._effect, self.bracket_auto = True, None, True
            if len(self._legs) != 1 and self.order_type not in (OrderType.LIMIT,):
                self.order_type = OrderType.LIMIT  # market, stop and notional are single-leg
        self._reprice()
        self.legs_changed.emit()
        self._emit()

    # ---- order fields --------------------------------------------------------------------
    def set_size(self, size: Decimal) -> None:
        if size > 0 and size != self.size:
            self.size = size
            self._emit()

    def set_order_type(self, order_type: OrderType) -> None:
        self.order_type = OrderType(order_type)
        if self.order_type in _PRICED and self.price is None:
            self.price_auto = True
            self._reprice()
        self._emit()

    def set_time_in_force(self, tif: TimeInForce, gtc_date: date | None = None) -> None:
        self.time_in_force, self.gtc_date = TimeInForce(tif), gtc_date
        self._emit()

    def set_price(self, price: Decimal | None) -> None:
        """A price typed by the user (rounded to the tick); it no longer follows the mid."""
        self._effect = self.price_effect
        self.price_auto = False
        self.price = None if price is None else round_order_price(price, self._legs)
        self._follow_bracket()
        self._emit()

    def use_mid(self) -> None:
        """Follow the live mid again (the price becomes auto)."""
        self.price_auto, self._effect = True, None
        self._reprice()
        self._emit()

    def use_natural(self) -> None:
        if self.natural is not None:
            self._effect = self.natural[1]
            self.price_auto = False
            self.price = self.natural[0]
            self._follow_bracket()
            self._emit()

    def set_effect(self, effect: PriceEffect) -> None:
        self._effect = PriceEffect(effect)
        self._follow_bracket()
        self._emit()

    def set_stop_trigger(self, trigger: Decimal | None) -> None:
        self.stop_trigger = trigger
        self._emit()

    def set_value(self, value: Decimal | None) -> None:
        self.value = value
        self._emit()

    def set_bracket(self, mode: BracketMode) -> None:
        self.bracket = BracketMode(mode)
        self.bracket_auto = True
        self._follow_bracket()
        self._emit()

    def set_bracket_prices(self, profit: Decimal | None, stop: Decimal | None) -> None:
        """Take-profit limit and stop trigger as typed (``None`` leaves one out)."""
        self.bracket_auto = False
        self.profit_price = None if profit is None else round_order_price(profit, self._legs)
        self.bracket_stop = None if stop is None else round_order_price(stop, self._legs)
        self._emit()

    # ---- live prices ---------------------------------------------------------------------
    def hold_price(self, held: bool) -> None:
        """While held (a dry-run or the send confirmation in progress) an auto price stays
        put; released, it catches up with the mid at once."""
        if held == self._held:
            return
        self._held = held
        if not held:
            self.update_quotes({})

    def update_quotes(self, quotes: Mapping[str, LegQuote]) -> None:
        """New bid/ask for (some of) the legs; moves an auto price with the mid."""
        self.quotes.update(quotes)
        symbols = {leg.symbol for leg in self._legs}
        self.quotes = {s: q for s, q in self.quotes.items() if s in symbols}
        before = (self.price, self.price_effect, self.profit_price, self.bracket_stop)
        self._reprice()
        self.prices_changed.emit()
        if (self.price, self.price_effect, self.profit_price, self.bracket_stop) != before:
            self._emit()

    def _reprice(self) -> None:
        self.mid = spread_price(self._legs, self.quotes, "mid")
        self.natural = spread_price(self._legs, self.quotes, "natural")
        if self._held and self.price is not None:
            return
        if self.price_auto:
            self.price = self.mid[0] if self.mid is not None else None
        self._follow_bracket()

    def _follow_bracket(self) -> None:
        if not self.bracket_auto or self.bracket is BracketMode.NONE:
            return
        if self.price is None or not self._legs:
            self.profit_price = self.bracket_stop = None
            return
        effect = self.price_effect if self.bracket is BracketMode.OTOCO else _opposite(self.price_effect)
        self.profit_price, self.bracket_stop = bracket_defaults(self.price, effect, self._legs)

    def _emit(self) -> None:
        self.changed.emit()
