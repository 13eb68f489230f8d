"""Chart timeframes and how much history each loads (Qt-free).

Default history follows Tastytrade's recommended ranges (1 day of 1m, 1 week of 5m, 1 month
of 30m, 3 months of 1h, 6 months of 2h, a year or more of 1d), with 15m, 4h and 1w chosen in
the same spirit (about 1,000-2,000 candles each). For intraday charts the span counts weekdays
only, so a 1-minute chart opened on a Saturday still shows Friday's session. Scrolling to the
oldest candle asks for the same span again, further back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from desktop.core.candles import align_time, build_candle_symbol

_DAY_MS = 86_400_000
_EXCHANGE_ZONE = ZoneInfo("America/New_York")  # daily and weekly candles start at its midnight


@dataclass(frozen=True, slots=True)
class Timeframe:
    """One chart timeframe: its DXLink period and default history span."""

    label: str  # what the user picks: "5m"
    period: str  # DXLink period code
    period_ms: int
    history: timedelta  # in weekdays when ``weekdays_only`` (5 days = a trading week)
    weekdays_only: bool  # count the span in weekdays (intraday charts)

    def candle_symbol(self, streamer_symbol: str, extended_hours: bool) -> str:
        """``AAPL{=5m}`` with extended hours, ``AAPL{=5m,tho=true}`` regular hours only."""
        return build_candle_symbol(streamer_symbol, self.period, tho=not extended_hours)

    def history_start_ms(self, end_ms: int) -> int:
        """Start of the default history window ending at ``end_ms``, aligned to a period start."""
        span = int(self.history.total_seconds() * 1000)
        start = _weekdays_back(end_ms, span) if self.weekdays_only else end_ms - span
        return align_time(start, self.period, _EXCHANGE_ZONE if self.period_ms >= _DAY_MS else UTC)

    def expected_candles(self, from_ms: int, now_ms: int) -> int:
        """Candles from ``from_ms`` to now on a market that trades around the clock."""
        zone = _EXCHANGE_ZONE if self.period_ms >= _DAY_MS else UTC
        first = align_time(from_ms, self.period, zone)
        last = align_time(now_ms, self.period, zone)
        return (last - first) // self.period_ms + 1 if self.period_ms else 0


def _tf(label: str, period_ms: int, days: float, weekdays_only: bool) -> Timeframe:
    return Timeframe(label, label, period_ms, timedelta(days=days), weekdays_only)


_MIN = 60_000
TIMEFRAMES: tuple[Timeframe, ...] = (
    _tf("1m", _MIN, 1, True),  # ~1,440 candles (390 in regular hours)
    _tf("5m", 5 * _MIN, 5, True),  # a week of sessions: ~2,016 (390 a day in regular hours)
    _tf("15m", 15 * _MIN, 10, True),  # two weeks: ~1,344
    _tf("30m", 30 * _MIN, 30, False),  # ~1,440
    _tf("1h", 60 * _MIN, 91, False),  # ~2,184
    _tf("2h", 120 * _MIN, 182, False),  # ~2,184
    _tf("4h", 240 * _MIN, 365, False),  # ~2,190
    _tf("1d", _DAY_MS, 2 * 365, False),  # ~730 (a year or more)
    _tf("1w", 7 * _DAY_MS, 10 * 365, False),  # ~520
)
BY_LABEL = {tf.label: tf for tf in TIMEFRAMES}
DEFAULT = BY_LABEL["5m"]


def timeframe(label: str) -> Timeframe:
    """The timeframe called ``label`` ("1m" ... "1w"); ValueError names the choices."""
    try:
        return BY_LABEL[label]
    except KeyError:
        raise ValueError(f"unknown timeframe {label!r}; choose one of {', '.join(BY_LABEL)}") from None


def _weekdays_back(end_ms: int, span_ms: int) -> int:
    """The time ``span_ms`` of weekday time before ``end_ms`` (UTC Saturdays/Sundays skipped)."""
    t = end_ms
    remaining = span_ms
    while remaining > 0:
        day_start = t - t % _DAY_MS
        if day_start == t:
            day_start -= _DAY_MS
        weekday = (day_start // _DAY_MS + 3) % 7  # 0 = Monday (1970-01-01 was a Thursday)
        chunk = t - day_start
        if weekday >= 5:  # weekend: skip the whole day
            t = day_start
            continue
        if chunk >= remaining:
            return t - remaining
        remaining -= chunk
        t = day_start
    return t
