"""Option prices: a volatility surface and vectorised Black-Scholes, once per chain per tick.

The surface: at-the-money vol per expiry = the underlying's implied level times a gentle
upward term structure; the smile is quadratic in standardized moneyness with a per-name skew
(index puts rich). Quotes straddle the theoretical price with a spread that widens with price
and illiquidity, on the option's tick increments. Everything is numpy over the whole chain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from desktop.core.pricing import bs_greeks_arr, bs_price_arr

from .bars import Candle
from .chains import YEAR_MS, OptionChain
from .paths import rng

_MIN_YEARS = 1.0 / (365.0 * 24 * 12)  # five minutes: keeps expiring options finite


def atm_vol(base_iv: float, iv_scale: float, years: np.ndarray | float) -> np.ndarray | float:
    """At-the-money implied vol for ``years`` to expiry: a gentle upward term structure."""
    return base_iv * iv_scale * (0.9 + 0.14 * (1.0 - np.exp(-years / 0.4)) + 0.06 * np.exp(-years * 120))


@dataclass(frozen=True)
class SurfaceParams:
    """Per-chain inputs of the volatility surface and quoting."""

    base_iv: float
    skew: float
    rate: float
    dividend_yield: float
    liquidity: int


def _tick_arrays(chain: OptionChain) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(small tick, threshold, large tick) per option from its tick-size rules."""
    n = len(chain.instruments)
    small, thresh, large = np.empty(n), np.empty(n), np.empty(n)
    for i, inst in enumerate(chain.instruments):
        rules = inst.tick_sizes
        first = rules[0]
        last = rules[-1]
        small[i] = float(first.value)
        thresh[i] = float(first.threshold) if first.threshold is not None else np.inf
        large[i] = float(last.value)
    return small, thresh, large


