"""Instruments the exchange knows: what a streamer symbol or REST symbol refers to.

``Instrument`` is the one record REST and DXLink share. Underlyings, futures contracts and
crypto pairs are listed up front; options are listed by ``chains`` and also resolved on the
fly from their symbols (so a position opened yesterday still resolves after a restart).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from desktop.core.money import TickSize

from .universe import Hours

InstrumentKind = Literal["Equity", "Index", "Equity Option", "Future", "Future Option", "Cryptocurrency"]


@dataclass(frozen=True, slots=True)
class Instrument:
    """One quotable instrument.

    ``path``/``ratio``/``carry`` say how its price follows a core path (underlyings, futures,
    crypto); options are priced from their ``underlying_streamer`` instead.
    """

    streamer_symbol: str
    symbol: str  # REST (trading) symbol
    kind: InstrumentKind
    description: str
    underlying_symbol: str  # REST symbol of the underlying ("/ESZ6" for future options, "/ES" for futures)
    underlying_streamer: str  # streamer symbol of what this is priced from ("" for underlyings)
    hours: Hours
    multiplier: float = 1.0
    tick_sizes: tuple[TickSize, ...] = (TickSize(Decimal("0.01")),)
    path: str = ""
    ratio: float = 1.0
    root: str = ""  # option root (SPXW) / futures product code (ES) / future-option root (EW4)
    strike: float = 0.0
    option_type: str = ""  # "C" | "P"
    expiration: date | None = None
    expires_ms: int = 0  # when it stops trading (options, futures)
    settlement: str = ""  # AM | PM (options)
    exercise_style: str = ""  # American | European
    expiration_type: str = ""  # Regular | Weekly | Quarterly | End-Of-Month
    option_contract: str = ""  # future options: EW4N6
    product_code: str = ""  # futures / future options: ES
    liquidity: int = 3

    @property
    def is_option(self) -> bool:
        return self.kind in ("Equity Option", "Future Option")

    @property
    def is_future(self) -> bool:
        return self.kind == "Future"

    def tick_at(self, price: float) -> float:
        """The price increment that applies at ``price`` (float, for quoting)."""
        magnitude = abs(price)
        fallback = None
        for rule in self.tick_sizes:
            if rule.threshold is None:
                fallback = fallback if fallback is not None else rule.value
            elif magnitude < rule.threshold:
                return float(rule.value)
        return float(fallback if fallback is not None else self.tick_sizes[-1].value)


def ticks(*rules: tuple[str, str | None]) -> tuple[TickSize, ...]:
    """``ticks(("0.01", "3"), ("0.05", None))`` -> tick-size rules."""
    return tuple(TickSize(Decimal(v), Decimal(t) if t is not None else None) for v, t in rules)


EQUITY_TICKS = ticks(("0.0001", "1"), ("0.01", None))
PENNY_ALL_TICKS = ticks(("0.01", None))  # SPY, QQQ, IWM options
PENNY_PILOT_TICKS = ticks(("0.01", "3"), ("0.05", None))
STANDARD_OPTION_TICKS = ticks(("0.05", "3"), ("0.1", None))  # also SPX/SPXW
