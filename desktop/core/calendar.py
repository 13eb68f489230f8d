"""US equity market calendar: NYSE holidays and early closes, sessions, option expirations.

Session times are New York wall-clock times returned as timezone-aware UTC datetimes, so
daylight-saving changes are handled by ``zoneinfo``. Holiday rules follow NYSE practice:
a Saturday holiday is observed on the Friday before, a Sunday holiday on the Monday after,
except New Year's Day falling on a Saturday, which is not observed at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "NEW_YORK",
    "MarketState",
    "Session",
    "days_to_expiration",
    "easter_sunday",
    "equity_session",
    "expiration_type",
    "holiday_name",
    "is_early_close",
    "is_trading_day",
    "last_trading_day_of_month",
    "market_state",
    "monthly_expiration",
    "next_session",
    "next_trading_day",
    "nyse_holidays",
    "option_expirations",
    "previous_trading_day",
    "third_friday",
]

NEW_YORK = ZoneInfo("America/New_York")

PRE_MARKET_OPEN = time(4, 0)
REGULAR_OPEN = time(9, 30)
REGULAR_CLOSE = time(16, 0)
EARLY_CLOSE = time(13, 0)
POST_MARKET_CLOSE = time(20, 0)
EARLY_POST_MARKET_CLOSE = time(17, 0)

# Unscheduled full-day closures (weather, national days of mourning).
SPECIAL_CLOSURES: dict[date, str] = {
    date(2012, 10, 29): "Hurricane Sandy",
    date(2012, 10, 30): "Hurricane Sandy",
    date(2018, 12, 5): "National Day of Mourning (George H. W. Bush)",
    date(2025, 1, 9): "National Day of Mourning (Jimmy Carter)",
}


class MarketState(StrEnum):
    """Where the US equity market is in its day."""

    OPEN = "Open"
    CLOSED = "Closed"
    PRE_MARKET = "Pre-market"
    EXTENDED = "Extended"


@dataclass(frozen=True)
class Session:
    """One trading day's session boundaries (aware UTC datetimes)."""

    day: date
    pre_market_open: datetime
    open: datetime
    close: datetime
    post_market_close: datetime
    early_close: bool = False