class ChainPricer:
    """Quotes, greeks and day statistics of every option in one chain."""

    def __init__(self, chain: OptionChain, params: SurfaceParams, seed: int) -> None:
        self.chain = chain
        self.params = params
        self.version = -1
        self.tick = -1
        self._seed = seed
        self._rng = rng(seed, "options", chain.underlying)
        self._resize()

    def _resize(self) -> None:
        c = self.chain
        n = len(c.instruments)
        self.version = c.version
        self.small, self.thresh, self.large = _tick_arrays(c)
        nan = np.full(n, np.nan)
        self.theo, self.bid, self.ask, self.iv = nan.copy(), nan.copy(), nan.copy(), nan.copy()
        self.delta, self.gamma, self.theta, self.vega, self.rho = (nan.copy() for _ in range(5))
        self.spot = nan.copy()
        self.bid_size = np.zeros(n)
        self.ask_size = np.zeros(n)
        g = rng(self._seed, "oi", c.underlying, c.listed_on.toordinal())
        self.oi_noise = np.exp(0.6 * g.standard_normal(n))
        self.vol_noise = g.random(n)
        self.open_interest = np.zeros(n, dtype=np.int64)
        self.prev_close = nan.copy()
        self.day_open = nan.copy()
        self.day_high = nan.copy()
        self.day_low = nan.copy()
        self.last = nan.copy()
        self.last_size = np.zeros(n)
        self.day_volume = np.zeros(n)
        self.last_time = np.zeros(n, dtype=np.int64)
        self._fresh = np.ones(n, dtype=bool)

    def years(self, now_ms: int) -> np.ndarray:
        return np.maximum((self.chain.expires_ms - now_ms) / YEAR_MS, _MIN_YEARS)

    def surface(
        self, spots: np.ndarray, years: np.ndarray, iv_scale: float, strike: np.ndarray | None = None
    ) -> np.ndarray:
        """Implied vol per option for underlying prices ``spots`` (per option, or per ``strike``)."""
        p = self.params
        atm = atm_vol(p.base_iv, iv_scale, years)
        fwd = spots * np.exp((p.rate - p.dividend_yield) * years)
        strikes = self.chain.strike if strike is None else strike
        with np.errstate(all="ignore"):
            m = np.log(strikes / fwd) / (atm * np.sqrt(years))
        m = np.clip(np.nan_to_num(m), -6.0, 6.0)
        smile = 1.0 + 0.5 * p.skew * m + 0.035 * m * m
        return atm * np.clip(smile, 0.45, 3.5)

    def reprice(
        self, under_prices: list[float], prev_closes: list[float], now_ms: int, iv_scale: float, tick: int
    ) -> None:
        """Recompute every option for the current underlying prices (one per underlying slot)."""
        if self.version != self.chain.version:
            self._resize()
        c, p = self.chain, self.params
        n = len(c.instruments)
        if n == 0:
            self.tick = tick
            return
        spots = np.asarray(under_prices, dtype=float)[c.under_slot]
        years = self.years(now_ms)
        iv = self.surface(spots, years, iv_scale)
        g = bs_greeks_arr(spots, c.strike, years, p.rate, iv, c.is_call, p.dividend_yield)
        theo = np.nan_to_num(g.price, nan=0.0)
        bid, ask = self._quote(theo, self.small, self.thresh, self.large)
        self.spot, self.theo, self.iv = spots, theo, iv
        self.bid, self.ask = bid, ask
        self.delta, self.gamma, self.theta, self.vega, self.rho = g.delta, g.gamma, g.theta, g.vega, g.rho
        sizes = self._rng.integers(1, 60 * p.liquidity, size=(2, n))
        self.bid_size, self.ask_size = sizes[0].astype(float), sizes[1].astype(float)
        if self._fresh.any():
            self._start_day(spots, prev_closes, years, iv_scale, now_ms)
        mid = (self.bid + self.ask) / 2
        self.day_high = np.fmax(self.day_high, mid)
        self.day_low = np.fmin(self.day_low, mid)
        trades = self._rng.random(n) < 0.02 * p.liquidity
        if trades.any():
            size = np.maximum(1, (self._rng.exponential(4.0, n) * p.liquidity).astype(int))
            self.last = np.where(trades, np.where(self._rng.random(n) < 0.5, self.bid, self.ask), self.last)
            self.last = np.where(self.last > 0, self.last, mid)
            self.last_size = np.where(trades, size, self.last_size)
            self.day_volume = self.day_volume + np.where(trades, size, 0)
            self.last_time = np.where(trades, now_ms, self.last_time)
        self.tick = tick

    def _quote(
        self, theo: np.ndarray, small: np.ndarray, thresh: np.ndarray, large: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Bid and ask around ``theo`` on the option's ticks, wider for pricier, less liquid names."""
        liquidity = self.params.liquidity
        tick_size = np.where(theo < thresh, small, large)
        pct = {5: 0.012, 4: 0.03, 3: 0.05}.get(liquidity, 0.07)
        width = np.maximum(tick_size * (1 if liquidity >= 5 else 2), theo * pct + tick_size * 0.5)
        width = np.minimum(width, np.maximum(tick_size * 2, theo * 0.25))
        bid = np.floor((theo - width / 2) / tick_size + 1e-9) * tick_size
        ask = np.ceil((theo + width / 2) / tick_size - 1e-9) * tick_size
        ask = np.maximum(ask, bid + tick_size)
        return np.round(np.maximum(bid, 0.0), 4), np.round(ask, 4)

    def quote_one(
        self, pos: int, under_prices: list[float], now_ms: int, iv_scale: float
    ) -> tuple[float, float]:
        """Bid and ask of one option right now without repricing the whole chain."""
        c, p = self.chain, self.params
        if self.version != c.version:
            self._resize()
        idx = np.asarray([pos])
        spot = np.asarray(under_prices, dtype=float)[c.under_slot[idx]]
        years = self.years(now_ms)[idx]
        iv = self.surface(spot, years, iv_scale, c.strike[idx])
        theo = np.nan_to_num(
            bs_price_arr(spot, c.strike[idx], years, p.rate, iv, c.is_call[idx], p.dividend_yield)
        )
        bid, ask = self._quote(theo, self.small[idx], self.thresh[idx], self.large[idx])
        return float(bid[0]), float(ask[0])

    def candles(self, pos: int, base: list[Candle], iv_scale: float, now_ms: int) -> list[Candle]:
        """An option's candles from its underlying's: each price through the surface and BS
        (all candles in one vectorised pass)."""
        if not base:
            return []
        c, p = self.chain, self.params
        when = np.minimum(np.fromiter((b.time for b in base), np.int64, len(base)), now_ms)
        years = np.maximum((c.expires_ms[pos] - when) / YEAR_MS, _MIN_YEARS)[:, None]
        spots = np.array([(b.open, b.high, b.low, b.close) for b in base], dtype=float)
        strike = np.full(spots.shape, c.strike[pos])
        iv = self.surface(spots, years, iv_scale, strike)
        ohlc = bs_price_arr(spots, strike, years, p.rate, iv, bool(c.is_call[pos]), p.dividend_yield)
        if not c.is_call[pos]:  # a put's price falls as the underlying rises: its high is the low's
            ohlc = ohlc[:, [0, 2, 1, 3]]
        return [
            Candle(b.time, o, max(o, cl, hi), min(o, cl, lo), cl, round(b.count * 0.4), math.nan, b.count)
            for b, (o, hi, lo, cl) in zip(base, ohlc.tolist(), strict=True)
        ]

    def _start_day(
        self, spots: np.ndarray, prev_closes: list[float], years: np.ndarray, iv_scale: float, now_ms: int
    ) -> None:
        fresh = self._fresh
        c, p = self.chain, self.params
        prev_spot = np.asarray(prev_closes, dtype=float)[c.under_slot]
        prev_years = years + 1.0 / 365.0
        prev_iv = self.surface(prev_spot, prev_years, iv_scale)
        prev = bs_price_arr(prev_spot, c.strike, prev_years, p.rate, prev_iv, c.is_call, p.dividend_yield)
        with np.errstate(all="ignore"):
            m = np.abs(np.log(c.strike / spots)) / (self.iv * np.sqrt(years))
        base = {5: 25_000, 4: 6_000, 3: 1_500}.get(p.liquidity, 500)
        oi = base * np.exp(-0.5 * np.nan_to_num(m, nan=9.0) ** 2) / (1.0 + 3.0 * years) * self.oi_noise
        tick_size = np.where(prev < self.thresh, self.small, self.large)
        prev = np.round(np.round(prev / tick_size) * tick_size, 4)
        self.prev_close = np.where(fresh, prev, self.prev_close)
        self.open_interest = np.where(fresh, np.round(oi).astype(np.int64), self.open_interest)
        mid = (self.bid + self.ask) / 2
        self.day_open = np.where(fresh, mid, self.day_open)
        self.day_high = np.where(fresh, mid, self.day_high)
        self.day_low = np.where(fresh, mid, self.day_low)
        vol0 = np.round(self.open_interest * 0.15 * self.vol_noise)
        self.day_volume = np.where(fresh, vol0, self.day_volume)
        self.last = np.where(fresh & (vol0 > 0), mid, self.last)
        self.last_size = np.where(fresh & (vol0 > 0), 1.0, self.last_size)
        self.last_time = np.where(fresh & (vol0 > 0), now_ms, self.last_time)
        self._fresh = np.zeros(len(fresh), dtype=bool)

    def new_day(self) -> None:
        """Start a new trading day: previous closes and day statistics are recomputed."""
        self._fresh = np.ones(len(self.chain.instruments), dtype=bool)
