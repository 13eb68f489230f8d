"""The fee schedule: what a trader pays per leg."""

from __future__ import annotations

from decimal import Decimal as D

from desktop.simulator.account.fees import leg_fees


def test_options_commission_is_capped_to_open_and_free_to_close() -> None:
    three = leg_fees("Equity Option", "AAPL", "Buy to Open", D(3), D("2.00"), D(100))
    assert three.commission == D("3.00") and three.clearing == D("0.30")
    twenty = leg_fees("Equity Option", "AAPL", "Sell to Open", D(20), D("2.00"), D(100))
    assert twenty.commission == D("10.00"), "capped at $10 per leg"
    closing = leg_fees("Equity Option", "AAPL", "Sell to Close", D(20), D("2.00"), D(100))
    assert closing.commission == 0 and closing.clearing == D("2.00") and closing.regulatory > 0


def test_stock_is_commission_free_with_sec_and_taf_on_sales() -> None:
    buy = leg_fees("Equity", "AAPL", "Buy to Open", D(100), D("200"), D(1))
    sell = leg_fees("Equity", "AAPL", "Sell to Close", D(100), D("200"), D(1))
    assert buy.commission == 0 and buy.regulatory == 0 and buy.clearing == D("0.08")
    assert sell.regulatory == D("0.556") + D("0.0166"), "SEC fee on $20,000 plus TAF on 100 shares"


def test_index_options_pay_the_proprietary_fee_and_futures_the_exchange_fee() -> None:
    spx = leg_fees("Equity Option", "SPXW", "Buy to Open", D(2), D("10"), D(100))
    assert spx.proprietary == D("1.30")
    fut = leg_fees("Future", "/ES", "Buy to Open", D(1), D("6000"), D(50), D("1.38"))
    assert (fut.commission, fut.clearing, fut.regulatory) == (D("1.25"), D("0.30"), D("1.40"))
    crypto = leg_fees("Cryptocurrency", "", "Buy to Open", D("0.5"), D("90000"), D(1))
    assert crypto.commission == D("10.00"), "1 % capped at $10"
