"""Top-of-book quotes, last trades and day statistics of underlyings, futures and crypto.

A ``Ticker`` turns the model price into what a feed shows: a bid/ask on the instrument's tick
with a spread and sizes that fit its liquidity, an occasional trade at the bid or the ask,
and the day's open/high/low/volume (continuing the same day's history, so the Summary event
and the daily candle agree). Indices have a value but no sizes and no volume.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .instruments import Instrument

_NAN = math.nan


@dataclass
class DayStats:
    """Statistics of the trading day in progress."""

    day_id: int  # days since the epoch of the session date
    open: float
    high: float
    low: float
    volume: float
    prev_day_id: int
    prev_close: float
    prev_volume: float


@dataclass
class Ticker:
    """Quote state of one non-option instrument."""

    inst: Instrument
    price: float
    day: DayStats
    bid: float = _NAN
    ask: float = _NAN
    bid_size: float = _NAN
    ask_size: float = _NAN
    last: float = _NAN
    last_size: float = _NAN
    last_time: int = 0
    direction: str = "UNDEFINED"
    changed_tick: int = 0
    sequence: int = 0
    base_volume: float = 0.0  # today's volume before the live start
    units_start: float = 0.0  # live volume units recorded when today began
    cache: dict[str, dict[str, object]] = field(default_factory=dict)

    @property
    def is_index(self) -> bool:
        return self.inst.kind == "Index"

    @property
    def mark(self) -> float:
        if self.bid == self.bid and self.ask == self.ask:
            return (self.bid + self.ask) / 2
        return self.price

    def requote(
        self, price: float, u1: float, u2: float, u3: float, now_ms: int, tick: int, trade: bool
    ) -> None:
        """New model price; ``u1..u3`` are uniform(0,1) draws for spread, sizes and side."""
        inst = self.inst
        self.price = price
        tick_size = inst.tick_at(price)
        liquidity = inst.liquidity
        if self.is_index:
            self.bid = _round(price - tick_size, tick_size)
            self.ask = _round(price + tick_size, tick_size)
            self.bid_size = self.ask_size = _NAN
        else:
            ticks_wide = 1 + int(u1 * (6 - min(liquidity, 5)) * (1.3 if u1 > 0.8 else 1.0))
            if inst.kind == "Cryptocurrency":
                ticks_wide = max(ticks_wide, int(price * 0.0006 / tick_size))
            half = ticks_wide * tick_size / 2
            self.bid = _round(math.floor((price - half) / tick_size + 1e-9) * tick_size, tick_size)
            self.ask = _round(self.bid + ticks_wide * tick_size, tick_size)
            self.bid_size, self.ask_size = _sizes(inst, price, u2, u3)
        if trade:
            self.last = self.ask if u3 > 0.5 else self.bid
            if self.is_index:
                self.last = _round(price, tick_size)
            self.last_size = _trade_size(inst, price, u2)
            self.last_time = now_ms
            self.direction = "UP" if self.last > price else "DOWN"
            if self.last > self.day.high:
                self.day.high = self.last
            if self.last < self.day.low:
                self.day.low = self.last
        self.sequence += 1
        self.changed_tick = tick
        self.cache.clear()

    def roll_day(self, day_id: int, open_price: float, units_now: float) -> None:
        """A new session started: today's statistics become the previous day's."""
        d = self.day
        close = self.last if self.last == self.last else self.price
        self.day = DayStats(day_id, open_price, open_price, open_price, 0.0, d.day_id, close, d.volume)
        self.base_volume = 0.0
        self.units_start = units_now
        self.cache.clear()


def _round(value: float, tick: float) -> float:
    digits = max(0, -math.floor(math.log10(tick))) if tick < 1 else 0
    return round(round(value / tick) * tick, digits + 2)


def _sizes(inst: Instrument, price: float, u2: float, u3: float) -> tuple[float, float]:
    if inst.kind == "Equity":
        lots = 2 + 8 * inst.liquidity
        return float(100 * (1 + int(u2 * lots))), float(100 * (1 + int(u3 * lots)))
    if inst.kind == "Future":
        return float(1 + int(u2 * 12 * inst.liquidity)), float(1 + int(u3 * 12 * inst.liquidity))
    if inst.kind == "Cryptocurrency":
        unit = 20_000.0 / price
        return round(unit * (0.2 + 4 * u2), 6), round(unit * (0.2 + 4 * u3), 6)
    return float(1 + int(u2 * 50)), float(1 + int(u3 * 50))


def _trade_size(inst: Instrument, price: float, u: float) -> float:
    if inst.kind == "Equity":
        return float(100 * (1 + int(u * 5))) if u > 0.3 else float(1 + int(u * 99))
    if inst.kind == "Cryptocurrency":
        return round(2_000.0 / price * (0.1 + u * 3), 6)
    if inst.kind == "Index":
        return _NAN
    return float(1 + int(u * 10))
