"""Black-Scholes-Merton pricing, greeks and implied volatility (continuous dividend yield q).

Units: ``T`` in years (ACT/365, see ``years_between``), rates and volatility as decimals
(0.05 = 5 %). Greeks as traders quote them: **theta per calendar day**, **vega per 1
volatility point** (sigma + 0.01), **rho per 1 rate point** (r + 0.01).

Edge cases: ``T <= 0`` gives intrinsic value with 0/1 deltas and zero greeks; ``sigma <= 0``
gives the discounted forward intrinsic value (the zero-volatility limit); ``S <= 0``,
``K <= 0`` or non-finite inputs give ``nan``. Scalar functions use ``math``; the ``*_arr``
functions take numpy arrays (or scalars) that broadcast together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "DAYS_PER_YEAR",
    "Greeks",
    "GreeksArrays",
    "bs_greeks",
    "bs_greeks_arr",
    "bs_price",
    "bs_price_arr",
    "implied_volatility",
    "implied_volatility_arr",
    "norm_cdf",
    "norm_cdf_arr",
    "years_between",
]

DAYS_PER_YEAR = 365.0
_SQRT2 = math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_SIGMA_MAX = 100.0  # 10,000 % volatility: the IV search gives up beyond this

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Greeks:
    """Price and greeks of one option (theta per day, vega and rho per point)."""

    price: float
    delta: float
    gamma: float
    theta: float
    vega: float
    rho: float


@dataclass(frozen=True)
class GreeksArrays:
    """Element-wise price and greeks of a broadcast set of options."""

    price: Array
    delta: Array
    gamma: Array
    theta: Array
    vega: Array
    rho: Array


def years_between(start: datetime, end: datetime) -> float:
    """Time in years (ACT/365) between two aware datetimes; negative if ``end`` is earlier."""
    return (end - start).total_seconds() / (DAYS_PER_YEAR * 86_400.0)


def norm_cdf(x: float) -> float:
    """Standard normal cumulative distribution, accurate in both tails."""
    return 0.5 * math.erfc(-x / _SQRT2)


def norm_cdf_arr(x: ArrayLike) -> Array:
    """Element-wise ``norm_cdf`` (exact ``erfc`` per element; ~50 ns each)."""
    a = np.asarray(x, dtype=float)
    flat = (-a / _SQRT2).ravel().tolist()
    return 0.5 * np.fromiter(map(math.erfc, flat), dtype=float, count=len(flat)).reshape(a.shape)


# ---------------------------------------------------------------------------------------------
# Scalar
# ---------------------------------------------------------------------------------------------

_NAN_GREEKS = Greeks(math.nan, math.nan, math.nan, math.nan, math.nan, math.nan)


def _valid(S: float, K: float, T: float, r: float, sigma: float, q: float) -> bool:
    return S > 0 and K > 0 and all(map(math.isfinite, (S, K, T, r, sigma, q)))


def bs_greeks(S: float, K: float, T: float, r: float, sigma: float, is_call: bool, q: float = 0.0) -> Greeks:
    """Price and greeks of a European option under Black-Scholes-Merton."""
    if not _valid(S, K, T, r, sigma, q):
        return _NAN_GREEKS
    w = 1.0 if is_call else -1.0
    if T <= 0:
        payoff = max(w * (S - K), 0.0)
        return Greeks(payoff, w if payoff > 0 else 0.0, 0.0, 0.0, 0.0, 0.0)
    dfq, dfr = math.exp(-q * T), math.exp(-r * T)
    sqrt_t = math.sqrt(T)
    vol_t = sigma * sqrt_t
    if sigma > 0:
        d1 = (math.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / vol_t
        pdf = _INV_SQRT_2PI * math.exp(-0.5 * d1 * d1)
    else:
        forward_gap = S * dfq - K * dfr
        d1 = math.copysign(math.inf, forward_gap) if forward_gap else -w * math.inf
        vol_t, pdf = 0.0, 0.0
    n1, n2 = norm_cdf(w * d1), norm_cdf(w * (d1 - vol_t))
    price = w * (S * dfq * n1 - K * dfr * n2)
    decay = -S * dfq * pdf * sigma / (2.0 * sqrt_t) if pdf else 0.0
    theta = decay - w * r * K * dfr * n2 + w * q * S * dfq * n1
    return Greeks(
        price=max(price, 0.0),
        delta=w * dfq * n1,
        gamma=dfq * pdf / (S * vol_t) if pdf else 0.0,
        theta=theta / DAYS_PER_YEAR,
        vega=S * dfq * pdf * sqrt_t / 100.0,
        rho=w * K * T * dfr * n2 / 100.0,
    )


def bs_price(S: float, K: float, T: float, r: float, sigma: float, is_call: bool, q: float = 0.0) -> float:
    """Black-Scholes-Merton price of a European option."""
    return bs_greeks(S, K, T, r, sigma, is_call, q).price


def _price_bounds(S: float, K: float, T: float, r: float, is_call: bool, q: float) -> tuple[float, float]:
    """No-arbitrage (lower, upper) bounds of an option price."""
    forward_s, forward_k = S * math.exp(-q * T), K * math.exp(-r * T)
    if is_call:
        return max(forward_s - forward_k, 0.0), forward_s
    return max(forward_k - forward_s, 0.0), forward_k


def implied_volatility(
    price: float, S: float, K: float, T: float, r: float, is_call: bool, q: float = 0.0
) -> float:
    """Volatility that reproduces ``price``; ``nan`` when the price is at or below the
    no-arbitrage lower bound (intrinsic), at or above the upper bound, or ``T <= 0``.

    Newton steps on vega, kept inside a bracket that shrinks every iteration and falls
    back to bisection whenever Newton would leave it.
    """
    if not (_valid(S, K, T, r, 0.0, q) and math.isfinite(price)) or T <= 0:
        return math.nan
    lower, upper = _price_bounds(S, K, T, r, is_call, q)
    if not lower < price < upper:
        return math.nan
    lo, hi = 0.0, 1.0
    while bs_price(S, K, T, r, hi, is_call, q) < price:
        lo, hi = hi, hi * 2.0
        if hi > _SIGMA_MAX:
            return math.nan
    sigma = min(max(_initial_guess(price, S, K, T, r, is_call, q), lo), hi)
    if not lo < sigma < hi:
        sigma = 0.5 * (lo + hi)
    tolerance = 1e-13 * max(1.0, price)
    for _ in range(100):
        g = bs_greeks(S, K, T, r, sigma, is_call, q)
        diff = g.price - price
        if abs(diff) <= tolerance:
            return sigma
        if diff > 0:
            hi = sigma
        else:
            lo = sigma
        raw_vega = g.vega * 100.0
        step = sigma - diff / raw_vega if raw_vega > 0 else math.nan
        sigma = step if lo < step < hi else 0.5 * (lo + hi)
        if hi - lo <= 1e-15 * max(1.0, hi):
            return sigma
    return sigma


def _initial_guess(price: float, S: float, K: float, T: float, r: float, is_call: bool, q: float) -> float:
    """Corrado-Miller approximation (on the call price via parity)."""
    fs, fk = S * math.exp(-q * T), K * math.exp(-r * T)
    call = price if is_call else price + fs - fk
    half_gap = call - 0.5 * (fs - fk)
    root = math.sqrt(max(half_gap * half_gap - (fs - fk) ** 2 / math.pi, 0.0))
    guess = math.sqrt(2.0 * math.pi / T) / (fs + fk) * (half_gap + root)
    return guess if guess > 1e-4 else 0.2


# ---------------------------------------------------------------------------------------------
# Vectorised
# ---------------------------------------------------------------------------------------------


def _inputs(*values: ArrayLike) -> list[Array]:
    return [np.asarray(v, dtype=float) for v in np.broadcast_arrays(*values)]


def _core(S: Array, K: Array, T: Array, r: Array, sigma: Array, w: Array, q: Array) -> tuple[Array, ...]:
    """Shared terms: (live, expired, valid, dfq, dfr, sqrt_t, vol_t, pdf, n1, n2)."""
    with np.errstate(all="ignore"):
        valid = (S > 0) & (K > 0) & np.isfinite(S + K + T + r + sigma + q)
        expired = T <= 0
        t = np.where(expired | ~valid, 0.0, T)
        live = valid & ~expired & (sigma > 0)
        dfq, dfr = np.exp(-q * t), np.exp(-r * t)
        sqrt_t = np.sqrt(t)
        vol_t = np.where(live, sigma * sqrt_t, 0.0)
        d1 = (np.log(S / K) + (r - q + 0.5 * sigma * sigma) * t) / vol_t
        gap = S * dfq - K * dfr
        edge = np.where(gap == 0, -w * np.inf, np.sign(gap) * np.inf)
        d1 = np.where(live, d1, edge)
        pdf = np.where(live, _INV_SQRT_2PI * np.exp(-0.5 * np.where(live, d1, 0.0) ** 2), 0.0)
        n1 = norm_cdf_arr(w * d1)
        n2 = norm_cdf_arr(w * (d1 - vol_t))
    return live, expired, valid, dfq, dfr, sqrt_t, vol_t, pdf, n1, n2


def bs_greeks_arr(
    S: ArrayLike,
    K: ArrayLike,
    T: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    is_call: ArrayLike,
    q: ArrayLike = 0.0,
) -> GreeksArrays:
    """Vectorised ``bs_greeks``: every argument broadcasts; ``is_call`` is boolean."""
    S_, K_, T_, r_, sig, call, q_ = _inputs(S, K, T, r, sigma, is_call, q)
    w = np.where(call != 0, 1.0, -1.0)
    live, expired, valid, dfq, dfr, sqrt_t, vol_t, pdf, n1, n2 = _core(S_, K_, T_, r_, sig, w, q_)
    with np.errstate(all="ignore"):
        price = np.maximum(w * (S_ * dfq * n1 - K_ * dfr * n2), 0.0)
        decay = np.where(live, -S_ * dfq * pdf * sig / (2.0 * sqrt_t), 0.0)
        theta = np.where(expired, 0.0, decay - w * r_ * K_ * dfr * n2 + w * q_ * S_ * dfq * n1)
        gamma = np.where(live, dfq * pdf / (S_ * vol_t), 0.0)
        vega = S_ * dfq * pdf * sqrt_t / 100.0
        rho = np.where(expired, 0.0, w * K_ * np.where(expired, 0.0, T_) * dfr * n2 / 100.0)
    nan = np.nan
    return GreeksArrays(
        price=np.where(valid, price, nan),
        delta=np.where(valid, w * dfq * n1, nan),
        gamma=np.where(valid, gamma, nan),
        theta=np.where(valid, theta / DAYS_PER_YEAR, nan),
        vega=np.where(valid, vega, nan),
        rho=np.where(valid, rho, nan),
    )


def bs_price_arr(
    S: ArrayLike,
    K: ArrayLike,
    T: ArrayLike,
    r: ArrayLike,
    sigma: ArrayLike,
    is_call: ArrayLike,
    q: ArrayLike = 0.0,
) -> Array:
    """Vectorised ``bs_price``."""
    S_, K_, T_, r_, sig, call, q_ = _inputs(S, K, T, r, sigma, is_call, q)
    w = np.where(call != 0, 1.0, -1.0)
    _, _, valid, dfq, dfr, _, _, _, n1, n2 = _core(S_, K_, T_, r_, sig, w, q_)
    with np.errstate(all="ignore"):
        return np.where(valid, np.maximum(w * (S_ * dfq * n1 - K_ * dfr * n2), 0.0), np.nan)


def implied_volatility_arr(
    price: ArrayLike,
    S: ArrayLike,
    K: ArrayLike,
    T: ArrayLike,
    r: ArrayLike,
    is_call: ArrayLike,
    q: ArrayLike = 0.0,
) -> Array:
    """Vectorised ``implied_volatility`` (same bracketed Newton, all options at once)."""
    P, S_, K_, T_, r_, call, q_ = _inputs(price, S, K, T, r, is_call, q)
    w = np.where(call != 0, 1.0, -1.0)
    with np.errstate(all="ignore"):
        fs, fk = S_ * np.exp(-q_ * T_), K_ * np.exp(-r_ * T_)
        lower = np.maximum(w * (fs - fk), 0.0)
        upper = np.where(w > 0, fs, fk)
        ok = (S_ > 0) & (K_ > 0) & (T_ > 0) & np.isfinite(P + S_ + K_ + T_ + r_ + q_)
        ok &= (lower < P) & (upper > P)
    result = np.full(P.shape, np.nan)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return result
    P, S_, K_, T_, r_, w, q_, fs, fk = (a.ravel()[idx] for a in (P, S_, K_, T_, r_, w, q_, fs, fk))
    lo, hi = np.zeros_like(P), np.ones_like(P)
    while True:  # widen the upper bracket until it prices above the target
        short = bs_price_arr(S_, K_, T_, r_, hi, w > 0, q_) < P
        if not short.any():
            break
        lo, hi = np.where(short, hi, lo), np.where(short, hi * 2.0, hi)
        if (hi > _SIGMA_MAX).any():
            hi = np.minimum(hi, _SIGMA_MAX * 2.0)
            break
    with np.errstate(all="ignore"):
        call = np.where(w > 0, P, P + fs - fk)
        half_gap = call - 0.5 * (fs - fk)
        root = np.sqrt(np.maximum(half_gap**2 - (fs - fk) ** 2 / np.pi, 0.0))
        sigma = np.sqrt(2.0 * np.pi / T_) / (fs + fk) * (half_gap + root)
    sigma = np.where((sigma > lo) & (sigma < hi), sigma, 0.5 * (lo + hi))
    active = np.arange(P.size)
    tolerance = 1e-13 * np.maximum(1.0, P)
    for _ in range(100):
        a = active
        _, _, _, dfq, dfr, sqrt_t, _, pdf, n1, n2 = _core(S_[a], K_[a], T_[a], r_[a], sigma[a], w[a], q_[a])
        diff = w[a] * (S_[a] * dfq * n1 - K_[a] * dfr * n2) - P[a]
        raw_vega = S_[a] * dfq * pdf * sqrt_t
        hi[a] = np.where(diff > 0, sigma[a], hi[a])
        lo[a] = np.where(diff <= 0, sigma[a], lo[a])
        with np.errstate(all="ignore"):
            step = sigma[a] - diff / raw_vega
        inside = (step > lo[a]) & (step < hi[a]) & (raw_vega > 0)
        done = (np.abs(diff) <= tolerance[a]) | (hi[a] - lo[a] <= 1e-15 * np.maximum(1.0, hi[a]))
        sigma[a] = np.where(done, sigma[a], np.where(inside, step, 0.5 * (lo[a] + hi[a])))
        active = a[~done]
        if active.size == 0:
            break
    sigma = np.where(sigma <= _SIGMA_MAX, sigma, np.nan)
    result.ravel()[idx] = sigma
    return result