# ---------------------------------------------------------------------------------------------
# Holidays
# ---------------------------------------------------------------------------------------------


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian computus)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    leap = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * leap) // 451
    month, day = divmod(h + leap - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th (1-based) given weekday of a month (Monday = 0)."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(d: date) -> date:
    if d.weekday() == 5:
        return d - timedelta(days=1)
    if d.weekday() == 6:
        return d + timedelta(days=1)
    return d


@lru_cache(maxsize=64)
def nyse_holidays(year: int) -> dict[date, str]:
    """Full-day NYSE closures in ``year`` (observed dates), name by date."""
    days: dict[date, str] = {}
    new_year = date(year, 1, 1)
    if new_year.weekday() != 5:  # a Saturday New Year's Day is not observed
        days[_observed(new_year)] = "New Year's Day"
    if year >= 1998:
        days[_nth_weekday(year, 1, 0, 3)] = "Martin Luther King Jr. Day"
    days[_nth_weekday(year, 2, 0, 3)] = "Washington's Birthday"
    days[easter_sunday(year) - timedelta(days=2)] = "Good Friday"
    days[_last_weekday(year, 5, 0)] = "Memorial Day"
    if year >= 2022:
        days[_observed(date(year, 6, 19))] = "Juneteenth National Independence Day"
    days[_observed(date(year, 7, 4))] = "Independence Day"
    days[_nth_weekday(year, 9, 0, 1)] = "Labor Day"
    days[_nth_weekday(year, 11, 3, 4)] = "Thanksgiving Day"
    days[_observed(date(year, 12, 25))] = "Christmas Day"
    days.update({d: name for d, name in SPECIAL_CLOSURES.items() if d.year == year})
    return dict(sorted(days.items()))


def holiday_name(d: date) -> str | None:
    """The holiday (or special closure) that closes the market on ``d``, if any."""
    return nyse_holidays(d.year).get(d)


def is_trading_day(d: date) -> bool:
    """A weekday that is not an NYSE holiday."""
    return d.weekday() < 5 and d not in nyse_holidays(d.year)


def is_early_close(d: date) -> bool:
    """13:00 close: July 3 (when July 4 falls Tuesday-Friday), the day after Thanksgiving,
    and Christmas Eve on a weekday that is not itself the observed Christmas holiday."""
    if not is_trading_day(d):
        return False
    if d.month == 7 and d.day == 3:
        return True
    if d.month == 11 and d == _nth_weekday(d.year, 11, 3, 4) + timedelta(days=1):
        return True
    return d.month == 12 and d.day == 24


def next_trading_day(d: date) -> date:
    """The first trading day strictly after ``d``."""
    d += timedelta(days=1)
    while not is_trading_day(d):
        d += timedelta(days=1)
    return d


def previous_trading_day(d: date) -> date:
    """The last trading day strictly before ``d``."""
    d -= timedelta(days=1)
    while not is_trading_day(d):
        d -= timedelta(days=1)
    return d


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


def _at(d: date, t: time) -> datetime:
    return datetime.combine(d, t, tzinfo=NEW_YORK).astimezone(UTC)


def equity_session(d: date) -> Session | None:
    """The day's session (pre-market 04:00, open 09:30, close 16:00 or 13:00 on early
    closes, post-market until 20:00 or 17:00), or ``None`` when the market is closed."""
    if not is_trading_day(d):
        return None
    early = is_early_close(d)
    return Session(
        day=d,
        pre_market_open=_at(d, PRE_MARKET_OPEN),
        open=_at(d, REGULAR_OPEN),
        close=_at(d, EARLY_CLOSE if early else REGULAR_CLOSE),
        post_market_close=_at(d, EARLY_POST_MARKET_CLOSE if early else POST_MARKET_CLOSE),
        early_close=early,
    )


def _require_aware(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("a timezone-aware datetime is required (got a naive one)")
    return now


def market_state(now_utc: datetime) -> MarketState:
    """``Open``, ``Pre-market``, ``Extended`` (post-market) or ``Closed`` at ``now_utc``."""
    now = _require_aware(now_utc)
    session = equity_session(now.astimezone(NEW_YORK).date())
    if session is None or now < session.pre_market_open or now >= session.post_market_close:
        return MarketState.CLOSED
    if now < session.open:
        return MarketState.PRE_MARKET
    if now < session.close:
        return MarketState.OPEN
    return MarketState.EXTENDED


def next_session(now_utc: datetime) -> Session:
    """The session that is in progress at ``now_utc`` (any part of its day) or, after the
    post-market close, the next one."""
    now = _require_aware(now_utc)
    d = now.astimezone(NEW_YORK).date()
    session = equity_session(d)
    if session is not None and now < session.post_market_close:
        return session
    nxt = equity_session(next_trading_day(d))
    assert nxt is not None
    return nxt


# ---------------------------------------------------------------------------------------------
# Option expirations
# ---------------------------------------------------------------------------------------------


def third_friday(year: int, month: int) -> date:
    """The third Friday of a month (the standard monthly option expiration date)."""
    return _nth_weekday(year, month, 4, 3)


def monthly_expiration(year: int, month: int) -> date:
    """The monthly ("Regular") expiration: the third Friday, or the trading day before it
    when that Friday is a holiday (e.g. Good Friday, 2025-04-18 -> 2025-04-17)."""
    d = third_friday(year, month)
    return d if is_trading_day(d) else previous_trading_day(d)


def last_trading_day_of_month(year: int, month: int) -> date:
    d = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return d if is_trading_day(d) else previous_trading_day(d)


def _is_weekly(d: date) -> bool:
    """Fridays, or the Thursday before a Friday holiday."""
    if d.weekday() == 4:
        return True
    return d.weekday() == 3 and not is_trading_day(d + timedelta(days=1))


def expiration_type(d: date) -> str:
    """``Regular`` (monthly), ``Quarterly`` (last trading day of Mar/Jun/Sep/Dec),
    ``End-Of-Month`` (last trading day of another month) or ``Weekly``."""
    if d == monthly_expiration(d.year, d.month):
        return "Regular"
    if d == last_trading_day_of_month(d.year, d.month):
        return "Quarterly" if d.month % 3 == 0 else "End-Of-Month"
    return "Weekly"


def days_to_expiration(expiration: date, today: date) -> int:
    """Calendar days from ``today`` to ``expiration`` (0 on expiration day, negative after)."""
    return (expiration - today).days


def option_expirations(
    today: date, horizon_days: int, weeklies: bool = True, dailies: bool = False
) -> list[date]:
    """Expiration dates from ``today`` (inclusive) to ``today + horizon_days``.

    Always the monthlies; with ``weeklies`` also weekly Fridays (Thursday when the Friday is
    a holiday), quarterly and end-of-month expirations; with ``dailies`` every trading day
    (the index/ETF daily expirations). Only trading days are ever listed.
    """
    result = []
    end = today + timedelta(days=horizon_days)
    d = today
    while d <= end:
        if is_trading_day(d) and (
            d == monthly_expiration(d.year, d.month)
            or dailies
            or (weeklies and (_is_weekly(d) or d == last_trading_day_of_month(d.year, d.month)))
        ):
            result.append(d)
        d += timedelta(days=1)
    return result
