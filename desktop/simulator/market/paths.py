"""Deterministic price history: a mean-reverting daily walk and bridged minute paths.

Every core path (``universe.CorePath``) has a daily log level ``X(d)`` for each calendar day
since ``EPOCH``: an Ornstein-Uhlenbeck walk around the core's reference price whose noise
mixes a shared market factor with the core's own (seeded by ``(seed, core)``). A day's
minute path is a Brownian bridge over the core's active minutes from the previous session's
close (plus an opening gap) to ``X(d)``, so minute bars, daily bars and the level on any
date are a pure function of ``(seed, core, date)`` and never depend on when the exchange
started. Older days (before the intraday window) get fast daily bars only.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from . import hours as H
from .universe import CorePath, Universe

EPOCH = date(2020, 1, 1)
N_DAYS = 365 * 40  # the walk is defined until 2059
_MARKET = "SPX-CORE"
_GAP = {"equity": 0.35, "index": 0.3, "futures": 0.08, "crypto": 0.0}
_SESSION_DAYS = {"equity": 252.0, "index": 252.0, "futures": 252.0, "crypto": 365.0}


def _key(*parts: object) -> list[int]:
    return [zlib.crc32(str(p).encode()) for p in parts]


def rng(seed: int, *parts: object) -> np.random.Generator:
    """A generator seeded by ``seed`` and names (stable across runs and platforms)."""
    return np.random.default_rng([seed & 0xFFFFFFFF, *_key(*parts)])


@dataclass(frozen=True)
class MinuteBars:
    """One core's (or instrument's) minute bars for one ET date, in price units."""

    time: np.ndarray  # int64 epoch ms of each minute's start
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    vol_units: np.ndarray  # share of the day's volume per minute (sums to ~1)
    regular: np.ndarray  # bool: regular trading hours

    def __len__(self) -> int:
        return len(self.time)


def _ou(z: np.ndarray, theta: float, sigma: float, x0: float) -> np.ndarray:
    """Deviations of an OU walk (mean 0) driven by ``z``, computed in closed-form chunks."""
    a = 1.0 - theta
    out = np.empty(len(z))
    x = x0
    step = 128
    k = np.arange(1, step + 1, dtype=float)
    pw, inv = a**k, a**-k
    for s in range(0, len(z), step):
        c = z[s : s + step] * sigma
        n = len(c)
        out[s : s + n] = pw[:n] * (x + np.cumsum(c * inv[:n]))
        x = out[s + n - 1]
    return out


class PathEngine:
    """Daily levels, minute bars and daily bars of every core path; thread-safe caches."""

    def __init__(self, seed: int, universe: Universe, cache_days: int = 500) -> None:
        self.seed = seed
        self.universe = universe
        self._lock = threading.RLock()
        self._levels: dict[str, np.ndarray] = {}
        self._daily_noise: dict[str, np.ndarray] = {}
        self._minutes: OrderedDict[tuple[str, date], MinuteBars | None] = OrderedDict()
        self._cache_days = cache_days

    # -- daily walk ---------------------------------------------------------------------------

    def _market_daily(self) -> np.ndarray:
        return rng(self.seed, "daily", _MARKET).standard_normal(N_DAYS)

    def levels(self, core: str) -> np.ndarray:
        """Log level at the close of each calendar day since ``EPOCH`` (``N_DAYS`` values)."""
        with self._lock:
            cached = self._levels.get(core)
            if cached is not None:
                return cached
            c = self.universe.cores[core]
            z_mkt = self._market_daily()
            own = rng(self.seed, "daily", core).standard_normal(N_DAYS)
            rho = max(-1.0, min(1.0, c.corr))
            z = z_mkt if core == _MARKET else rho * z_mkt + np.sqrt(1 - rho * rho) * own
            theta = np.log(2) / c.half_life_days
            sigma = c.vol / np.sqrt(365.0)
            start = rng(self.seed, "start", core).standard_normal() * sigma / np.sqrt(2 * theta) * 0.6
            x = np.log(c.ref_price) + _ou(z, theta, sigma, start)
            x.flags.writeable = False
            self._levels[core] = x
            return x

    def level_on(self, core: str, day: date) -> float:
        """Log level at the end of ``day``."""
        return float(self.levels(core)[(day - EPOCH).days])

    # -- minute paths -------------------------------------------------------------------------

    def minutes(self, core: str, day: date) -> MinuteBars | None:
        """The core's minute bars on ET date ``day`` (None if it does not trade that day)."""
        key = (core, day)
        with self._lock:
            if key in self._minutes:
                self._minutes.move_to_end(key)
                return self._minutes[key]
        bars = self._build_minutes(self.universe.cores[core], day)
        with self._lock:
            self._minutes[key] = bars
            while len(self._minutes) > self._cache_days:
                self._minutes.popitem(last=False)
        return bars

    def session_open_close(self, core: CorePath, day: date) -> tuple[float, float, float]:
        """(previous close, opening level, close level) in log space for a session day."""
        prev = H.previous_session_day(core.hours, day)
        x_prev = self.level_on(core.name, prev) if prev else self.level_on(core.name, day - timedelta(days=1))
        x1 = self.level_on(core.name, day)
        gap_noise = rng(self.seed, "gap", core.name, day.toordinal()).standard_normal()
        sigma_day = core.vol / np.sqrt(_SESSION_DAYS[core.hours])
        gap = _GAP[core.hours] * (x1 - x_prev)
        if core.hours != "crypto":
            gap += 0.15 * sigma_day * gap_noise
        return x_prev, x_prev + gap, x1

    def _build_minutes(self, core: CorePath, day: date) -> MinuteBars | None:
        idx = H.active_index(core.hours, day)
        n = len(idx)
        if n == 0:
            return None
        _, x_open, x_close = self.session_open_close(core, day)
        grid = H.grid_minutes(day)
        gen = rng(self.seed, "minutes", core.name, day.toordinal())
        z_mkt = rng(self.seed, "minutes", _MARKET, day.toordinal()).standard_normal(grid)[idx]
        own = gen.standard_normal(n)
        rho = max(-1.0, min(1.0, core.corr))
        z = z_mkt if core.name == _MARKET else rho * z_mkt + np.sqrt(1 - rho * rho) * own
        w = H.minute_vol_profile(core.hours, day)
        sigma_day = core.vol / np.sqrt(_SESSION_DAYS[core.hours])
        w2 = w * w
        scale = sigma_day / np.sqrt(w2.sum())
        steps = scale * w * z
        walk = np.cumsum(steps)
        tau = np.cumsum(w2) / w2.sum()
        close = x_open + (x_close - x_open) * tau + walk - tau * walk[-1]
        close[-1] = x_close
        open_ = np.empty(n)
        open_[0] = x_open
        open_[1:] = close[:-1]
        wick = np.abs(gen.standard_normal((2, n))) * (0.35 * scale * w)
        high = np.maximum(open_, close) + wick[0]
        low = np.minimum(open_, close) - wick[1]
        vol = H.minute_volume_profile(core.hours, day) * np.exp(0.45 * gen.standard_normal(n) - 0.1)
        base = H.midnight_ms(day)
        return MinuteBars(
            time=base + idx.astype(np.int64) * H.MINUTE_MS,
            open=np.exp(open_),
            high=np.exp(high),
            low=np.exp(low),
            close=np.exp(close),
            vol_units=vol,
            regular=H.regular_mask(core.hours, day),
        )

    # -- fast daily bars ----------------------------------------------------------------------

    def daily_fast(self, core: str, days: list[date]) -> dict[str, np.ndarray]:
        """Daily OHLC (price units) for session days without building minute paths."""
        c = self.universe.cores[core]
        x = self.levels(core)
        sigma_day = c.vol / np.sqrt(_SESSION_DAYS[c.hours])
        noise = rng(self.seed, "dailybars", core).standard_normal((2, N_DAYS))
        o = np.empty(len(days))
        cl = np.empty(len(days))
        hi = np.empty(len(days))
        lo = np.empty(len(days))
        for i, d in enumerate(days):
            _, xo, xc = self.session_open_close(c, d)
            k = (d - EPOCH).days
            o[i], cl[i] = xo, x[k]
            rng_hi = abs(noise[0, k]) * 0.55 * sigma_day + 0.15 * sigma_day
            rng_lo = abs(noise[1, k]) * 0.55 * sigma_day + 0.15 * sigma_day
            hi[i] = max(xo, xc) + rng_hi
            lo[i] = min(xo, xc) - rng_lo
        return {"open": np.exp(o), "high": np.exp(hi), "low": np.exp(lo), "close": np.exp(cl)}
