"""Black-Scholes-Merton: textbook values, parity, greeks against finite differences,
implied-volatility round trips, edge cases, and scalar == vectorised."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest

from desktop.core.pricing import (
    bs_greeks,
    bs_greeks_arr,
    bs_price,
    bs_price_arr,
    implied_volatility,
    implied_volatility_arr,
    norm_cdf,
    norm_cdf_arr,
    years_between,
)

RNG = np.random.default_rng(20260101)
N = 400
CASES = {
    "S": RNG.uniform(20, 500, N),
    "moneyness": RNG.uniform(0.6, 1.5, N),
    "T": RNG.uniform(2 / 365, 2.5, N),
    "r": RNG.uniform(-0.01, 0.08, N),
    "sigma": RNG.uniform(0.05, 1.5, N),
    "q": RNG.uniform(0.0, 0.05, N),
    "call": RNG.random(N) < 0.5,
}
CASES["K"] = CASES["S"] * CASES["moneyness"]


class TestKnownValues:
    def test_textbook_at_the_money(self) -> None:
        assert bs_price(100, 100, 1, 0.05, 0.2, True) == pytest.approx(10.450583572185565, abs=1e-12)
        assert bs_price(100, 100, 1, 0.05, 0.2, False) == pytest.approx(5.573526022256971, abs=1e-12)

    def test_hull_example(self) -> None:
        # Hull, Options Futures and Other Derivatives, example 15.6: S=42 K=40 r=10% sigma=20% T=0.5
        assert bs_price(42, 40, 0.5, 0.1, 0.2, True) == pytest.approx(4.76, abs=0.005)
        assert bs_price(42, 40, 0.5, 0.1, 0.2, False) == pytest.approx(0.81, abs=0.005)

    def test_norm_cdf(self) -> None:
        assert norm_cdf(0) == 0.5
        assert norm_cdf(1.959963984540054) == pytest.approx(0.975, abs=1e-15)
        assert norm_cdf(-10) == pytest.approx(7.619853024160527e-24, rel=1e-12)  # tail keeps precision
        np.testing.assert_allclose(
            norm_cdf_arr([[-1.0, 0.0], [1.0, np.inf]]),
            [[0.15865525393145707, 0.5], [0.8413447460685429, 1.0]],
        )

    def test_years_between(self) -> None:
        a, b = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
        assert years_between(a, b) == 1.0


class TestParityAndGreeks:
    @pytest.mark.parametrize("i", range(0, N, 7))
    def test_put_call_parity_with_dividends(self, i: int) -> None:
        S, K, T, r, s, q = (float(CASES[k][i]) for k in ("S", "K", "T", "r", "sigma", "q"))
        call, put = bs_price(S, K, T, r, s, True, q), bs_price(S, K, T, r, s, False, q)
        assert call - put == pytest.approx(S * math.exp(-q * T) - K * math.exp(-r * T), abs=1e-9 * S)

    @pytest.mark.parametrize("i", range(0, N, 9))
    def test_greeks_match_finite_differences(self, i: int) -> None:
        S, K, T, r, s, q = (float(CASES[k][i]) for k in ("S", "K", "T", "r", "sigma", "q"))
        call = bool(CASES["call"][i])
        g = bs_greeks(S, K, T, r, s, call, q)

        def p(S: float = S, T: float = T, r: float = r, s: float = s) -> float:
            return bs_price(S, K, T, r, s, call, q)

        h = S * 1e-4
        assert g.delta == pytest.approx((p(S + h) - p(S - h)) / (2 * h), abs=1e-6)
        assert g.gamma == pytest.approx((p(S + h) - 2 * p() + p(S - h)) / h**2, rel=1e-3, abs=1e-6)
        dt = 1e-5
        assert g.theta == pytest.approx(-(p(T=T + dt) - p(T=T - dt)) / (2 * dt) / 365, rel=1e-5, abs=1e-8)
        assert g.vega == pytest.approx((p(s=s + 1e-5) - p(s=s - 1e-5)) / 2e-5 / 100, rel=1e-5, abs=1e-8)
        assert g.rho == pytest.approx((p(r=r + 1e-5) - p(r=r - 1e-5)) / 2e-5 / 100, rel=1e-5, abs=1e-8)

    def test_quoting_conventions(self) -> None:
        g = bs_greeks(100, 100, 30 / 365, 0.04, 0.25, True)
        # theta is one calendar day of decay, vega one volatility point, rho one rate point
        assert g.theta == pytest.approx(bs_price(100, 100, 29 / 365, 0.04, 0.25, True) - g.price, rel=0.02)
        assert g.vega == pytest.approx(bs_price(100, 100, 30 / 365, 0.04, 0.26, True) - g.price, rel=0.01)
        assert g.rho == pytest.approx(bs_price(100, 100, 30 / 365, 0.05, 0.25, True) - g.price, rel=0.01)
        assert 0.5 < g.delta < 0.6 and g.theta < 0 < g.vega

    def test_signs(self) -> None:
        put = bs_greeks(100, 110, 0.5, 0.03, 0.3, False, 0.01)
        assert -1 < put.delta < -0.5 and put.gamma > 0 and put.vega > 0 and put.rho < 0


class TestEdges:
    def test_expired_is_intrinsic_with_binary_delta(self) -> None:
        assert bs_greeks(105, 100, 0, 0.05, 0.2, True) == bs_greeks(105, 100, -1, 0.05, 0.2, True)
        g = bs_greeks(105, 100, 0, 0.05, 0.2, True)
        assert (g.price, g.delta, g.gamma, g.theta, g.vega, g.rho) == (5, 1, 0, 0, 0, 0)
        g = bs_greeks(95, 100, 0, 0.05, 0.2, False)
        assert (g.price, g.delta) == (5, -1)
        assert bs_greeks(95, 100, 0, 0.05, 0.2, True).delta == 0
        assert bs_greeks(100, 100, 0, 0.05, 0.2, True).delta == 0
        assert bs_greeks(100, 100, 0, 0.05, 0.2, False).delta == 0

    def test_zero_volatility_is_discounted_forward_intrinsic(self) -> None:
        S, K, T, r, q = 100.0, 90.0, 0.5, 0.05, 0.02
        g = bs_greeks(S, K, T, r, 0.0, True, q)
        assert g.price == pytest.approx(S * math.exp(-q * T) - K * math.exp(-r * T))
        assert g.delta == pytest.approx(math.exp(-q * T)) and g.gamma == 0 and g.vega == 0
        assert bs_greeks(S, K, T, r, 0.0, False, q).price == 0
        assert bs_greeks(S, K, T, r, -0.1, True, q).price == g.price

    @pytest.mark.parametrize(
        "args",
        [
            (0, 100, 1, 0.05, 0.2),
            (100, 0, 1, 0.05, 0.2),
            (math.nan, 100, 1, 0.05, 0.2),
            (100, 100, 1, 0.05, math.inf),
        ],
    )
    def test_invalid_inputs_are_nan(self, args: tuple[float, ...]) -> None:
        assert math.isnan(bs_price(*args, True))
        assert np.isnan(bs_price_arr(*args, True))


class TestVectorised:
    def test_matches_scalar_everywhere_including_edges(self) -> None:
        S = np.concatenate([CASES["S"], [100, 100, 100, 100, 0, 100]])
        K = np.concatenate([CASES["K"], [90, 110, 100, 100, 100, 100]])
        T = np.concatenate([CASES["T"], [0, 0.5, 0, 0.5, 1, -1]])
        r = np.concatenate([CASES["r"], [0.05] * 6])
        s = np.concatenate([CASES["sigma"], [0.2, 0.0, 0.2, -0.3, 0.2, 0.2]])
        q = np.concatenate([CASES["q"], [0.0] * 6])
        c = np.concatenate([CASES["call"], [True, False, False, True, True, False]])
        arr = bs_greeks_arr(S, K, T, r, s, c, q)
        for i in range(S.size):
            g = bs_greeks(
                float(S[i]), float(K[i]), float(T[i]), float(r[i]), float(s[i]), bool(c[i]), float(q[i])
            )
            for field in ("price", "delta", "gamma", "theta", "vega", "rho"):
                np.testing.assert_allclose(getattr(arr, field)[i], getattr(g, field), rtol=1e-12, atol=1e-12)
        np.testing.assert_array_equal(bs_price_arr(S, K, T, r, s, c, q), arr.price)

    def test_broadcasting(self) -> None:
        strikes = np.arange(80.0, 121.0, 5.0)
        prices = bs_price_arr(100.0, strikes[:, None], np.array([0.1, 0.5, 1.0]), 0.03, 0.25, True)
        assert prices.shape == (strikes.size, 3)
        assert np.all(np.diff(prices, axis=0) < 0)  # calls get cheaper as strikes rise
        assert np.all(np.diff(prices, axis=1) > 0)  # and dearer with more time


class TestImpliedVolatility:
    @pytest.mark.parametrize("i", range(0, N, 3))
    def test_scalar_round_trip(self, i: int) -> None:
        S, K, T, r, s, q = (float(CASES[k][i]) for k in ("S", "K", "T", "r", "sigma", "q"))
        call = bool(CASES["call"][i])
        price = bs_price(S, K, T, r, s, call, q)
        iv = implied_volatility(price, S, K, T, r, call, q)
        if bs_greeks(S, K, T, r, s, call, q).vega * 100 > 1e-6:
            assert iv == pytest.approx(s, rel=1e-8)
        elif not math.isnan(iv):  # ill-conditioned: any answer must still reprice the option
            assert bs_price(S, K, T, r, iv, call, q) == pytest.approx(price, rel=1e-12, abs=1e-10)

    def test_vectorised_round_trip_matches_scalar(self) -> None:
        S, K, T, r, s, q, c = (CASES[k] for k in ("S", "K", "T", "r", "sigma", "q", "call"))
        prices = bs_price_arr(S, K, T, r, s, c, q)
        iv = implied_volatility_arr(prices, S, K, T, r, c, q)
        scalar = np.array(
            [
                implied_volatility(*(float(a[i]) for a in (prices, S, K, T, r)), bool(c[i]), float(q[i]))
                for i in range(N)
            ]
        )
        np.testing.assert_allclose(iv, scalar, rtol=1e-9, equal_nan=True)
        recovered = ~np.isnan(iv)
        assert recovered.mean() > 0.95
        # every recovered volatility reprices the option to within rounding...
        repriced = bs_price_arr(S, K, T, r, iv, c, q)
        np.testing.assert_allclose(repriced[recovered], prices[recovered], rtol=1e-12, atol=1e-10)
        # ...and is the original one, up to what the price can resolve: the solver stops when the
        # price matches to 1e-13 (relative), so sigma is pinned down to about that over vega
        raw_vega = bs_greeks_arr(S, K, T, r, s, c, q).vega * 100
        resolution = 1e-9 * s + 4e-13 * np.maximum(prices, 1.0) / raw_vega
        assert np.all(np.abs(iv - s)[recovered] <= resolution[recovered])
        assert (np.abs(iv / s - 1) < 1e-8).mean() > 0.95

    def test_extreme_volatilities(self) -> None:
        for sigma in (0.01, 0.05, 3.0, 8.0):
            price = bs_price(100, 100, 0.25, 0.02, sigma, True)
            assert implied_volatility(price, 100, 100, 0.25, 0.02, True) == pytest.approx(sigma, rel=1e-8)
            assert implied_volatility_arr(price, 100, 100, 0.25, 0.02, True) == pytest.approx(sigma, rel=1e-8)

    @pytest.mark.parametrize(
        ("price", "S", "K", "T", "call"),
        [
            (4.0, 105, 100, 0.5, True),  # below intrinsic
            (5.0, 105, 100, 0.0, True),  # expired
            (120.0, 100, 100, 0.5, True),  # above the stock price
            (0.0, 100, 100, 0.5, False),
            (-1.0, 100, 100, 0.5, False),
            (math.nan, 100, 100, 0.5, False),
        ],
    )
    def test_nan_outside_the_no_arbitrage_bounds(
        self, price: float, S: float, K: float, T: float, call: bool
    ) -> None:
        assert math.isnan(implied_volatility(price, S, K, T, 0.0, call))
        assert np.isnan(implied_volatility_arr(price, S, K, T, 0.0, call))

    def test_vector_keeps_shape_and_mixes_nan(self) -> None:
        prices = np.array([[2.0, -1.0], [5.0, 1000.0]])
        iv = implied_volatility_arr(prices, 100.0, 100.0, 0.1, 0.01, True)
        assert iv.shape == (2, 2)
        assert np.isnan(iv[0, 1]) and np.isnan(iv[1, 1]) and iv[0, 0] < iv[1, 0]
