"""Pricing speed: a 2,000-option chain's greeks and implied volatilities.

Prints ``figure_name: value`` lines (milliseconds, median of repeated runs).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.core.pricing import bs_greeks, bs_greeks_arr, implied_volatility_arr


def _median_ms(fn: Callable[[], object], repeat: int = 30) -> float:
    fn()  # warm up
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(samples)


def _chain(n: int = 2000) -> tuple[np.ndarray, ...]:
    """10 expirations x 100 strikes x call/put around a 500 underlying, with a skew."""
    days = np.repeat(np.array([1, 3, 7, 14, 21, 30, 45, 60, 90, 180]), n // 10)
    strikes = np.tile(np.repeat(np.linspace(300.0, 700.0, n // 20), 2), 10)
    calls = np.tile(np.array([True, False]), n // 2)
    spot = np.full(n, 500.0)
    sigma = 0.18 + 0.25 * np.abs(np.log(strikes / spot))
    return spot, strikes, days / 365.0, np.full(n, 0.045), sigma, calls, np.full(n, 0.013)


def main() -> None:
    S, K, T, r, sigma, calls, q = _chain()
    greeks = bs_greeks_arr(S, K, T, r, sigma, calls, q)
    prices = greeks.price
    greeks_ms = _median_ms(lambda: bs_greeks_arr(S, K, T, r, sigma, calls, q))
    iv_ms = _median_ms(lambda: implied_volatility_arr(prices, S, K, T, r, calls, q))
    print(f"core_chain_greeks_ms_2000: {greeks_ms:.2f}")
    print(f"core_chain_iv_ms_2000: {iv_ms:.2f}")

    def scalar_loop() -> None:
        for i in range(200):
            bs_greeks(S[i], K[i], T[i], r[i], sigma[i], bool(calls[i]), q[i])

    print(f"core_scalar_greeks_us: {_median_ms(scalar_loop, repeat=10) * 1000.0 / 200:.2f}")


if __name__ == "__main__":
    main()
