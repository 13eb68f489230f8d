"""Which session an order works in, and when a Day order expires.

``always-open`` (Demo mode): every market is open, a Day order works until midnight New York
time. ``real``: equities and options follow the NYSE calendar (options and Day orders in the
regular session, ``Ext`` orders from 04:00 to 20:00), futures the CME week (Sunday 18:00 to
Friday 17:00 ET with a daily break), crypto every day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from desktop.core import calendar
from desktop.simulator.market import Instrument
from desktop.simulator.market import hours as H

EXTENDED_TIF = ("Ext", "Ext Overnight", "GTC Ext", "GTC Ext Overnight")


@dataclass(frozen=True)
class SessionInfo:
    open_now: bool
    session_day: str  # ET date the order works for
    closes_ms: int  # when that session ends (Day orders expire then)


def _midnight_after(ms: int) -> int:
    return H.midnight_ms(H.et_date(ms) + timedelta(days=1))


def session_info(inst: Instrument | None, tif: str, now_ms: int, always_open: bool) -> SessionInfo:
    today = H.et_date(now_ms)
    if always_open or inst is None or inst.kind == "Cryptocurrency":
        return SessionInfo(True, today.isoformat(), _midnight_after(now_ms))
    if inst.kind in ("Future", "Future Option"):
        t = now_ms
        for _ in range(24 * 8):
            if H.is_open("futures", t):
                break
            t += 30 * 60_000
        day = H.et_date(t + 6 * 3_600_000)
        close = (
            int(datetime.combine(day, datetime.min.time()).replace(tzinfo=H.ET).timestamp() * 1000)
            + 17 * 3_600_000
        )
        return SessionInfo(t == now_ms, day.isoformat(), close)
    now = datetime.fromtimestamp(now_ms / 1000, tz=UTC)
    extended = tif in EXTENDED_TIF and inst.kind == "Equity"
    session = calendar.next_session(now)
    start = session.pre_market_open if extended else session.open
    end = session.post_market_close if extended else session.close
    if now >= end:  # after today's close but before post-market ends: next trading day
        nxt = calendar.equity_session(calendar.next_trading_day(session.day))
        assert nxt is not None
        session = nxt
        start = session.pre_market_open if extended else session.open
        end = session.post_market_close if extended else session.close
    open_now = start <= now < end
    return SessionInfo(open_now, session.day.isoformat(), int(end.timestamp() * 1000))
