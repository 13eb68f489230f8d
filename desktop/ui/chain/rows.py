"""The chain table's rows and columns: calls | strike | puts, one header row per expiration.

Rows are :class:`ExpirationRow` (date, DTE, type, settlement; click to expand) and
:class:`StrikeRow` (one strike of an expanded expiration). Columns are declared once with
``desktop.ui.table.Column``; live values are read from the market-data hub through the
``read(event_type, streamer_symbol)`` callable at refresh time, never stored per cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from desktop.core.chains import ChainExpiration, ChainStrike
from desktop.ui import format as fmt
from desktop.ui.table import CENTER, RIGHT, Column

from .loader import ExpirationInfo, chain_key

__all__ = [
    "CALL_KEYS",
    "PUT_KEYS",
    "ChainRow",
    "ExpirationRow",
    "Reader",
    "StrikeRow",
    "chain_columns",
    "expiration_title",
]

Reader = Callable[[str, str], Any]


@dataclass(frozen=True, slots=True)
class ExpirationRow:
    """The header row of one expiration."""

    expiration: ChainExpiration
    info: ExpirationInfo
    expanded: bool
    underlying: str

    @property
    def key(self) -> tuple[str, ...]:
        return ("exp", *chain_key(self.expiration))


@dataclass(frozen=True, slots=True)
class StrikeRow:
    """One strike of an expanded expiration: its call on the left, its put on the right."""

    expiration: ChainExpiration
    info: ExpirationInfo
    strike: ChainStrike

    @property
    def key(self) -> tuple[str, ...]:
        return ("strike", *chain_key(self.expiration), str(self.strike.strike))

    def streamer(self, side: str) -> str:
        return self.strike.streamer(side)

    def symbol(self, side: str) -> str:
        return self.strike.symbol(side)


ChainRow = ExpirationRow | StrikeRow


def expiration_title(row: ExpirationRow) -> str:
    """``▾ Fri 16 Jan 2026 · 45 DTE · Monthly · PM settled`` (+ root when it is not the
    underlying's own, e.g. SPXW; + the future it settles into for futures options)."""
    exp = row.expiration
    arrow = "▾" if row.expanded else "▸"
    parts = [
        f"{arrow} {exp.expiration:%a %d %b %Y}",
        f"{exp.days_to_expiration} DTE",
        exp.expiration_type or "—",
        f"{exp.settlement_type} settled" if exp.settlement_type else "",
    ]
    if exp.root_symbol and exp.root_symbol != row.underlying.lstrip("/"):
        parts.append(exp.root_symbol)
    if row.info.underlying and row.info.underlying != row.underlying:
        parts.append(f"on {row.info.underlying}")
    parts.append(f"{len(exp.strikes)} strikes")
    return "  ·  ".join(p for p in parts if p)


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _field(read: Reader, event_type: str, attr: str, side: str) -> Callable[[ChainRow], Any]:
    def get(row: ChainRow) -> Any:
        if not isinstance(row, StrikeRow):
            return None
        event = read(event_type, row.streamer(side))
        return None if event is None else _num(getattr(event, attr))

    return get


def _mid(read: Reader, side: str) -> Callable[[ChainRow], Any]:
    def get(row: ChainRow) -> Any:
        if not isinstance(row, StrikeRow):
            return None
        q = read("Quote", row.streamer(side))
        if q is None:
            return None
        bid, ask = _num(q.bid_price), _num(q.ask_price)
        if bid is None or ask is None or ask < bid:
            return None
        return (bid + ask) / 2

    return get


def _text_or(formatter: Callable[[Any], str]) -> Callable[[Any], str]:
    return lambda v: v if isinstance(v, str) else formatter(v)


def _volume(value: float | None) -> str:
    return "" if value is None else f"{int(value):,}"


def _side_columns(read: Reader, side: str) -> list[Column[ChainRow]]:
    name = "call" if side == "C" else "put"
    p = "c_" if side == "C" else "p_"
    price, greek = _text_or(fmt.price), _text_or(fmt.greek)
    return [
        Column(p + "oi", "OI", f"Open interest of the {name}", _field(read, "Summary", "open_interest", side),
               _text_or(_volume), RIGHT, width=48),
        Column(p + "vol", "Vol", f"Today's volume of the {name}", _field(read, "Trade", "day_volume", side),
               _volume, RIGHT, width=44),
        Column(p + "iv", "IV", f"Implied volatility of the {name}",
               _field(read, "Greeks", "volatility", side), fmt.percent, RIGHT, width=48),
        Column(p + "theta", "Θ", f"Theta of the {name} (per day, per share)",
               _field(read, "Greeks", "theta", side), greek, RIGHT, width=40),
        Column(p + "delta", "Δ", f"Delta of the {name}", _field(read, "Greeks", "delta", side), greek, RIGHT,
               width=40),
        Column(p + "last", "Last", f"Last trade of the {name}", _field(read, "Trade", "price", side), price,
               RIGHT, width=46),
        Column(p + "bid", "Bid", f"Bid of the {name}: click to add a SELL leg", _field(read, "Quote",
               "bid_price", side), price, RIGHT, width=48),
        Column(p + "mid", "Mid", f"Mid of the {name}", _mid(read, side), price, RIGHT, width=46),
        Column(p + "ask", "Ask", f"Ask of the {name}: click to add a BUY leg", _field(read, "Quote",
               "ask_price", side), price, RIGHT, width=48),
    ]  # fmt: skip


def _first_cell(read: Reader, first: Column[ChainRow]) -> Column[ChainRow]:
    """Column 0 also carries the expiration title (the view spans it over the row)."""

    def get(row: ChainRow) -> Any:
        return expiration_title(row) if isinstance(row, ExpirationRow) else first.getter(row)

    return Column(
        first.key, first.header, first.tooltip, get, first.formatter, first.align, width=first.width
    )


def chain_columns(read: Reader) -> list[Column[ChainRow]]:
    """Calls (outside-in: OI ... Ask) | Strike | Puts (Bid ... OI)."""
    calls = _side_columns(read, "C")
    puts = list(reversed(_side_columns(read, "P")))
    puts[0:3] = [puts[2], puts[1], puts[0]]  # Bid, Mid, Ask next to the strike on both sides
    strike = Column(
        "strike",
        "Strike",
        "Strike price",
        lambda r: r.strike.strike if isinstance(r, StrikeRow) else None,
        lambda v: "" if v is None else format(v.normalize(), "f"),
        CENTER,
        width=56,
    )
    return [_first_cell(read, calls[0]), *calls[1:], strike, *puts]


CALL_KEYS = frozenset(k for k in (c.key for c in chain_columns(lambda *_: None)) if k.startswith("c_"))
PUT_KEYS = frozenset(k for k in (c.key for c in chain_columns(lambda *_: None)) if k.startswith("p_"))
