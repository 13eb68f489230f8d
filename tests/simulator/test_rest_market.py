"""Quote tokens, market metrics, quotes by type, market sessions."""

from __future__ import annotations

from decimal import Decimal

from tests.simulator.rest_client import client, data, dec, error, is_decimal_string


def test_quote_token_points_at_this_exchanges_dxlink(exchange) -> None:
    with client(exchange) as c:
        tok = data(c.get("/api-quote-tokens"))
    assert tok["dxlink-url"] == exchange.dxlink_url
    assert tok["level"] == "api" and tok["token"] and tok["expires-at"].endswith("Z")


def test_market_metrics_for_stocks_etfs_and_futures(exchange) -> None:
    with client(exchange) as c:
        rows = {
            m["symbol"]: m
            for m in data(c.get("/market-metrics", params={"symbols": "AAPL,SPY,/ES"}))["items"]
        }
        assert error(c.get("/market-metrics"), 400)["code"] == "validation_error"
    assert set(rows) == {"AAPL", "SPY", "/ES"}
    aapl = rows["AAPL"]
    iv = dec(aapl["implied-volatility-index"])
    assert Decimal("0.1") < iv < Decimal("0.8"), "IV index is a fraction"
    assert Decimal(0) <= dec(aapl["implied-volatility-index-rank"]) <= Decimal(1)
    assert Decimal(5) < dec(aapl["historical-volatility-30-day"]) < Decimal(80), "HV is in percent"
    assert isinstance(aapl["market-cap"], int) and isinstance(aapl["liquidity-rating"], int)
    assert aapl["earnings"]["expected-report-date"]
    exps = aapl["option-expiration-implied-volatilities"]
    assert exps and all(is_decimal_string(e["implied-volatility"]) for e in exps)


def test_market_data_by_type_in_one_call(exchange) -> None:
    with client(exchange) as c:
        r = c.get(
            "/market-data/by-type",
            params={"equity": "AAPL,TSLA", "index": "SPX", "cryptocurrency": "BTC/USD"},
        )
        assert r.status_code == 200 and r.json()["pagination"] is None
        rows = {i["symbol"]: i for i in r.json()["data"]["items"]}
        one = data(c.get("/market-data/Equity/AAPL"))
    assert set(rows) == {"AAPL", "TSLA", "SPX", "BTC/USD"}
    aapl = rows["AAPL"]
    for key in (
        "symbol",
        "instrument-type",
        "updated-at",
        "bid-size",
        "ask-size",
        "mark",
        "close-price-type",
        "summary-date",
        "prev-close-date",
        "prev-close-price-type",
        "halt-start-time",
        "halt-end-time",
    ):
        assert key in aapl, key
    assert dec(aapl["bid"]) < dec(aapl["ask"]) and aapl["halt-start-time"] == -1
    assert rows["SPX"]["instrument-type"] == "Index" and rows["SPX"]["bid-size"] == "NaN"
    assert one["symbol"] == "AAPL"


def test_current_market_sessions(exchange) -> None:
    with client(exchange) as c:
        rows = data(
            c.get(
                "/market-time/sessions/current",
                params=[("instrument-collections[]", "Equity"), ("instrument-collections[]", "CME")],
            )
        )
    assert [r["instrument-collection"] for r in rows["items"]] == ["Equity", "CME"]
    equity = rows["items"][0]
    assert equity["state"] == "Open", "Demo (always-open) markets are open every day"
    assert equity["open-at"] < equity["close-at"] < equity["close-at-ext"]
    assert equity["next-session"]["session-date"] > equity["previous-session"]["session-date"]
