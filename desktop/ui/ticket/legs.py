"""One leg of the order ticket: what it trades, which way, how many per unit, and how to price it.

:class:`TicketLeg` carries more than the wire leg (``core.orders.OrderLeg``): the streamer
symbols the ticket subscribes for live bid/ask, the option's type, strike and expiration for
the risk graph, the contract multiplier and the tick sizes the price rounds to. Helpers build
legs from the chain, from a strategy template and from a bus :class:`OrderLegRequest`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from desktop.core.money import TickSize
from desktop.core.orders import OrderAction, OrderLeg
from desktop.core.symbols import (
    InstrumentType,
    instrument_type_of,
    parse_future_option,
    parse_occ,
    to_streamer_symbol,
)

__all__ = [
    "EQUITY_TICKS",
    "OPTION_TYPES",
    "TicketLeg",
    "closing_action",
    "flipped_action",
    "leg_from_symbol",
    "opening_action",
]

#: Stocks and ETFs trade in pennies.
EQUITY_TICKS: tuple[TickSize, ...] = (TickSize(Decimal("0.01")),)
OPTION_TYPES = (InstrumentType.EQUITY_OPTION.value, InstrumentType.FUTURE_OPTION.value)

_FLIP = {
    OrderAction.BUY_TO_OPEN: OrderAction.SELL_TO_OPEN,
    OrderAction.SELL_TO_OPEN: OrderAction.BUY_TO_OPEN,
    OrderAction.BUY_TO_CLOSE: OrderAction.SELL_TO_CLOSE,
    OrderAction.SELL_TO_CLOSE: OrderAction.BUY_TO_CLOSE,
    OrderAction.BUY: OrderAction.SELL,
    OrderAction.SELL: OrderAction.BUY,
}
_CLOSE = {
    OrderAction.BUY_TO_OPEN: OrderAction.SELL_TO_CLOSE,
    OrderAction.SELL_TO_OPEN: OrderAction.BUY_TO_CLOSE,
    OrderAction.BUY_TO_CLOSE: OrderAction.SELL_TO_OPEN,
    OrderAction.SELL_TO_CLOSE: OrderAction.BUY_TO_OPEN,
    OrderAction.BUY: OrderAction.SELL,
    OrderAction.SELL: OrderAction.BUY,
}


def flipped_action(action: OrderAction) -> OrderAction:
    """Buy <-> sell, keeping open/close (``Buy to Open`` -> ``Sell to Open``)."""
    return _FLIP[OrderAction(action)]


def closing_action(action: OrderAction) -> OrderAction:
    """The action that undoes ``action`` (``Buy to Open`` -> ``Sell to Close``)."""
    return _CLOSE[OrderAction(action)]


def opening_action(buy: bool, position: Decimal = Decimal(0)) -> OrderAction:
    """``Buy/Sell to Open``, or ``... to Close`` when it reduces an existing ``position``
    (signed: positive long, negative short)."""
    if buy:
        return OrderAction.BUY_TO_CLOSE if position < 0 else OrderAction.BUY_TO_OPEN
    return OrderAction.SELL_TO_CLOSE if position > 0 else OrderAction.SELL_TO_OPEN


@dataclass(frozen=True)
class TicketLeg:
    """A ticket leg. ``ratio`` is the quantity per unit of the order (the order's size
    multiplies it); for shares in a covered call it is the share count per contract."""

    symbol: str
    instrument_type: str
    action: OrderAction
    ratio: Decimal
    streamer_symbol: str
    underlying: str = ""
    underlying_streamer: str = ""
    underlying_type: str = InstrumentType.EQUITY.value
    option_type: str | None = None
    strike: Decimal | None = None
    expiration: date | None = None
    multiplier: Decimal = Decimal(1)
    tick_sizes: tuple[TickSize, ...] = EQUITY_TICKS

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", OrderAction(self.action))
        if not isinstance(self.ratio, Decimal):
            object.__setattr__(self, "ratio", Decimal(str(self.ratio)))

    @property
    def is_option(self) -> bool:
        return self.instrument_type in OPTION_TYPES

    @property
    def is_buy(self) -> bool:
        return self.action.is_buy

    @property
    def sign(self) -> int:
        """+1 for a buy, -1 for a sell."""
        return 1 if self.is_buy else -1

    def quantity(self, size: Decimal) -> Decimal:
        return self.ratio * size

    def order_leg(self, size: Decimal | None) -> OrderLeg:
        """The wire leg for ``size`` units (``None``: a notional order, no quantity)."""
        quantity = None if size is None else self.quantity(size)
        return OrderLeg(self.instrument_type, self.symbol, self.action, quantity)

    def with_action(self, action: OrderAction) -> TicketLeg:
        return replace(self, action=OrderAction(action))

    def with_ratio(self, ratio: Decimal) -> TicketLeg:
        return replace(self, ratio=Decimal(ratio))

    def reversed(self) -> TicketLeg:
        return self.with_action(flipped_action(self.action))


def leg_from_symbol(
    symbol: str,
    action: OrderAction | str,
    ratio: Decimal = Decimal(1),
    instrument_type: str | None = None,
    *,
    underlying: str = "",
    multiplier: Decimal | None = None,
    tick_sizes: tuple[TickSize, ...] | None = None,
) -> TicketLeg:
    """A leg from a REST symbol alone (positions, charts, typed symbols).

    Option details (type, strike, expiration, underlying) come from the symbol; multipliers
    default to 100 for equity options and 1 otherwise (the ticket refines futures' from the
    instrument when it can). Raises ``ValueError`` for a symbol it cannot stream.
    """
    kind = instrument_type or instrument_type_of(symbol).value
    streamer = to_streamer_symbol(symbol, kind)
    option_type = strike = expiration = None
    under, under_streamer, under_type = underlying or symbol.strip(), "", InstrumentType.EQUITY.value
    default_multiplier = Decimal(1)
    if kind == InstrumentType.EQUITY_OPTION.value:
        occ = parse_occ(symbol)
        option_type, strike, expiration = occ.option_type, occ.strike, occ.expiration
        under = underlying or occ.root
        under_streamer = under
        default_multiplier = Decimal(100)
    elif kind == InstrumentType.FUTURE_OPTION.value:
        fop = parse_future_option(symbol)
        option_type, strike, expiration = fop.option_type, fop.strike, fop.expiration
        under, under_type = fop.future, InstrumentType.FUTURE.value
        under_streamer = _streamer_or_empty(fop.future, under_type)
    else:
        under = symbol.strip()
        under_type = kind
        under_streamer = streamer
    return TicketLeg(
        symbol=symbol,
        instrument_type=kind,
        action=OrderAction(action),
        ratio=Decimal(ratio),
        streamer_symbol=streamer,
        underlying=under,
        underlying_streamer=under_streamer,
        underlying_type=under_type,
        option_type=option_type,
        strike=strike,
        expiration=expiration,
        multiplier=multiplier if multiplier is not None else default_multiplier,
        tick_sizes=tick_sizes or EQUITY_TICKS,
    )


def _streamer_or_empty(symbol: str, kind: str) -> str:
    try:
        return to_streamer_symbol(symbol, kind)
    except ValueError:
        return ""
