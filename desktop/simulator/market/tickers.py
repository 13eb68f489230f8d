"""Tickers of underlyings, futures and crypto: created from the day's history, with profiles."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np

from . import hours as H
from .bars import aggregate
from .candles import CandleSource
from .events import day_id_of, profile_event
from .instruments import Instrument
from .live import LiveWalk
from .paths import EPOCH, PathEngine
from .quotes import DayStats, Ticker
from .universe import Universe

_YEAR_MS = 365.0 * 86_400_000


def carry_scale(universe: Universe, inst: Instrument, now_ms: int) -> float:
    """Price = core level x this: the ratio, and for futures the carry to expiration."""
    if inst.kind == "Future":
        carry = universe.futures[inst.product_code].carry_rate
        return inst.ratio * math.exp(carry * max(inst.expires_ms - now_ms, 0) / _YEAR_MS)
    return inst.ratio


def session_midnight(inst: Instrument, now_ms: int) -> int:
    """ET midnight of the session date in progress (futures sessions start at 18:00)."""
    shift = 6 * 3_600_000 if inst.hours == "futures" else 0
    return H.midnight_ms(H.et_date(now_ms + shift))


def _on_tick(inst: Instrument, value: float) -> float:
    tick = inst.tick_at(value)
    return round(round(value / tick) * tick, 6)


def new_ticker(
    source: CandleSource, live: LiveWalk, inst: Instrument, now_ms: int, tick: int, gen: np.random.Generator
) -> Ticker:
    """A ticker whose day statistics continue today's history (so Summary matches the candles)."""
    day_ms = session_midnight(inst, now_ms)
    first = H.et_date(day_ms + 3_600_000) - timedelta(days=10)
    rows = source.minute_rows(inst, H.midnight_ms(first) - 6 * 3_600_000, now_ms)
    days = aggregate(rows, source.session_date(inst, rows[0]), rth_ohlc=inst.hours == "equity")
    price = live.level(inst.path) * carry_scale(source.paths.universe, inst, now_ms)
    today = days[-1] if days and days[-1].time == day_ms else None
    prev = [c for c in days if c.time < day_ms]
    prev_close = prev[-1].close if prev else price
    prev_id = day_id_of(prev[-1].time) if prev else day_id_of(day_ms) - 1
    prev_volume = prev[-1].volume if prev else 0.0
    if today is None:
        o = h = lo = price
        volume = 0.0
    else:
        o, h, lo, volume = today.open, max(today.high, price), min(today.low, price), today.volume
    o, h, lo, prev_close = (_on_tick(inst, x) for x in (o, h, lo, prev_close))
    t = Ticker(inst, price, DayStats(day_id_of(day_ms), o, h, lo, volume, prev_id, prev_close, prev_volume))
    t.base_volume = volume
    t.units_start = live.cumulative_volume(inst.path)
    u = gen.random(4)
    t.requote(price, u[0], u[1], u[2], now_ms, tick, True)
    if today is not None:
        t.last = _on_tick(inst, today.close)
        t.day.high, t.day.low = max(today.high, t.day.high), min(today.low, t.day.low)
    return t


def profile_fields(paths: PathEngine, universe: Universe, t: Ticker, now_ms: int) -> dict[str, object]:
    """Profile event values: description, 52-week range from the daily walk, fundamentals."""
    inst = t.inst
    levels = paths.levels(inst.path)
    today = (H.et_date(now_ms) - EPOCH).days
    window = np.exp(levels[max(0, today - 365) : today + 1]) * carry_scale(universe, inst, now_ms)
    u = universe.underlyings.get(inst.symbol)
    hi = max(float(window.max()) * 1.012, t.day.high)
    lo = min(float(window.min()) * 0.988, t.day.low)
    if u is None:
        return profile_event(
            inst.streamer_symbol, inst.description, hi, lo, math.nan, math.nan, 0.0, math.nan, 0
        )
    div = round(t.price * u.dividend_yield / 4, 2)
    ex_day = day_id_of(H.midnight_ms(H.et_date(now_ms) + timedelta(days=23)))
    shares = math.nan if u.kind == "Index" else u.shares
    return profile_event(
        inst.streamer_symbol, u.description, hi, lo, u.beta, u.eps, div, shares, ex_day if div else 0
    )
