"""Typed account-streamer notifications."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from desktop.api.models._wire import WireModel
from desktop.api.models.accounts import Balance, Position, TradingStatus
from desktop.api.models.orders import ComplexOrder, Order

_EVENT_MODELS: dict[str, type[WireModel]] = {
    "Order": Order,
    "ComplexOrder": ComplexOrder,
    "CurrentPosition": Position,
    "AccountBalance": Balance,
    "TradingStatus": TradingStatus,
}


def parse_account_event(event_type: str, data: Any) -> Any:
    """``("Order", {...})`` -> :class:`Order` (likewise ``ComplexOrder``, ``CurrentPosition`` ->
    :class:`Position`, ``AccountBalance`` -> :class:`Balance`, ``TradingStatus``).

    Unknown types, and payloads that are not objects, are returned unchanged.
    """
    model = _EVENT_MODELS.get(event_type)
    if model is None or not isinstance(data, Mapping):
        return data
    return model.from_wire(data)
