"""Working orders and fills of the charted symbol, as chart marks (Qt-free).

Only single-leg orders on the charted symbol are drawn: a spread's price is a net price of
several instruments and does not belong on one instrument's price scale.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from .axes import price_text
from .overlays import FillMarker, OrderLine


def _side(action: str) -> str:
    return "Buy" if action.lower().startswith("buy") else "Sell"


def _qty(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:f}"


def _single_leg(order: Any, symbol: str) -> Any | None:
    legs = getattr(order, "legs", ())
    if len(legs) != 1 or legs[0].symbol != symbol:
        return None
    return legs[0]


def order_lines(symbol: str, orders: Iterable[Any]) -> list[OrderLine]:
    """A price line per working single-leg order on ``symbol`` (limit price, else stop trigger)."""
    lines = []
    for order in orders:
        leg = _single_leg(order, symbol)
        if leg is None or not getattr(order, "is_working", False):
            continue
        level = order.price if order.price is not None else order.stop_trigger
        if level is None:
            continue  # a market order has no level to draw
        price = abs(float(level))
        remaining = leg.remaining_quantity if leg.remaining_quantity is not None else leg.quantity
        text = f"{leg.action} {_qty(remaining)} {order.order_type} {price_text(price)}".replace("  ", " ")
        lines.append(OrderLine(price=price, side=_side(leg.action), text=text, order_id=str(order.id or "")))
    return lines


def fill_markers(symbol: str, orders: Iterable[Any]) -> list[FillMarker]:
    """A marker per execution of a single-leg order on ``symbol``."""
    marks = []
    for order in orders:
        leg = _single_leg(order, symbol)
        if leg is None:
            continue
        for fill in leg.fills:
            if fill.filled_at is None or fill.fill_price is None:
                continue
            marks.append(
                FillMarker(
                    time_ms=int(fill.filled_at.timestamp() * 1000),
                    price=float(fill.fill_price),
                    side=_side(leg.action),
                    quantity=float(fill.quantity),
                )
            )
    return marks
