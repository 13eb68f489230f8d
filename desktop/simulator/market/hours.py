"""When things trade: per-date minute grids and active/regular-hours ranges (US Eastern).

A date's minute grid starts at local midnight (America/New_York) and has 1380, 1440 or 1500
minutes (DST days). Session boundaries are converted to UTC with ``zoneinfo``, so grids and
masks are right across DST changes. Holidays and half days come from ``desktop.core.calendar``.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

from desktop.core import calendar

from .universe import Hours

ET = ZoneInfo("America/New_York")
MINUTE_MS = 60_000
DAY_MS = 86_400_000


@lru_cache(maxsize=4096)
def midnight_ms(day: date) -> int:
    """UTC epoch ms of local midnight (ET) starting ``day``."""
    return int(datetime.combine(day, time(0), tzinfo=ET).timestamp() * 1000)


def grid_minutes(day: date) -> int:
    """How many minutes the ET calendar ``day`` has (1380/1440/1500)."""
    return (midnight_ms(day + timedelta(days=1)) - midnight_ms(day)) // MINUTE_MS


def et_date(ms: int) -> date:
    """The ET calendar date containing epoch ms ``ms``."""
    return datetime.fromtimestamp(ms / 1000, tz=ET).date()


def _at(day: date, hh: int, mm: int) -> int:
    return int(datetime.combine(day, time(hh, mm), tzinfo=ET).timestamp() * 1000)


def _index(day: date, ms: int) -> int:
    return (ms - midnight_ms(day)) // MINUTE_MS


def is_equity_day(day: date) -> bool:
    return calendar.is_trading_day(day)


def equity_close(day: date) -> tuple[int, int]:
    """(hour, minute) of the regular close on a trading day (13:00 on half days)."""
    session = calendar.equity_session(day)
    if session is None:
        return (16, 0)
    close = session.close.astimezone(ET)
    return (close.hour, close.minute)


@lru_cache(maxsize=8192)
def session_ranges(
    hours: Hours, day: date
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """(active ranges, regular-hours ranges) as half-open grid-index ranges for ``day``."""
    n = grid_minutes(day)
    if hours == "crypto":
        return ((0, n),), ((0, n),)
    weekday = day.weekday()  # Mon=0 .. Sun=6
    if hours == "futures":
        # CME Globex: Sunday 18:00 to Friday 17:00 ET with a daily 17:00-18:00 break.
        active: list[tuple[int, int]] = []
        if weekday <= 4:
            active.append((0, _index(day, _at(day, 17, 0))))
        if weekday in (0, 1, 2, 3, 6):
            active.append((_index(day, _at(day, 18, 0)), n))
        ranges = tuple(active)
        return ranges, ranges
    if not is_equity_day(day):
        return (), ()
    ch, cm = equity_close(day)
    rth = ((_index(day, _at(day, 9, 30)), _index(day, _at(day, ch, cm))),)
    if hours == "index":
        return rth, rth
    ext_end = _at(day, 20, 0) if (ch, cm) == (16, 0) else _at(day, 17, 0)
    return ((_index(day, _at(day, 4, 0)), _index(day, ext_end)),), rth


def _mask(n: int, ranges: tuple[tuple[int, int], ...]) -> np.ndarray:
    m = np.zeros(n, dtype=bool)
    for a, b in ranges:
        m[a:b] = True
    return m


@lru_cache(maxsize=4096)
def grid_masks(hours: Hours, day: date) -> tuple[np.ndarray, np.ndarray]:
    """(trading, regular-hours) booleans over the whole minute grid of ``day``."""
    active, rth = session_ranges(hours, day)
    n = grid_minutes(day)
    a, r = _mask(n, active), _mask(n, rth)
    a.flags.writeable = False
    r.flags.writeable = False
    return a, r


@lru_cache(maxsize=4096)
def active_index(hours: Hours, day: date) -> np.ndarray:
    """Grid indexes (ascending) of the minutes ``hours`` trades on ``day``."""
    active, _ = session_ranges(hours, day)
    idx = np.flatnonzero(_mask(grid_minutes(day), active))
    idx.flags.writeable = False
    return idx


@lru_cache(maxsize=4096)
def regular_mask(hours: Hours, day: date) -> np.ndarray:
    """Boolean per *active* minute of ``day``: is it regular trading hours?"""
    active, rth = session_ranges(hours, day)
    n = grid_minutes(day)
    m = _mask(n, rth)[_mask(n, active)]
    m.flags.writeable = False
    return m


def has_session(hours: Hours, day: date) -> bool:
    return bool(session_ranges(hours, day)[0])


def is_open(hours: Hours, ms: int) -> bool:
    """Does ``hours`` trade at epoch ms ``ms`` (any session, extended included)?"""
    day = et_date(ms)
    i = _index(day, ms)
    return any(a <= i < b for a, b in session_ranges(hours, day)[0])


def is_regular(hours: Hours, ms: int) -> bool:
    day = et_date(ms)
    i = _index(day, ms)
    return any(a <= i < b for a, b in session_ranges(hours, day)[1])


def previous_session_day(hours: Hours, day: date, limit: int = 15) -> date | None:
    """The last date before ``day`` on which ``hours`` traded."""
    d = day
    for _ in range(limit):
        d -= timedelta(days=1)
        if has_session(hours, d):
            return d
    return None


def minute_volume_profile(hours: Hours, day: date) -> np.ndarray:
    """Relative volume per active minute (sums to 1): U-shaped regular hours, thin extended."""
    idx = active_index(hours, day)
    if len(idx) == 0:
        return np.zeros(0)
    rth = regular_mask(hours, day)
    w = np.where(rth, 1.0, 0.04 if hours == "equity" else 0.35)
    if rth.any() and hours in ("equity", "index", "futures"):
        pos = np.flatnonzero(rth)
        x = np.linspace(0.0, 1.0, len(pos))
        w[pos] *= 0.65 + 1.3 * (x - 0.5) ** 2 * 4 * np.where(x > 0.5, 1.15, 1.0)
    return w / w.sum()


def minute_vol_profile(hours: Hours, day: date) -> np.ndarray:
    """Relative volatility weight per active minute (unnormalised)."""
    idx = active_index(hours, day)
    if len(idx) == 0:
        return np.zeros(0)
    rth = regular_mask(hours, day)
    w = np.where(rth, 1.0, 0.35)
    if hours == "crypto":
        return np.ones(len(idx))
    if rth.any():
        pos = np.flatnonzero(rth)
        x = np.linspace(0.0, 1.0, len(pos))
        w[pos] *= 0.8 + 0.9 * (x - 0.5) ** 2 * 4
    return w


def day_keys(t: np.ndarray, shift_ms: int = 0) -> tuple[np.ndarray, list[date]]:
    """(index into the returned dates per row, distinct ET dates) of epoch-ms times ``t``."""
    hours_k = (t + shift_ms) // 3_600_000
    uniq, inverse = np.unique(hours_k, return_inverse=True)
    dates = [et_date(int(k) * 3_600_000 + 1_800_000) for k in uniq]
    distinct = sorted(set(dates))
    pos = {d: i for i, d in enumerate(distinct)}
    return np.asarray([pos[d] for d in dates], dtype=np.int64)[inverse], distinct


def masks_for_times(hours: Hours, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(trading, regular-hours) booleans for each epoch-ms time in ``t`` (vectorised per day)."""
    active = np.zeros(len(t), dtype=bool)
    regular = np.zeros(len(t), dtype=bool)
    if len(t) == 0:
        return active, regular
    which, days = day_keys(t)
    for i, day in enumerate(days):
        sel = which == i
        idx = (t[sel] - midnight_ms(day)) // MINUTE_MS
        act_ranges, rth_ranges = session_ranges(hours, day)
        a = np.zeros(len(idx), dtype=bool)
        r = np.zeros(len(idx), dtype=bool)
        for lo, hi in act_ranges:
            a |= (idx >= lo) & (idx < hi)
        for lo, hi in rth_ranges:
            r |= (idx >= lo) & (idx < hi)
        active[sel] = a
        regular[sel] = r
    return active, regular
