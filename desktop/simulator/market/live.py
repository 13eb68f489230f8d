"""The live market: core levels advanced every model tick, recorded as second and minute bars.

At start each core takes its historical level at the start of the current minute (the close
of the last historical minute), so the live path continues history without a jump. With
``sessions="always-open"`` every core moves all the time (Demo mode: quotes live on a
Saturday too); with ``"real"`` a core moves only while its market is open, and more slowly
outside regular hours.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from . import hours as H
from .paths import _SESSION_DAYS, PathEngine, rng
from .universe import Universe

SECOND_BARS_KEPT = 3600  # one hour of one-second bars per core; older seconds come from minutes
MINUTE_CHUNK = 1024  # finished minute bars are packed into numpy chunks of this many rows
MINUTES_KEPT = 100 * 1440  # live minute bars kept (the intraday history depth)
# seconds over which one day's volume trades (volume units are shares of a day's volume)
_VOLUME_SECONDS = {"equity": 23_400.0, "index": 23_400.0, "futures": 82_800.0, "crypto": 86_400.0}


@dataclass
class _Bar:
    time: int
    open: float
    high: float
    low: float
    close: float
    volume: float

    def add(self, price: float, volume: float) -> None:
        if price > self.high:
            self.high = price
        if price < self.low:
            self.low = price
        self.close = price
        self.volume += volume

    def row(self) -> tuple[int, float, float, float, float, float]:
        return (self.time, self.open, self.high, self.low, self.close, self.volume)


@dataclass
class _CoreLive:
    level: float
    sigma_minute: float  # log-vol of one regular-hours minute
    corr: float
    volume_seconds: float
    minutes: list[tuple[int, float, float, float, float, float]] = field(default_factory=list)
    chunks: list[np.ndarray] = field(default_factory=list)  # packed older minutes, (n, 6) float64
    seconds: deque = field(default_factory=lambda: deque(maxlen=SECOND_BARS_KEPT))
    minute: _Bar | None = None
    second: _Bar | None = None
    cumulative_volume: float = 0.0  # volume units recorded since the live start


def _typical_minute_weight(hours: str) -> float:
    """sqrt of the summed squared minute weights of a typical session (Wednesday 2025-06-11)."""
    w = H.minute_vol_profile(hours, date(2025, 6, 11))  # type: ignore[arg-type]
    return float(np.sqrt((w * w).sum())) or 1.0


class LiveWalk:
    """Live levels of every core path (price units) plus their recorded bars since ``start_ms``."""

    def __init__(
        self, seed: int, universe: Universe, paths: PathEngine, start_ms: int, sessions: str
    ) -> None:
        self.universe = universe
        self.start_ms = start_ms - start_ms % H.MINUTE_MS  # history ends here, live begins
        self.always_open = sessions == "always-open"
        self.frozen = False
        self._rng = rng(seed, "live")
        self._lock = threading.RLock()
        self.cores: dict[str, _CoreLive] = {}
        for name, core in universe.cores.items():
            sigma_day = core.vol / math.sqrt(_SESSION_DAYS[core.hours])
            self.cores[name] = _CoreLive(
                level=self._historical_level(paths, name, self.start_ms),
                sigma_minute=sigma_day / _typical_minute_weight(core.hours),
                corr=max(-1.0, min(1.0, core.corr)),
                volume_seconds=_VOLUME_SECONDS[core.hours],
            )
        self._names = list(self.cores)
        for name in self._names:  # the live candle exists from the start where the market is open
            if self.moving(name, start_ms) > 0:
                self._record(self.cores[name], start_ms, 0.0)

    @staticmethod
    def _historical_level(paths: PathEngine, core: str, at_ms: int) -> float:
        """Close of the last historical minute before ``at_ms`` (searching back a few weeks)."""
        day = H.et_date(at_ms)
        for _ in range(30):
            bars = paths.minutes(core, day)
            if bars is not None:
                k = int(np.searchsorted(bars.time, at_ms, side="left"))
                if k > 0:
                    return float(bars.close[k - 1])
            day -= timedelta(days=1)
        return float(paths.universe.cores[core].ref_price)

    def level(self, core: str) -> float:
        return self.cores[core].level

    def moving(self, core: str, now_ms: int) -> float:
        """Volatility weight of ``core`` right now (0 = market closed)."""
        if self.always_open:
            return 1.0
        hours = self.universe.cores[core].hours
        if not H.is_open(hours, now_ms):
            return 0.0
        return 1.0 if H.is_regular(hours, now_ms) or hours == "crypto" else 0.35

    def step(self, now_ms: int, dt_s: float) -> list[str]:
        """Advance every open core by ``dt_s`` seconds; returns the cores that moved."""
        moved: list[str] = []
        z = self._rng.standard_normal(len(self._names) + 1)
        vols = self._rng.random(len(self._names))
        z_mkt = z[-1]
        with self._lock:
            for i, name in enumerate(self._names):
                c = self.cores[name]
                weight = self.moving(name, now_ms)
                if weight == 0.0:
                    continue  # market closed: no movement, no bars
                if not self.frozen:
                    zi = z_mkt if name == "SPX-CORE" else c.corr * z_mkt + math.sqrt(1 - c.corr**2) * z[i]
                    c.level *= math.exp(c.sigma_minute * weight * math.sqrt(dt_s / 60.0) * zi)
                    moved.append(name)
                self._record(c, now_ms, (0.2 + 1.6 * vols[i]) * dt_s * weight / c.volume_seconds)
        return moved

    def set_level(self, core: str, level: float, now_ms: int) -> None:
        """Jump a core to ``level`` (admin): recorded in the live bars like any move."""
        with self._lock:
            c = self.cores[core]
            c.level = level
            self._record(c, now_ms, 0.0)

    def cumulative_volume(self, core: str) -> float:
        return self.cores[core].cumulative_volume

    def _record(self, c: _CoreLive, now_ms: int, volume: float) -> None:
        c.cumulative_volume += volume
        minute_t = now_ms - now_ms % H.MINUTE_MS
        if c.minute is None or c.minute.time != minute_t:
            if c.minute is not None:
                c.minutes.append(c.minute.row())
                if len(c.minutes) >= MINUTE_CHUNK:
                    c.chunks.append(np.asarray(c.minutes, dtype=float))
                    c.minutes = []
                    while len(c.chunks) * MINUTE_CHUNK > MINUTES_KEPT:
                        c.chunks.pop(0)
            start = c.minute.close if c.minute is not None else c.level
            c.minute = _Bar(minute_t, start, max(start, c.level), min(start, c.level), c.level, 0.0)
        c.minute.add(c.level, volume)
        second_t = now_ms - now_ms % 1000
        if c.second is None or c.second.time != second_t:
            if c.second is not None:
                c.seconds.append(c.second.row())
            start = c.second.close if c.second is not None else c.level
            c.second = _Bar(second_t, start, max(start, c.level), min(start, c.level), c.level, 0.0)
        c.second.add(c.level, volume)

    def minute_rows(self, core: str, from_ms: int) -> np.ndarray:
        """Recorded minute bars as an (n, 6) array (time, o, h, l, c, volume units) from
        ``from_ms``, the live one last."""
        with self._lock:
            c = self.cores[core]
            parts = [chunk for chunk in c.chunks if chunk[-1, 0] >= from_ms]
            recent = [r for r in c.minutes if r[0] + H.MINUTE_MS > from_ms]
            if c.minute is not None and c.minute.time + H.MINUTE_MS > from_ms:
                recent.append(c.minute.row())
        if recent:
            parts.append(np.asarray(recent, dtype=float))
        if not parts:
            return np.zeros((0, 6))
        rows = np.concatenate(parts) if len(parts) > 1 else parts[0]
        return rows[rows[:, 0] + H.MINUTE_MS > from_ms] if rows[0, 0] + H.MINUTE_MS <= from_ms else rows

    def first_second(self, core: str) -> int | None:
        """Start of the oldest second bar still kept (None before the first tick)."""
        with self._lock:
            c = self.cores[core]
            if c.seconds:
                return int(c.seconds[0][0])
            return c.second.time if c.second is not None else None

    def second_rows(self, core: str, from_ms: int) -> np.ndarray:
        """Recorded second bars as an (n, 6) array from ``from_ms`` (the last hour is kept)."""
        with self._lock:
            c = self.cores[core]
            rows = [r for r in c.seconds if r[0] >= from_ms]
            if c.second is not None:
                rows.append(c.second.row())
        return np.asarray(rows, dtype=float) if rows else np.zeros((0, 6))
