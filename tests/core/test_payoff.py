"""Payoff math on positions whose numbers any options trader can check by hand."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.core.payoff import (
    PayoffLeg,
    breakevens,
    first_expiration_years,
    max_loss,
    max_profit,
    one_sigma_range,
    pnl_at_expiration,
    pnl_today,
    price_grid,
)
from desktop.core.pricing import bs_price

T30 = 30 / 365
PRICES = np.linspace(0.0, 300.0, 30001)


def call(qty: float, strike: float, premium: float, years: float = T30, iv: float = 0.25) -> PayoffLeg:
    return PayoffLeg(qty, premium, "C", strike, years, iv)


def put(qty: float, strike: float, premium: float, years: float = T30, iv: float = 0.25) -> PayoffLeg:
    return PayoffLeg(qty, premium, "P", strike, years, iv)


def shares(qty: float, price: float) -> PayoffLeg:
    return PayoffLeg(qty, price, None, multiplier=1.0)


class TestSingleLegs:
    def test_long_call(self) -> None:
        legs = [call(1, 100, 3.0)]
        pnl = pnl_at_expiration(legs, [90.0, 100.0, 103.0, 110.0])
        np.testing.assert_allclose(pnl, [-300.0, -300.0, 0.0, 700.0])
        assert max_profit(legs) is None
        assert max_loss(legs) == pytest.approx(300.0)
        assert breakevens(PRICES, pnl_at_expiration(legs, PRICES)) == pytest.approx([103.0])

    def test_short_put(self) -> None:
        legs = [put(-2, 100, 2.5)]
        assert max_profit(legs) == pytest.approx(500.0)
        assert max_loss(legs) == pytest.approx((100 - 2.5) * 200)  # the stock can only go to zero
        assert breakevens(PRICES, pnl_at_expiration(legs, PRICES)) == pytest.approx([97.5])

    def test_short_call_risk_is_unlimited(self) -> None:
        legs = [call(-1, 100, 3.0)]
        assert max_loss(legs) is None
        assert max_profit(legs) == pytest.approx(300.0)

    def test_stock(self) -> None:
        legs = [shares(100, 50.0)]
        assert max_profit(legs) is None
        assert max_loss(legs) == pytest.approx(5000.0)
        short = [shares(-100, 50.0)]
        assert max_loss(short) is None and max_profit(short) == pytest.approx(5000.0)


class TestSpreads:
    def test_iron_condor(self) -> None:
        # sell the 95/105 strangle for 2.40, buy the 90/110 wings for 0.90: credit 1.50
        legs = [put(1, 90, 0.40), put(-1, 95, 1.10), call(-1, 105, 1.30), call(1, 110, 0.50)]
        assert max_profit(legs) == pytest.approx(150.0)
        assert max_loss(legs) == pytest.approx(350.0)
        assert breakevens(PRICES, pnl_at_expiration(legs, PRICES)) == pytest.approx([93.5, 106.5])

    def test_covered_call(self) -> None:
        legs = [shares(100, 100.0), call(-1, 105, 2.0)]
        assert max_profit(legs) == pytest.approx(700.0)
        assert max_loss(legs) == pytest.approx(9800.0)
        assert breakevens(PRICES, pnl_at_expiration(legs, PRICES)) == pytest.approx([98.0])

    def test_butterfly(self) -> None:
        legs = [call(1, 95, 6.0), call(-2, 100, 3.0), call(1, 105, 1.0)]  # debit 1.00
        assert max_profit(legs) == pytest.approx(400.0)
        assert max_loss(legs) == pytest.approx(100.0)
        assert breakevens(PRICES, pnl_at_expiration(legs, PRICES)) == pytest.approx([96.0, 104.0])

    def test_long_calendar_is_limited_both_ways_and_peaks_at_the_strike(self) -> None:
        near_t, far_t, iv = 30 / 365, 60 / 365, 0.25
        near = bs_price(100, 100, near_t, 0.0, iv, True)
        far = bs_price(100, 100, far_t, 0.0, iv, True)
        legs = [call(-1, 100, near, near_t), call(1, 100, far, far_t)]
        assert first_expiration_years(legs) == pytest.approx(near_t)
        best, worst = max_profit(legs), max_loss(legs)
        assert best is not None and worst is not None
        assert worst == pytest.approx((far - near) * 100, rel=1e-3)  # the debit, lost far from the strike
        pnl = pnl_at_expiration(legs, PRICES)
        assert PRICES[np.argmax(pnl)] == pytest.approx(100.0, abs=0.5)
        assert len(breakevens(PRICES, pnl)) == 2


class TestToday:
    def test_today_is_zero_at_the_model_price_and_converges_to_expiration(self) -> None:
        price = bs_price(100, 100, T30, 0.0, 0.25, True)
        legs = [call(1, 100, price)]
        assert pnl_today(legs, [100.0])[0] == pytest.approx(0.0, abs=1e-9)
        later = [call(1, 100, price, years=1e-9)]
        np.testing.assert_allclose(
            pnl_today(later, [90.0, 110.0]), pnl_at_expiration(legs, [90.0, 110.0]), atol=1e-6
        )

    def test_today_has_time_value(self) -> None:
        legs = [call(1, 100, 3.0)]
        assert np.all(pnl_today(legs, [90.0, 100.0, 110.0]) > pnl_at_expiration(legs, [90.0, 100.0, 110.0]))

    def test_shapes(self) -> None:
        grid = np.linspace(50, 150, 7).reshape(7)
        assert pnl_today([call(1, 100, 3.0), shares(100, 100.0)], grid).shape == (7,)
        assert np.all(pnl_today([], grid) == 0)
        assert max_profit([]) == 0.0 and max_loss([]) == 0.0


class TestHelpers:
    def test_breakevens_interpolate_and_touch(self) -> None:
        assert breakevens([0, 1, 2, 3], [-1, 1, 1, -1]) == pytest.approx([0.5, 2.5])
        assert breakevens([0, 1, 2], [1, 0, 1]) == [1.0]
        assert breakevens([0, 1, 2], [1, 2, 3]) == []

    def test_one_sigma_range(self) -> None:
        assert one_sigma_range(100.0, 0.2, 365) == pytest.approx((80.0, 120.0))
        low, high = one_sigma_range(500.0, 0.16, 45)
        assert high - 500 == pytest.approx(500 - low) == pytest.approx(500 * 0.16 * (45 / 365) ** 0.5)
        assert one_sigma_range(10.0, 5.0, 365) == (0.0, 60.0)

    def test_price_grid(self) -> None:
        grid = price_grid(100.0, points=5)
        np.testing.assert_allclose(grid, [75, 87.5, 100, 112.5, 125])
        with pytest.raises(ValueError):
            price_grid(100.0, low=120, high=110)

    def test_bad_legs(self) -> None:
        with pytest.raises(ValueError):
            PayoffLeg(1, 1.0, "X", 100)
        with pytest.raises(ValueError):
            PayoffLeg(1, 1.0, "C", 0)
