"""UTC candle times -> wall-clock times in a time zone, vectorised (Qt-free).

Calling ``zoneinfo`` once per candle is far too slow for 100,000 candles, but a zone's UTC
offset only changes at a few transitions a year. ``ZoneOffsets`` finds those transitions over
the span it is asked about (sampling weekly, then bisecting to the second) and converts whole
arrays with one ``searchsorted``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

log = logging.getLogger(__name__)

_SAMPLE_S = 7 * 86_400  # no zone changes its offset twice within a week
_DAY_MS = 86_400_000


def zone_by_name(name: str | None) -> tzinfo:
    """The IANA zone ``name``; UTC (logged) when it is unknown or empty."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("unknown time zone %r; showing chart times in UTC", name)
        return UTC


def system_zone() -> tzinfo:
    """The user's zone: Qt knows the IANA id on every platform (imported lazily)."""
    from PySide6.QtCore import QTimeZone

    return zone_by_name(bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace"))


class ZoneOffsets:
    """UTC offsets of one zone, valid over a growing span of time."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._lo_s: int | None = None
        self._hi_s: int | None = None
        self._starts = np.zeros(0, dtype=np.int64)  # seconds, ascending
        self._offsets = np.zeros(0, dtype=np.int64)  # ms, offset from each start on

    def to_local_ms(self, utc_ms: np.ndarray) -> np.ndarray:
        """Wall-clock milliseconds ("local epoch") for each UTC millisecond time."""
        if utc_ms.size == 0:
            return utc_ms.astype(np.int64)
        self._cover(int(utc_ms.min()) // 1000, int(utc_ms.max()) // 1000 + 1)
        k = np.searchsorted(self._starts * 1000, utc_ms, side="right") - 1
        return utc_ms + self._offsets[np.maximum(k, 0)]

    def day_numbers(self, utc_ms: np.ndarray) -> np.ndarray:
        """Local calendar day of each time (days since 1970-01-01 in this zone)."""
        return self.to_local_ms(utc_ms) // _DAY_MS

    def _offset_ms(self, sec: int) -> int:
        off = datetime.fromtimestamp(sec, tz=self.zone).utcoffset()
        return int(off.total_seconds() * 1000) if off is not None else 0

    def _cover(self, lo_s: int, hi_s: int) -> None:
        if self._lo_s is not None and self._hi_s is not None:
            if lo_s >= self._lo_s and hi_s <= self._hi_s:
                return
            if lo_s >= self._lo_s:  # growing to the right only (live candles): continue from the end
                self._scan(self._hi_s, hi_s + 86_400)
                return
            hi_s = max(hi_s, self._hi_s)
        self._starts = np.asarray([lo_s], dtype=np.int64)
        self._offsets = np.asarray([self._offset_ms(lo_s)], dtype=np.int64)
        self._lo_s = self._hi_s = lo_s
        self._scan(lo_s, hi_s + 86_400)

    def _scan(self, from_s: int, to_s: int) -> None:
        """Extend the known transitions from ``from_s`` (already covered) to ``to_s``."""
        starts: list[int] = []
        offsets: list[int] = []
        current = int(self._offsets[-1])
        t = from_s
        while t < to_s:
            nxt = min(t + _SAMPLE_S, to_s)
            off = self._offset_ms(nxt)
            if off != current:
                a, b = t, nxt  # offset(a) == current, offset(b) == off
                while b - a > 1:
                    mid = (a + b) // 2
                    if self._offset_ms(mid) == current:
                        a = mid
                    else:
                        b = mid
                starts.append(b)
                offsets.append(off)
                current = off
            t = nxt
        if starts:
            self._starts = np.concatenate([self._starts, np.asarray(starts, dtype=np.int64)])
            self._offsets = np.concatenate([self._offsets, np.asarray(offsets, dtype=np.int64)])
        self._hi_s = to_s
