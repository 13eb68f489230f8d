"""Position math: marks, open/day P/L, position greeks, beta-weighted delta, DTE."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.api.models import Position
from desktop.services.position_metrics import MarketInputs, Totals, position_values, totals

TODAY = date(2026, 3, 2)  # a Monday


def stock(qty: int, direction: str = "Long", avg: str = "100", basis: str = "104") -> Position:
    return Position.from_wire(
        {
            "symbol": "AAPL",
            "instrument-type": "Equity",
            "underlying-symbol": "AAPL",
            "quantity": qty,
            "quantity-direction": direction,
            "average-open-price": avg,
            "average-daily-market-close-price": basis,
            "close-price": basis,
            "multiplier": "1.0",
        }
    )


def short_put(**overrides: object) -> Position:
    return Position.from_wire(
        {
            "symbol": "AAPL  260320P00100000",
            "instrument-type": "Equity Option",
            "underlying-symbol": "AAPL",
            "quantity": 2,
            "quantity-direction": "Short",
            "average-open-price": "3.00",
            "average-daily-market-close-price": "2.50",
            "close-price": "2.50",
            "multiplier": 100,
            "expires-at": "2026-03-20T20:00:00.000+00:00",
            **overrides,
        }
    )


def test_long_stock_mid_mark_and_pl() -> None:
    v = position_values(stock(100), MarketInputs(bid=109.9, ask=110.1, beta=1.2, spy_price=500.0), TODAY)
    assert v.mark == Decimal("110.0")
    assert v.market_value == Decimal("11000.00")
    assert v.open_pl == Decimal("1000.00")  # (110 - 100) x 100
    assert v.day_pl == Decimal("600.00")  # (110 - 104) x 100
    assert v.delta == 100 and v.theta == 0 and v.vega == 0
    assert v.beta_weighted_delta == pytest.approx(100 * 1.2 * 110 / 500)
    assert v.dte is None


def test_short_stock_loses_when_price_rises() -> None:
    v = position_values(stock(50, "Short", avg="100", basis="100"), MarketInputs(last=102.0), TODAY)
    assert v.open_pl == Decimal("-100.00")
    assert v.delta == -50


def test_short_put_greeks_scale_by_quantity_and_multiplier() -> None:
    inputs = MarketInputs(
        bid=1.9,
        ask=2.1,
        delta=-0.30,
        theta=-0.05,
        vega=0.12,
        underlying_price=105.0,
        beta=1.2,
        spy_price=500.0,
    )
    v = position_values(short_put(), inputs, TODAY)
    assert v.mark == Decimal("2.0")
    assert v.open_pl == Decimal("200.00")  # sold at 3.00, now 2.00: +1.00 x 2 x 100
    assert v.day_pl == Decimal("100.00")  # from 2.50 to 2.00
    assert v.delta == pytest.approx(60.0)  # -0.30 x -2 x 100
    assert v.theta == pytest.approx(10.0)  # short options earn theta
    assert v.vega == pytest.approx(-24.0)
    assert v.beta_weighted_delta == pytest.approx(60 * 1.2 * 105 / 500)
    assert v.dte == 18


def test_unknown_inputs_give_none_not_wrong_numbers() -> None:
    v = position_values(short_put(), MarketInputs(), TODAY)
    assert v.mark == Decimal("2.50")  # falls back to the REST close
    assert v.delta is None and v.theta is None and v.beta_weighted_delta is None
    crossed = position_values(stock(1), MarketInputs(bid=110.0, ask=109.0), TODAY)
    assert crossed.mark == Decimal("104")  # a crossed quote is not a mark


def test_dte_from_the_occ_symbol_when_expires_at_is_missing() -> None:
    p = short_put(**{"expires-at": None})
    assert position_values(p, MarketInputs(), TODAY).dte == 18
    assert position_values(short_put(), MarketInputs(), date(2026, 3, 20)).dte == 0


def test_totals_sum_and_count_incomplete_rows() -> None:
    a = position_values(stock(100), MarketInputs(last=110.0, beta=1.0, spy_price=500.0), TODAY)
    b = position_values(short_put(), MarketInputs(last=2.0), TODAY)  # no greeks yet
    t = totals([a, b])
    assert t.open_pl == Decimal("1200.00")
    assert t.delta == 100 and t.incomplete == 1
    assert totals([]) == Totals(Decimal(0), Decimal(0), 0.0, 0.0, 0.0, 0.0, 0)  # an empty group
