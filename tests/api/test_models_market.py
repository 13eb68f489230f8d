"""Instruments, chains, metrics, quote token, transactions and watchlists parse the reference's JSON."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from desktop.api.models import (
    Cryptocurrency,
    Equity,
    EquityOption,
    Future,
    FuturesOptionChain,
    MarketMetrics,
    NestedOptionChain,
    QuoteToken,
    SymbolMatch,
    TickSize,
    TotalFees,
    Transaction,
    Watchlist,
)
from desktop.core.money import tick_for_price
from tests.api._fixtures import data, load


def test_equity_with_tick_sizes_usable_by_core_money() -> None:
    e = Equity.from_wire(data("equity"))
    assert e.symbol == "SPY" and e.is_etf and not e.is_index
    assert e.streamer_symbol == "SPY"
    assert e.option_tick_sizes == (TickSize(Decimal("0.01"), Decimal("3.0")), TickSize(Decimal("0.05"), None))
    assert tick_for_price(Decimal("2.50"), e.option_tick_sizes) == Decimal("0.01")
    assert tick_for_price(Decimal("4.00"), e.option_tick_sizes) == Decimal("0.05")


def test_equity_option() -> None:
    o = EquityOption.from_wire(data("equity_option"))
    assert o.strike_price == Decimal("393.0") and o.option_type == "C"
    assert o.expiration_date == date(2023, 7, 31)
    assert o.streamer_symbol == ".SPY230731C393"
    assert o.shares_per_contract == 100


def test_nested_option_chain() -> None:
    (chain,) = (NestedOptionChain.from_wire(i) for i in data("nested_option_chain")["items"])
    assert chain.root_symbol == "SPY" and chain.is_standard
    assert chain.deliverables[0].amount == Decimal("100.0")
    exp = chain.expirations[0]
    assert exp.expiration_date == date(2026, 8, 4) and exp.days_to_expiration == 0
    assert [s.strike_price for s in exp.strikes] == [Decimal("500.0"), Decimal("505.0")]
    assert exp.strikes[0].call == "SPY   260804C00500000"
    assert exp.strikes[0].put_streamer_symbol == ".SPY260804P500"


def test_future_with_product() -> None:
    f = Future.from_wire(data("future"))
    assert f.symbol == "/ESU3" and f.streamer_symbol == "/ESU23:XCME"
    assert f.notional_multiplier == Decimal("50.0") and f.tick_size == Decimal("0.25")
    assert f.future_product is not None and f.future_product.listed_months == ("H", "M", "U", "Z")
    assert f.future_etf_equivalent is not None and f.future_etf_equivalent.share_quantity == 506
    # closing-only-date missing (the /1OZ case, issue #275) is fine
    assert (
        Future.from_wire(
            {k: v for k, v in data("future").items() if k != "closing-only-date"}
        ).closing_only_date
        is None
    )


def test_futures_option_chain() -> None:
    chain = FuturesOptionChain.from_wire(data("futures_option_chain"))
    assert chain.futures[0].symbol == "/ESU3"
    assert chain.futures[0].maturity_date == date(2023, 9, 15)
    (exp,) = chain.expirations
    assert exp.option_root_symbol == "EW4" and exp.underlying_symbol == "/ESU3"
    assert exp.strikes[0].call_streamer_symbol == "./EW4N23C3990:XCME"
    assert exp.tick_sizes[0] == TickSize(Decimal("0.05"), Decimal("5.0"))
    odd = FuturesOptionChain.from_wire(
        {"futures": [{"symbol": "/ESZ3", "maturity-date": "2023-12-15 00:00:00 UTC"}]}
    )
    assert odd.futures[0].maturity_date == date(2023, 12, 15)


def test_cryptocurrency() -> None:
    c = Cryptocurrency.from_wire(load("cryptocurrency"))
    assert c.symbol == "BTC/USD" and c.streamer_symbol == "BTC/USD:CXTALP"
    assert c.tick_size == Decimal("0.01")
    assert [v.destination_venue for v in c.destination_venue_symbols if v.routable] == ["ZERO_HASH_CLOB"]


def test_symbol_search() -> None:
    matches = [SymbolMatch.from_wire(i) for i in data("symbol_search")["items"]]
    assert [m.symbol for m in matches] == ["APLE", "AAPL"]


def test_market_metrics_scales_and_nested_objects() -> None:
    m = MarketMetrics.from_wire(data("market_metrics")["items"][0])
    assert m.symbol == "AAPL"
    assert m.implied_volatility_index_rank == Decimal("0.02231313")
    assert m.implied_volatility_30_day == Decimal("21.87")
    assert m.beta == Decimal("1.265634436")
    assert m.market_cap == 2846108626900 and m.liquidity_rating == 4
    assert m.earnings is not None and m.earnings.expected_report_date == date(2023, 7, 27)
    assert m.option_expiration_implied_volatilities[0].implied_volatility == Decimal("0.288187496")
    sparse = MarketMetrics.from_wire({"symbol": "/ES", "implied-volatility-index-rank": "0.5"})
    assert sparse.beta is None and sparse.earnings is None


def test_quote_token_never_shows_its_token() -> None:
    t = QuoteToken.from_wire(data("quote_token"))
    assert t.token == "<opaque string>"
    assert t.dxlink_url == "wss://tasty-openapi-ws.dxfeed.com/realtime"
    assert t.expires_at == datetime(2026, 8, 5, 14, 30, tzinfo=UTC)
    assert "opaque" not in repr(t) and "opaque" not in str(t)


def test_transactions_signed_money_and_string_quantity() -> None:
    trade, dividend = (Transaction.from_wire(i) for i in data("transactions")["items"])
    assert trade.quantity == Decimal("40.0") and trade.price == Decimal("0.47")
    assert trade.value == Decimal("1880.0") and trade.net_value == Decimal("1878.858")
    assert trade.commission == Decimal("-40.0") and trade.clearing_fees == Decimal("-0.40")
    assert trade.fees == Decimal("-40.442")
    assert trade.order_id == 272610989
    assert dividend.transaction_sub_type == "Dividend" and dividend.fees == 0
    assert dividend.executed_at == datetime(2023, 7, 28, 21, tzinfo=UTC)


def test_total_fees() -> None:
    t = TotalFees.from_wire(data("total_fees"))
    assert t.total_fees == 0 and t.total_fees_effect == "None"


def test_watchlists_including_snake_case_and_counts_only() -> None:
    (w,) = (Watchlist.from_wire(i) for i in data("watchlists")["items"])
    assert w.name == "testing with / - odd chars" and w.symbols == ("AAPL",)
    assert w.group_name == "test" and w.order_index == 1
    deleted = Watchlist.from_wire(load("watchlist_deleted"))  # un-enveloped, snake_case
    assert deleted.symbols == ("TSLA", "AMZN") and deleted.group_name == "test"
    counts = Watchlist.from_wire(data("public_watchlists_counts")["items"][0])
    assert counts.entry_count == 200 and counts.entries == ()
    public = Watchlist.from_wire(
        {"name": "x", "watchlist-entries": [{"symbol": "SPY", "instrument_type": "Equity"}]}
    )
    assert public.entries[0].instrument_type == "Equity"


def test_watchlist_round_trips_to_the_request_body() -> None:
    w = Watchlist.of("Tech", ["AAPL", ("/ESZ5", "Future")], group_name="mine")
    body = w.to_wire()
    assert body == {
        "name": "Tech",
        "group-name": "mine",
        "order-index": 9999,
        "watchlist-entries": [{"symbol": "AAPL"}, {"symbol": "/ESZ5", "instrument-type": "Future"}],
    }
    assert Watchlist.from_wire(body) == w


def test_nested_chain_converts_to_the_core_option_chain() -> None:
    from desktop.api.models import to_option_chain

    roots = [NestedOptionChain.from_wire(i) for i in data("nested_option_chain")["items"]]
    chain = to_option_chain(roots)
    assert chain.underlying == "SPY" and chain.shares_per_contract == 100
    exp = chain.expiration(date(2026, 8, 4))
    assert exp.root_symbol == "SPY" and [s.strike for s in exp.strikes] == [
        Decimal("500.0"),
        Decimal("505.0"),
    ]
    assert exp.strikes[1].put_streamer == ".SPY260804P505"
    # a strike without streamer symbols gets them from the OCC symbol
    bare = NestedOptionChain.from_wire(
        {
            "underlying-symbol": "SPY",
            "root-symbol": "SPY",
            "expirations": [
                {
                    "expiration-date": "2026-08-04",
                    "strikes": [
                        {
                            "strike-price": "500",
                            "call": "SPY   260804C00500000",
                            "put": "SPY   260804P00500000",
                        }
                    ],
                }
            ],
        }
    )
    assert to_option_chain([bare]).expirations[0].strikes[0].call_streamer == ".SPY260804C500"
