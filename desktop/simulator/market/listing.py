"""What is listed when: option expirations, strike grids, futures contract months.

Pure date and number rules (no prices are kept here): weekly and monthly equity-option
expirations out to a year (plus dailies for SPY, QQQ and SPX), strikes on the real
increments around a reference price, futures contract months with their last trading days,
and the /ES future-option series (EW1-EW4 Friday weeklies, EW3 serial monthlies, ES
quarterlies).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache

from desktop.core import calendar
from desktop.core.futures_symbols import month_code

from .hours import ET
from .universe import FutureProduct, Underlying


@dataclass(frozen=True)
class ExpirationSpec:
    """One option expiration of one root."""

    day: date
    root: str  # SPY, SPXW, SPX; future options: EW4, EW3, ES
    expiration_type: str  # Regular | Weekly | Quarterly | End-Of-Month
    settlement: str  # AM | PM
    stops_trading_ms: int
    expires_ms: int


@dataclass(frozen=True)
class FutureContract:
    """One listed futures contract month."""

    product: FutureProduct
    month: int
    year: int
    last_trade: date
    expires_ms: int

    @property
    def symbol(self) -> str:
        return f"/{self.product.code}{month_code(self.month)}{self.year % 10}"

    @property
    def streamer(self) -> str:
        code, month = self.product.code, month_code(self.month)
        return f"/{code}{month}{self.year % 100:02d}:{self.product.streamer_exchange}"

    @property
    def exchange_symbol(self) -> str:
        return f"{self.product.code}{month_code(self.month)}{self.year % 10}"


def session_ms(day: date, hh: int, mm: int) -> int:
    """Epoch ms of ``hh:mm`` New York time on ``day``."""
    return int(datetime.combine(day, time(hh, mm), tzinfo=ET).timestamp() * 1000)


# ---------------------------------------------------------------------------------------------
# Equity and index options
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def equity_expirations(u: Underlying, today: date) -> tuple[ExpirationSpec, ...]:
    """Expirations of an optionable underlying from ``today`` out to a year."""
    year = calendar.option_expirations(today, 366, weeklies=False)
    weekly_days = 56 if u.liquidity >= 4 else 21
    weeklies = calendar.option_expirations(today, weekly_days, weeklies=True)
    dailies = calendar.option_expirations(today, 10, weeklies=True, dailies=True) if u.dailies else []
    quarterly = [
        d
        for d in calendar.option_expirations(today, 366, weeklies=True)
        if d.month % 3 == 0 and calendar.expiration_type(d) == "Quarterly"
    ]
    days = sorted(set(year) | set(weeklies) | set(dailies) | set(quarterly))
    out: list[ExpirationSpec] = []
    for d in days:
        kind = calendar.expiration_type(d)
        if u.symbol == "SPX":
            if kind == "Regular":  # AM-settled SPX monthlies stop trading the day before
                prev = calendar.previous_trading_day(d)
                out.append(
                    ExpirationSpec(d, "SPX", kind, "AM", session_ms(prev, 16, 0), session_ms(d, 9, 30))
                )
            out.append(ExpirationSpec(d, "SPXW", kind, "PM", session_ms(d, 16, 0), session_ms(d, 16, 15)))
            continue
        close = (16, 15) if u.is_etf and u.liquidity >= 5 else (16, 0)
        out.append(ExpirationSpec(d, u.symbol, kind, "PM", session_ms(d, *close), session_ms(d, *close)))
    return tuple(out)


def strike_increments(u: Underlying, spot: float) -> tuple[float, float, float]:
    """(near increment, far increment, near band as a fraction of spot)."""
    if u.symbol == "SPX":
        return 5.0, 25.0, 0.05
    if u.is_etf and u.liquidity >= 4:
        if spot < 150:
            return 0.5, 1.0, 0.10
        return 1.0, 5.0, 0.12
    if spot < 25:
        return 0.5, 1.0, 0.2
    if spot < 100:
        return 1.0, 2.5, 0.15
    if spot < 250:
        return 2.5, 5.0, 0.15
    if spot < 700:
        return 5.0, 10.0, 0.15
    return 10.0, 25.0, 0.12


def strike_grid(
    spot: float, years: float, vol: float, near: float, far: float, near_band: float
) -> list[Decimal]:
    """Strikes around ``spot``: ``near`` increments close in, ``far`` ones out to ~3 sigma."""
    band = min(0.45, max(0.05, 3.0 * vol * math.sqrt(max(years, 1 / 365))))
    near_band = min(band, near_band)
    picks: set[Decimal] = set()
    for inc, width in ((near, near_band), (far, band)):
        lo = math.ceil(spot * (1 - width) / inc)
        hi = math.floor(spot * (1 + width) / inc)
        step = Decimal(str(inc))
        picks.update(step * k for k in range(max(lo, 1), hi + 1))
    return sorted(p.quantize(Decimal("0.001")).normalize() for p in picks)


# ---------------------------------------------------------------------------------------------
# Futures
# ---------------------------------------------------------------------------------------------


def _business_days_back(d: date, n: int) -> date:
    while n > 0:
        d -= timedelta(days=1)
        if calendar.is_trading_day(d):
            n -= 1
    return d


def last_trade_day(product: FutureProduct, year: int, month: int) -> tuple[date, int]:
    """(last trading day, stops-trading epoch ms) of a contract month."""
    if product.expiry_rule == "third-friday":
        d = calendar.third_friday(year, month)
        return d, session_ms(d, 9, 30)
    py, pm = (year, month - 1) if month > 1 else (year - 1, 12)
    if product.expiry_rule == "cl":
        d = date(py, pm, 25)
        while not calendar.is_trading_day(d):
            d -= timedelta(days=1)
        d = _business_days_back(d, 3)
        return d, session_ms(d, 14, 30)
    # gc: third-to-last business day of the contract month
    d = date(year + month // 12, month % 12 + 1, 1)
    d = _business_days_back(d, 3)
    return d, session_ms(d, 13, 30)


def futures_contracts(product: FutureProduct, now_ms: int) -> list[FutureContract]:
    """The ``active_count`` nearest contract months still trading at ``now_ms``."""
    today = datetime.fromtimestamp(now_ms / 1000, tz=ET).date()
    out: list[FutureContract] = []
    year, month = today.year, today.month
    while len(out) < product.active_count:
        if month_code(month) in product.listed_months:
            last, expires = last_trade_day(product, year, month)
            if expires > now_ms:
                out.append(FutureContract(product, month, year, last, expires))
        month += 1
        if month > 12:
            month, year = 1, year + 1
    return out


def future_option_expirations(
    product: FutureProduct, contracts: list[FutureContract], today: date
) -> list[tuple[ExpirationSpec, FutureContract, str]]:
    """(expiration, underlying contract, option contract code) of /ES-style options."""
    out: list[tuple[ExpirationSpec, FutureContract, str]] = []
    quarterly = [c for c in contracts if month_code(c.month) in "HMUZ"]
    fridays: list[date] = []
    d = today
    while d.weekday() != 4:
        d += timedelta(days=1)
    for _ in range(26):
        fridays.append(d)
        d += timedelta(days=7)
    for fri in fridays:
        if not calendar.is_trading_day(fri):
            continue
        week = (fri.day - 1) // 7 + 1
        third = fri == calendar.third_friday(fri.year, fri.month)
        if third and fri.month % 3 == 0:
            root, settle, stop = product.code, "AM", session_ms(fri, 9, 30)
        elif third:
            root, settle, stop = "EW3", "PM", session_ms(fri, 16, 0)
        elif (fri - today).days <= 42 and week in (1, 2, 4):
            root, settle, stop = f"EW{week}", "PM", session_ms(fri, 16, 0)
        else:
            continue
        under = next((c for c in quarterly if c.last_trade >= fri), None)
        if under is None:
            continue
        kind = "Quarterly" if root == product.code else ("Regular" if third else "Weekly")
        code = f"{root}{month_code(fri.month)}{fri.year % 10}"
        out.append((ExpirationSpec(fri, root, kind, settle, stop, stop), under, code))
    return out
