"""User and public watchlists."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

from desktop.api.models._wire import WireModel, integer, many, text, wire


@dataclass(frozen=True, slots=True)
class WatchlistEntry(WireModel):
    symbol: str = wire(text, default="")
    instrument_type: str | None = wire(text)


@dataclass(frozen=True, slots=True)
class Watchlist(WireModel):
    """A named list of symbols. ``to_wire()`` gives the body for create and update."""

    name: str = wire(text, default="")
    group_name: str = wire(text, default="default")
    order_index: int = wire(integer, default=9999)
    entries: tuple[WatchlistEntry, ...] = wire(many(WatchlistEntry), "watchlist-entries", default=())
    entry_count: int | None = wire(integer, "watchlist-entry-count")

    @classmethod
    def of(cls, name: str, symbols: list[tuple[str, str]] | list[str], group_name: str = "default") -> Self:
        """Build from symbols, or ``(symbol, instrument_type)`` pairs."""
        entries = tuple(
            WatchlistEntry(symbol=s, instrument_type=None) if isinstance(s, str) else WatchlistEntry(*s)
            for s in symbols
        )
        return cls(name=name, group_name=group_name, entries=entries)

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(e.symbol for e in self.entries)

    def to_wire(self) -> dict[str, Any]:
        entries: list[Mapping[str, str]] = []
        for e in self.entries:
            item = {"symbol": e.symbol}
            if e.instrument_type:
                item["instrument-type"] = e.instrument_type
            entries.append(item)
        return {
            "name": self.name,
            "group-name": self.group_name,
            "order-index": self.order_index,
            "watchlist-entries": entries,
        }
