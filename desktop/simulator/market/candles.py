"""Candles of any period for one instrument: history (pure function of the seed) then live.

Minute rows before the live start come from ``paths`` (masked to the instrument's trading
hours and scaled by its ratio); from the live start on they come from ``live``. Sub-minute
history splits each minute deterministically (open -> high -> low -> close, or with low and
high swapped), so a 15 s chart aggregates back to exactly the 1 m one. Daily bars use the
regular session for OHLC and the whole day for volume (the US-equity convention); days older
than the intraday window come from the fast daily walk.
"""

from __future__ import annotations

import math
import threading
from datetime import date, timedelta

import numpy as np

from desktop.core.candles import CandlePeriod, align_time

from . import hours as H
from .bars import Candle, Rows, aggregate, concat, cut, empty, split_minutes
from .instruments import Instrument
from .live import LiveWalk
from .paths import PathEngine, rng

INTRADAY_DAYS = 100  # minute history depth (calendar days): over three months
DAILY_DAYS = 2 * 366  # daily history depth
SUBMINUTE_DAYS = 3  # second-resolution history depth
MAX_CANDLES = 10_000  # most candles one call returns (the newest)
YEAR_MS = 365.0 * 86_400_000


class CandleSource:
    """Builds candle series for instruments that follow a core path."""

    def __init__(self, paths: PathEngine, live: LiveWalk, adv: dict[str, float]) -> None:
        self.paths = paths
        self.live = live
        self.adv = adv
        self._lock = threading.Lock()
        self._daily: dict[tuple[str, bool], tuple[date, list[Candle]]] = {}

    # -- scaling --------------------------------------------------------------------------------

    def _scale(self, inst: Instrument, t: np.ndarray) -> np.ndarray | float:
        if inst.kind == "Future" and inst.expires_ms:
            carry = self.paths.universe.futures[inst.product_code].carry_rate
            return inst.ratio * np.exp(carry * np.maximum(inst.expires_ms - t, 0) / YEAR_MS)
        return inst.ratio

    def volume_of(self, inst: Instrument) -> float:
        return self.adv.get(inst.symbol, self.adv.get(inst.product_code, 0.0))

    # -- minute rows ----------------------------------------------------------------------------

    def history_minutes(self, inst: Instrument, day: date) -> Rows:
        """The instrument's historical minute rows of ET date ``day`` (before the live start)."""
        bars = self.paths.minutes(inst.path, day)
        if bars is None:
            return empty()
        active, regular = H.grid_masks(inst.hours, day)
        grid = (bars.time - H.midnight_ms(day)) // H.MINUTE_MS
        keep = active[grid] & (bars.time < self.live.start_ms)
        if not keep.any():
            return empty()
        t = bars.time[keep]
        rth = regular[grid[keep]]
        s = self._scale(inst, t)
        vol = bars.vol_units[keep] * self.volume_of(inst)
        return (
            t,
            bars.open[keep] * s,
            bars.high[keep] * s,
            bars.low[keep] * s,
            bars.close[keep] * s,
            vol,
            rth,
        )

    def live_rows(self, inst: Instrument, from_ms: int, seconds: bool = False) -> Rows:
        """Live rows (minute or second) of the instrument from ``from_ms``, live one last."""
        raw = (self.live.second_rows if seconds else self.live.minute_rows)(
            inst.path, max(from_ms, self.live.start_ms)
        )
        if not len(raw):
            return empty()
        arr = raw[:, 1:]
        t = raw[:, 0].astype(np.int64)
        if self.live.always_open:
            keep = np.ones(len(t), dtype=bool)
            rth = keep
        else:
            keep, rth = H.masks_for_times(inst.hours, t)
            rth = rth[keep]
        if not keep.any():
            return empty()
        t, arr = t[keep], arr[keep]
        s = self._scale(inst, t)
        vol = arr[:, 4] * self.volume_of(inst)
        return (t, arr[:, 0] * s, arr[:, 1] * s, arr[:, 2] * s, arr[:, 3] * s, vol, rth)

    def minute_rows(self, inst: Instrument, from_ms: int, now_ms: int, max_rows: int | None = None) -> Rows:
        """Minute rows from ``from_ms`` (clipped to the intraday window) to now; with
        ``max_rows``, history stops (going back in time) once that many rows are collected."""
        earliest = H.midnight_ms(H.et_date(now_ms) - timedelta(days=INTRADAY_DAYS))
        from_ms = max(from_ms, earliest)
        live = self.live_rows(inst, from_ms)
        parts: list[Rows] = [live]
        if from_ms < self.live.start_ms:
            first = H.et_date(from_ms)
            day = H.et_date(self.live.start_ms)
            count = len(live[0])
            while day >= first and (max_rows is None or count < max_rows):
                rows = cut(self.history_minutes(inst, day), from_ms)
                if len(rows[0]):
                    parts.append(rows)
                    count += len(rows[0])
                day -= timedelta(days=1)
        return concat(parts[::-1])

    def second_rows(self, inst: Instrument, from_ms: int, now_ms: int) -> Rows:
        """One-second rows: split history minutes, then the recorded live seconds."""
        from_ms = max(from_ms, now_ms - SUBMINUTE_DAYS * H.DAY_MS)
        live_start = self.live.start_ms
        parts: list[Rows] = []
        if from_ms < live_start:
            history = self.minute_rows_between(inst, from_ms - from_ms % H.MINUTE_MS, live_start)
            parts.append(cut(split_minutes(history), from_ms))
        first_second = self.live.first_second(inst.path)
        if first_second is None:
            first_second = now_ms
        if first_second > max(from_ms, live_start):  # live minutes whose seconds are no longer kept
            older = self.live_rows(inst, max(from_ms, live_start))
            split = split_minutes(tuple(a[older[0] < first_second] for a in older))  # type: ignore[arg-type]
            parts.append(cut(tuple(a[split[0] < first_second] for a in split), from_ms))  # type: ignore[arg-type]
        parts.append(self.live_rows(inst, max(from_ms, first_second), seconds=True))
        return concat(parts)

    # -- candles --------------------------------------------------------------------------------

    def candles(
        self, inst: Instrument, period: CandlePeriod, rth_only: bool, from_ms: int, now_ms: int
    ) -> list[Candle]:
        """Ascending candles of ``period`` from ``from_ms`` (aligned) to now, the live one last."""
        if period.unit in ("s", "m", "h"):
            step = period.ms or 60_000
            start = from_ms - from_ms % step
            if step < 60_000:
                rows = self.second_rows(inst, start, now_ms)
            else:
                rows = self.minute_rows(inst, start, now_ms, max_rows=(MAX_CANDLES + 2) * (step // 60_000))
            if rth_only:
                rows = tuple(a[rows[6]] for a in rows)  # type: ignore[assignment]
            keys = rows[0] - rows[0] % step
            out = aggregate(rows, keys, rth_ohlc=False)
        else:
            out = self.period_candles(inst, period, rth_only, from_ms, now_ms)
        out = [c for c in out if c.time + _span(period) > from_ms]
        return out[-MAX_CANDLES:]

    def period_candles(
        self, inst: Instrument, period: CandlePeriod, rth_only: bool, from_ms: int, now_ms: int
    ) -> list[Candle]:
        first_day = max(
            H.et_date(from_ms) - timedelta(days=40), H.et_date(now_ms) - timedelta(days=DAILY_DAYS)
        )
        daily = self.daily(inst, first_day, rth_only, now_ms)
        if period.unit == "d" and period.value == 1:
            return daily
        keys = np.asarray([align_time(c.time, period, H.ET) for c in daily], dtype=np.int64)
        rows = (
            np.asarray([c.time for c in daily], dtype=np.int64),
            np.asarray([c.open for c in daily]),
            np.asarray([c.high for c in daily]),
            np.asarray([c.low for c in daily]),
            np.asarray([c.close for c in daily]),
            np.asarray([c.volume for c in daily]),
            np.ones(len(daily), dtype=bool),
        )
        return aggregate(rows, keys, rth_ohlc=False)

    def session_date(self, inst: Instrument, t: np.ndarray) -> np.ndarray:
        """ET session date (as midnight ms) of each row; futures sessions start at 18:00."""
        shift = 6 * 3_600_000 if inst.hours == "futures" else 0
        if len(t) == 0:
            return np.zeros(0, dtype=np.int64)
        which, days = H.day_keys(t, shift)
        return np.asarray([H.midnight_ms(d) for d in days], dtype=np.int64)[which]

    def daily(self, inst: Instrument, first_day: date, rth_only: bool, now_ms: int) -> list[Candle]:
        """Daily candles from ``first_day`` to today; finished days are cached per instrument."""
        shift = 6 * 3_600_000 if inst.hours == "futures" else 0
        today = H.et_date(now_ms + shift)
        key = (inst.symbol, rth_only)
        with self._lock:
            cached = self._daily.get(key)
        if cached is None or cached[0] != today:
            done = self._finished_days(inst, today, rth_only)
            with self._lock:
                self._daily[key] = (today, done)
        else:
            done = cached[1]
        today_ms = H.midnight_ms(today)
        rows = self.minute_rows(inst, today_ms - shift, now_ms)
        if rth_only:
            rows = tuple(a[rows[6]] for a in rows)  # type: ignore[assignment]
        keys = self.session_date(inst, rows[0])
        current = [c for c in aggregate(rows, keys, rth_ohlc=inst.hours == "equity") if c.time >= today_ms]
        first_ms = H.midnight_ms(first_day)
        return [c for c in done if c.time >= first_ms] + current

    def _finished_days(self, inst: Instrument, today: date, rth_only: bool) -> list[Candle]:
        """Daily candles of the sessions before ``today`` (fast walk before the intraday window)."""
        first_day = today - timedelta(days=DAILY_DAYS)
        split = today - timedelta(days=INTRADAY_DAYS)
        old_days = []
        d = first_day
        while d < split:
            if H.has_session(inst.hours, d):
                old_days.append(d)
            d += timedelta(days=1)
        out: list[Candle] = []
        index = inst.kind == "Index"
        if old_days:
            fast = self.paths.daily_fast(inst.path, old_days)
            adv = self.volume_of(inst)
            noise = np.exp(
                0.3 * rng(self.paths.seed, "dailyvolume", inst.symbol).standard_normal(len(old_days))
            )
            t = np.asarray([H.midnight_ms(day) for day in old_days], dtype=np.int64)
            s = np.broadcast_to(self._scale(inst, t), t.shape)
            for i in range(len(old_days)):
                o, h, lo, c = (float(fast[k][i] * s[i]) for k in ("open", "high", "low", "close"))
                vol = math.nan if index else adv * float(noise[i])
                out.append(Candle(int(t[i]), o, h, lo, c, vol, math.nan if index else (h + lo + c) / 3, 1))
        d = split
        live_day = H.et_date(self.live.start_ms)
        while d < today:
            bar = self._day_bar(inst, d, rth_only) if d < live_day else None
            if bar is not None:
                out.append(bar)
            elif d >= live_day:
                out += self._live_day_bars(inst, d, rth_only)
            d += timedelta(days=1)
        return out

    def _day_bar(self, inst: Instrument, day: date, rth_only: bool) -> Candle | None:
        """One historical session's daily candle, straight from its minute rows."""
        if inst.hours == "futures":
            start = H.midnight_ms(day) - 6 * 3_600_000
            parts = [self.history_minutes(inst, day - timedelta(days=1)), self.history_minutes(inst, day)]
            rows = concat([tuple(a[(p[0] >= start) & (p[0] < start + H.DAY_MS)] for a in p) for p in parts])  # type: ignore[misc]
        else:
            rows = self.history_minutes(inst, day)
        if rth_only:
            rows = tuple(a[rows[6]] for a in rows)  # type: ignore[assignment]
        if not len(rows[0]):
            return None
        keys = np.full(len(rows[0]), H.midnight_ms(day), dtype=np.int64)
        return aggregate(rows, keys, rth_ohlc=inst.hours == "equity")[0]

    def _live_day_bars(self, inst: Instrument, day: date, rth_only: bool) -> list[Candle]:
        """Daily candle(s) of a finished day that was (partly) live."""
        shift = 6 * 3_600_000 if inst.hours == "futures" else 0
        start = H.midnight_ms(day) - shift
        rows = self.minute_rows_between(inst, start, start + H.DAY_MS)
        if rth_only:
            rows = tuple(a[rows[6]] for a in rows)  # type: ignore[assignment]
        keys = self.session_date(inst, rows[0])
        return [
            c for c in aggregate(rows, keys, rth_ohlc=inst.hours == "equity") if c.time == H.midnight_ms(day)
        ]

    def minute_rows_between(self, inst: Instrument, from_ms: int, to_ms: int) -> Rows:
        """Minute rows with ``from_ms <= time < to_ms`` (history and live)."""
        rows = self.minute_rows(inst, from_ms, to_ms)
        k = int(np.searchsorted(rows[0], to_ms, side="left"))
        return tuple(a[:k] for a in rows)  # type: ignore[return-value]


def _span(period: CandlePeriod) -> int:
    return period.ms or 31 * H.DAY_MS
