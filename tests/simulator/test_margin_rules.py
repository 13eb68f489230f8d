"""Reg T-like requirements (``capital at risk beyond marks``) for the strategies traders use."""

from __future__ import annotations

import math

import pytest

from desktop.simulator.account.margin import Holding, requirement


def opt(
    qty: float, strike: float, call: bool, mark: float, under: float = 100.0, group: str = "XYZ"
) -> Holding:
    return Holding("Equity Option", group, qty, mark, 100.0, strike, call, under)


def stock(qty: float, price: float = 100.0, group: str = "XYZ") -> Holding:
    return Holding("Equity", group, qty, price, 1.0)


def test_stock_is_half_on_margin_and_whole_in_cash() -> None:
    assert requirement([stock(100)], cash_account=False) == pytest.approx(5000)
    assert requirement([stock(100)], cash_account=True) == pytest.approx(10000)
    assert requirement([stock(-100)], cash_account=True) == math.inf, "no short stock in a cash account"


def test_long_options_cost_their_value() -> None:
    assert requirement([opt(2, 100, True, 3.0)], False) == pytest.approx(600)


def test_credit_spread_needs_width_minus_credit() -> None:
    # short 95 put at 2.00, long 90 put at 0.80: width 500, credit 120 at the marks
    spread = [opt(-1, 95, False, 2.0), opt(1, 90, False, 0.8)]
    assert requirement(spread, False) == pytest.approx(500 - 120)


def test_debit_spread_needs_its_debit() -> None:
    assert requirement([opt(1, 100, True, 3.0), opt(-1, 105, True, 1.0)], False) == pytest.approx(200)


def test_iron_condor_needs_the_wider_wing_minus_credit() -> None:
    condor = [
        opt(-1, 95, False, 1.5),
        opt(1, 90, False, 0.5),
        opt(-1, 105, True, 1.4),
        opt(1, 115, True, 0.3),
    ]
    credit = (1.5 - 0.5 + 1.4 - 0.3) * 100
    assert requirement(condor, False) == pytest.approx(1000 - credit)


def test_naked_options_take_the_20_percent_rule() -> None:
    # put 10 out of the money on a $100 stock: max(20 - 10, 10 % of 90 = 9) x 100
    assert requirement([opt(-1, 90, False, 0.5)], False) == pytest.approx(1000)
    # at the money call: 20 % of 100 x 100
    assert requirement([opt(-1, 100, True, 4.0)], False) == pytest.approx(2000)
    # broad index: 15 %
    assert requirement([opt(-1, 100, True, 4.0, group="SPY")], False) == pytest.approx(1500)


def test_strangle_takes_the_larger_side_plus_the_other_premium() -> None:
    # put 5 out: max(20 - 5, 9.5) = 15 -> 1500; call 10 out: max(20 - 10, 10) -> 1000
    strangle = [opt(-1, 95, False, 1.2), opt(-1, 110, True, 0.7)]
    assert requirement(strangle, False) == pytest.approx(1500 + 70)


def test_covered_call_adds_nothing_beyond_the_stock() -> None:
    assert requirement([stock(100), opt(-1, 110, True, 1.0)], False) == pytest.approx(5000)
    assert requirement([stock(50), opt(-1, 110, True, 1.0)], False) > 5000 / 2, "50 shares cover no contract"


def test_cash_account_secures_puts_and_refuses_naked_calls() -> None:
    assert requirement([opt(-1, 90, False, 0.5)], cash_account=True) == pytest.approx((90 - 0.5) * 100)
    assert requirement([opt(-1, 110, True, 0.7)], cash_account=True) == math.inf


def test_futures_use_the_product_margin() -> None:
    es = Holding("Future", "/ESZ6", -2, 6000.0, 50.0, initial_margin=15500.0)
    assert requirement([es], False) == pytest.approx(31000)
