"""Instruments and chains in the reference shapes; symbols in every accepted spelling."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from urllib.parse import quote

from desktop.core.symbols import occ_to_streamer, parse_occ
from tests.simulator.rest_client import client, data, error, is_decimal_string


def test_equity_and_index(exchange) -> None:
    with client(exchange) as c:
        spy = data(c.get("/instruments/equities/SPY"))
        for key in (
            "id",
            "symbol",
            "instrument-type",
            "is-index",
            "description",
            "lendability",
            "market-time-instrument-collection",
            "is-closing-only",
            "is-options-closing-only",
            "active",
            "is-illiquid",
            "is-etf",
            "streamer-symbol",
            "tick-sizes",
            "option-tick-sizes",
        ):
            assert key in spy, key
        assert spy["streamer-symbol"] == "SPY" and spy["is-etf"] is True and isinstance(spy["id"], int)
        assert spy["tick-sizes"] == [{"value": "0.0001", "threshold": "1.0"}, {"value": "0.01"}]
        assert data(c.get("/instruments/equities/SPX"))["is-index"] is True
        listed = data(c.get("/instruments/equities", params=[("symbol[]", "AAPL"), ("symbol[]", "MSFT")]))[
            "items"
        ]
        assert [e["symbol"] for e in listed] == ["AAPL", "MSFT"]
        assert error(c.get("/instruments/equities/NOPE"), 404)


def test_nested_chain_has_weeklies_and_monthlies_out_to_a_year_on_real_increments(exchange) -> None:
    with client(exchange) as c:
        items = data(c.get("/option-chains/SPY/nested"))["items"]
        today = date.fromisoformat(data(c.get("/accounts/5WT00001/balances"))["snapshot-date"])
    assert len(items) == 1
    chain = items[0]
    for key in (
        "underlying-symbol",
        "root-symbol",
        "option-chain-type",
        "shares-per-contract",
        "tick-sizes",
        "expirations",
    ):
        assert key in chain
    exps = chain["expirations"]
    types = {e["expiration-type"] for e in exps}
    assert {"Weekly", "Regular"} <= types
    last = date.fromisoformat(exps[-1]["expiration-date"])
    assert 300 <= (last - today).days <= 370, "monthlies out to a year"
    assert all(isinstance(e["days-to-expiration"], int) for e in exps)
    near = exps[0]["strikes"]
    strikes = [Decimal(s["strike-price"]) for s in near]
    assert strikes == sorted(strikes) and len(strikes) > 20
    steps = {b - a for a, b in itertools.pairwise(strikes)}
    assert Decimal(1) in steps, "SPY has $1 strikes near the money"
    s = near[len(near) // 2]
    assert parse_occ(s["call"]).option_type == "C" and len(s["call"]) == 21
    assert s["call-streamer-symbol"] == occ_to_streamer(s["call"])
    assert s["put-streamer-symbol"] == occ_to_streamer(s["put"])


def test_spx_chain_has_two_roots(exchange) -> None:
    with client(exchange) as c:
        roots = {i["root-symbol"]: i for i in data(c.get("/option-chains/SPX/nested"))["items"]}
    assert set(roots) == {"SPX", "SPXW"}
    assert {e["settlement-type"] for e in roots["SPX"]["expirations"]} == {"AM"}
    assert {e["settlement-type"] for e in roots["SPXW"]["expirations"]} == {"PM"}


def test_detailed_and_compact_chains_and_single_option(exchange) -> None:
    with client(exchange) as c:
        compact = data(c.get("/option-chains/AAPL/compact"))["items"][0]
        assert len(compact["symbols"]) == len(compact["streamer-symbols"]) > 100
        detailed = data(c.get("/option-chains/AAPL"))["items"]
        assert len(detailed) == len(compact["symbols"])
        opt = detailed[0]
        one = data(c.get(f"/instruments/equity-options/{quote(opt['symbol'], safe='')}"))
        assert one == opt
        for key in (
            "symbol",
            "instrument-type",
            "strike-price",
            "root-symbol",
            "underlying-symbol",
            "expiration-date",
            "exercise-style",
            "shares-per-contract",
            "option-type",
            "expiration-type",
            "settlement-type",
            "stops-trading-at",
            "days-to-expiration",
            "expires-at",
            "streamer-symbol",
        ):
            assert key in one, key
        assert one["instrument-type"] == "Equity Option" and is_decimal_string(one["strike-price"])


def test_futures_by_every_spelling_and_products(exchange) -> None:
    with client(exchange) as c:
        listed = data(
            c.get("/instruments/futures", params=[("product-code[]", "ES"), ("product-code[]", "CL")])
        )
        symbols = [f["symbol"] for f in listed["items"]]
        assert {s[:3] for s in symbols} == {"/ES", "/CL"} and len(symbols) == 3 + 6
        front = listed["items"][0]
        assert front["active-month"] is True and front["streamer-symbol"].endswith(":XCME")
        bare = front["symbol"][1:]
        for spelling in (bare, quote(front["symbol"], safe=""), front["symbol"]):
            assert data(c.get(f"/instruments/futures/{spelling}"))["symbol"] == front["symbol"]
        for key in (
            "symbol",
            "product-code",
            "tick-size",
            "notional-multiplier",
            "display-factor",
            "last-trade-date",
            "expiration-date",
            "active",
            "active-month",
            "next-active-month",
            "is-closing-only",
            "stops-trading-at",
            "expires-at",
            "product-group",
            "exchange",
            "streamer-exchange-code",
            "back-month-first-calendar-symbol",
            "future-product",
        ):
            assert key in front, key
        all_futures = {f["symbol"][:3] for f in data(c.get("/instruments/futures"))["items"]}
        assert {"/ES", "/NQ", "/CL", "/GC"} <= all_futures
        products = data(c.get("/instruments/future-option-products"))["items"]
        assert {p["root-symbol"] for p in products} >= {"ES", "EW1", "EW4"}
        assert data(c.get("/instruments/future-products/CME/ES"))["code"] == "ES"


def test_futures_option_chain_nested_has_no_items_wrapper(exchange) -> None:
    with client(exchange) as c:
        d = data(c.get("/futures-option-chains/ES/nested"))
        assert set(d) == {"futures", "option-chains"}
        exp = d["option-chains"][0]["expirations"][0]
        for key in (
            "underlying-symbol",
            "root-symbol",
            "option-root-symbol",
            "option-contract-symbol",
            "expiration-date",
            "days-to-expiration",
            "expiration-type",
            "settlement-type",
            "strikes",
        ):
            assert key in exp, key
        strike = exp["strikes"][len(exp["strikes"]) // 2]
        assert strike["call"].startswith("./ES") and strike["call-streamer-symbol"].endswith(":XCME")
        fo = data(c.get(f"/instruments/future-options/{quote(strike['call'], safe='')}"))
        assert (
            fo["streamer-symbol"] == strike["call-streamer-symbol"]
            and fo["underlying-symbol"] == exp["underlying-symbol"]
        )


def test_crypto_and_search(exchange) -> None:
    with client(exchange) as c:
        pairs = {p["symbol"]: p for p in data(c.get("/instruments/cryptocurrencies"))["items"]}
        assert {"BTC/USD", "ETH/USD"} <= set(pairs)
        btc = data(c.get("/instruments/cryptocurrencies/BTC%2FUSD"))
        assert btc["streamer-symbol"] == "BTC/USD:CXTALP" and isinstance(btc["id"], int)
        found = data(c.get("/symbols/search/AAP"))["items"]
        assert found[0]["symbol"] == "AAPL" and found[0]["description"]
        assert data(c.get("/symbols/search/%2FE"))["items"][0]["symbol"] == "/ES"
