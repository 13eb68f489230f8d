"""Matching over loopback: market fills at the quote, resting limits, stops, cancel/replace, OCO,
OTOCO, and what fills do to positions, cash and transactions. The market is frozen and moved
through the admin API so every fill is deterministic."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.simulator.rest_client import client, data, dec, error, order_body, wait_until

ACCOUNT = "/accounts/5WT00001"


def set_price(exchange: Any, symbol: str, price: str) -> dict[str, Any]:
    exchange.admin("market/freeze", {"frozen": True})
    return exchange.admin("market/price", {"symbol": symbol, "price": price})


def order(c: httpx.Client, oid: int) -> dict[str, Any]:
    return data(c.get(f"{ACCOUNT}/orders/{oid}"))


def wait_status(c: httpx.Client, oid: int, status: str, timeout: float = 10.0) -> dict[str, Any]:
    return wait_until(
        lambda: (o := order(c, oid))["status"] == status and o, timeout, f"order {oid} {status}"
    )


def position_qty(c: httpx.Client, symbol: str) -> int:
    rows = data(c.get(f"{ACCOUNT}/positions", params={"symbol": symbol}))["items"]
    if not rows:
        return 0
    sign = 1 if rows[0]["quantity-direction"] == "Long" else -1
    return sign * rows[0]["quantity"]


def test_market_order_fills_at_the_ask_and_books_position_cash_and_fees(exchange) -> None:
    quote = set_price(exchange, "AAPL", "200.00")
    ask = Decimal(str(quote["ask"]))
    with client(exchange) as c:
        cash0 = dec(data(c.get(f"{ACCOUNT}/balances"))["cash-balance"])
        qty0 = position_qty(c, "AAPL")
        placed = data(c.post(f"{ACCOUNT}/orders", json=order_body("AAPL", "Buy to Open", 10)), 201)["order"]
        assert placed["status"] == "Routed" and isinstance(placed["id"], int) and placed["updated-at"] > 0
        filled = wait_status(c, placed["id"], "Filled")
        fill = filled["legs"][0]["fills"][0]
        assert dec(fill["fill-price"]) == ask and fill["quantity"] == 10
        assert filled["legs"][0]["remaining-quantity"] == 0 and filled["terminal-at"]
        assert position_qty(c, "AAPL") == qty0 + 10
        trade = data(c.get(f"{ACCOUNT}/transactions", params={"symbol": "AAPL", "per-page": 1}))["items"][0]
        assert trade["order-id"] == placed["id"] and trade["transaction-sub-type"] == "Buy to Open"
        assert dec(trade["value"]) == ask * 10 and trade["value-effect"] == "Debit"
        fees = dec(trade["clearing-fees"]) + dec(trade["regulatory-fees"]) + dec(trade["commission"])
        assert dec(trade["net-value"]) == ask * 10 + fees
        cash1 = dec(data(c.get(f"{ACCOUNT}/balances"))["cash-balance"])
        assert cash0 - cash1 == dec(trade["net-value"]).quantize(Decimal("0.001"))


def test_resting_limit_fills_at_its_limit_when_the_market_crosses(exchange) -> None:
    set_price(exchange, "MSFT", "400.00")
    with client(exchange) as c:
        body = order_body("MSFT", "Buy to Open", 5, "Limit", "390.00", tif="GTC")
        oid = data(c.post(f"{ACCOUNT}/orders", json=body), 201)["order"]["id"]
        live = wait_status(c, oid, "Live")
        assert live["cancellable"] and live["editable"] and live["live-at"]
        live_ids = [o["id"] for o in data(c.get(f"{ACCOUNT}/orders/live"))["items"]]
        assert oid in live_ids
        set_price(exchange, "MSFT", "385.00")
        filled = wait_status(c, oid, "Filled")
        assert dec(filled["legs"][0]["fills"][0]["fill-price"]) == Decimal("390.00")


def test_sell_stop_triggers_when_the_bid_falls_through(exchange) -> None:
    set_price(exchange, "AAPL", "200.00")
    with client(exchange) as c:
        body = order_body("AAPL", "Sell to Close", 5, "Stop", tif="GTC", **{"stop-trigger": "190.00"})
        oid = data(c.post(f"{ACCOUNT}/orders", json=body), 201)["order"]["id"]
        assert wait_status(c, oid, "Live")["stop-trigger"] == "190.0"
        set_price(exchange, "AAPL", "195.00")
        assert order(c, oid)["status"] == "Live"
        quote = set_price(exchange, "AAPL", "188.00")
        filled = wait_status(c, oid, "Filled")
        assert dec(filled["legs"][0]["fills"][0]["fill-price"]) == Decimal(str(quote["bid"]))


def test_cancel_and_replace_lifecycle(exchange) -> None:
    set_price(exchange, "AAPL", "200.00")
    with client(exchange) as c:
        body = order_body("AAPL", "Buy to Open", 1, "Limit", "150.00", tif="GTC")
        oid = data(c.post(f"{ACCOUNT}/orders", json=body), 201)["order"]["id"]
        wait_status(c, oid, "Live")
        new = data(
            c.put(
                f"{ACCOUNT}/orders/{oid}",
                json={
                    "time-in-force": "GTC",
                    "order-type": "Limit",
                    "price": "151.00",
                    "price-effect": "Debit",
                },
            )
        )
        assert new["id"] != oid and new["replaces-order-id"] == oid and new["price"] == "151.0"
        old = wait_status(c, oid, "Cancelled")
        assert old["edited"] is True and old["replacing-order-id"] == new["id"]
        edited = data(c.patch(f"{ACCOUNT}/orders/{new['id']}", json={"price": "152.00"}))
        assert edited["price"] == "152.0" and edited["legs"][0]["symbol"] == "AAPL"
        wait_status(c, edited["id"], "Live")
        cancel = data(c.delete(f"{ACCOUNT}/orders/{edited['id']}"))
        assert cancel["status"] == "Cancel Requested" and cancel["cancellable"] is False
        done = wait_status(c, edited["id"], "Cancelled")
        assert done["cancelled-at"] and done["terminal-at"]
        err = error(c.delete(f"{ACCOUNT}/orders/{edited['id']}"), 422)
        assert err == {"code": "cannot_update_order", "message": "the order could not be cancelled"}


def test_oco_fill_cancels_the_other_leg(exchange) -> None:
    set_price(exchange, "AAPL", "200.00")
    oco = {
        "type": "OCO",
        "orders": [
            order_body("AAPL", "Sell to Close", 10, "Limit", "210.00", tif="GTC"),
            order_body("AAPL", "Sell to Close", 10, "Stop", tif="GTC", **{"stop-trigger": "180.00"}),
        ],
    }
    with client(exchange) as c:
        placed = data(c.post(f"{ACCOUNT}/complex-orders", json=oco), 201)["complex-order"]
        assert placed["type"] == "OCO" and len(placed["orders"]) == 2
        assert all(o["complex-order-tag"] == "OCO::order" for o in placed["orders"])
        take, stop = (o["id"] for o in placed["orders"])
        wait_status(c, take, "Live")
        wait_status(c, stop, "Live")
        set_price(exchange, "AAPL", "212.00")
        assert dec(wait_status(c, take, "Filled")["legs"][0]["fills"][0]["fill-price"]) == Decimal("210.00")
        wait_status(c, stop, "Cancelled")
        co = data(c.get(f"{ACCOUNT}/complex-orders/{placed['id']}"))
        assert [o["status"] for o in co["orders"]] == ["Filled", "Cancelled"]


def test_otoco_trigger_releases_the_bracket(exchange) -> None:
    set_price(exchange, "NVDA", "150.00")
    body = {
        "type": "OTOCO",
        "trigger-order": order_body("NVDA", "Buy to Open", 10, "Limit", "149.00", tif="GTC"),
        "orders": [
            order_body("NVDA", "Sell to Close", 10, "Limit", "160.00", tif="GTC"),
            order_body("NVDA", "Sell to Close", 10, "Stop", tif="GTC", **{"stop-trigger": "140.00"}),
        ],
    }
    with client(exchange) as c:
        dry = data(c.post(f"{ACCOUNT}/complex-orders/dry-run", json=body))
        assert "id" not in dry["complex-order"] and dry["buying-power-effect"]["effect"] == "Debit"
        placed = data(c.post(f"{ACCOUNT}/complex-orders", json=body), 201)["complex-order"]
        trigger = placed["trigger-order"]
        assert trigger["complex-order-tag"] == "OTOCO::trigger-order"
        assert [o["status"] for o in placed["orders"]] == ["Contingent", "Contingent"]
        assert {o["contingent-status"] for o in placed["orders"]} == {"Pending Order"}
        wait_status(c, trigger["id"], "Live")
        set_price(exchange, "NVDA", "148.00")
        wait_status(c, trigger["id"], "Filled")
        target, stop = (o["id"] for o in placed["orders"])
        wait_status(c, target, "Live")
        wait_status(c, stop, "Live")
        set_price(exchange, "NVDA", "139.00")
        wait_status(c, stop, "Filled")
        wait_status(c, target, "Cancelled")


def test_vertical_spread_dry_run_buying_power_is_width_minus_credit(exchange) -> None:
    set_price(exchange, "SPY", "600.00")
    with client(exchange) as c:
        chain = data(c.get("/option-chains/SPY/nested"))["items"][0]
        exp = next(e for e in chain["expirations"] if e["days-to-expiration"] >= 20)
        strikes = {Decimal(s["strike-price"]): s for s in exp["strikes"]}
        short, long_ = strikes[Decimal(580)], strikes[Decimal(575)]
        body = {
            "time-in-force": "Day",
            "order-type": "Limit",
            "price": "1.00",
            "price-effect": "Credit",
            "legs": [
                {
                    "instrument-type": "Equity Option",
                    "symbol": short["put"],
                    "quantity": 1,
                    "action": "Sell to Open",
                },
                {
                    "instrument-type": "Equity Option",
                    "symbol": long_["put"],
                    "quantity": 1,
                    "action": "Buy to Open",
                },
            ],
        }
        dry = data(c.post(f"{ACCOUNT}/orders/dry-run", json=body))
    bp, fees = dry["buying-power-effect"], dry["fee-calculation"]
    assert bp["is-spread"] is True and bp["effect"] == "Debit"
    assert fees["commission"] == "2.0" and fees["clearing-fees"] == "0.2"
    total_fees = dec(fees["total-fees"])
    # max loss = 5 points x 100 - the $100 credit; marks may differ from the order price by a few cents
    assert abs(dec(bp["change-in-buying-power"]) - (Decimal(400) + total_fees)) < Decimal(30)
    assert dry["order"]["legs"][0]["remaining-quantity"] == 1 and "id" not in dry["order"]


def test_future_order_uses_the_product_margin_and_futures_fees(exchange) -> None:
    with client(exchange) as c:
        front = data(c.get("/instruments/futures", params={"product-code[]": "CL"}))["items"][0]["symbol"]
        dry = data(
            c.post(f"{ACCOUNT}/orders/dry-run", json=order_body(front, "Buy to Open", 2, kind="Future"))
        )
    assert dec(dry["buying-power-effect"]["change-in-margin-requirement"]) == Decimal(12400)
    fees = dry["fee-calculation"]
    assert (
        fees["commission"] == "2.5" and fees["clearing-fees"] == "0.6" and fees["regulatory-fees"] == "3.04"
    )
    assert (
        dry["order"]["underlying-symbol"] == "/CL" and dry["order"]["underlying-instrument-type"] == "Future"
    )


def test_crypto_notional_order_fills(exchange) -> None:
    with client(exchange) as c:
        body = {
            "time-in-force": "IOC",
            "order-type": "Notional Market",
            "value": "500",
            "value-effect": "Debit",
            "legs": [{"instrument-type": "Cryptocurrency", "symbol": "BTC/USD", "action": "Buy to Open"}],
        }
        placed = data(c.post(f"{ACCOUNT}/orders", json=body), 201)["order"]
        filled = wait_status(c, placed["id"], "Filled")
        assert 0 < filled["legs"][0]["fills"][0]["quantity"] < 1
        positions = data(c.get(f"{ACCOUNT}/positions", params={"symbol": "BTC/USD"}))["items"]
        assert positions and positions[0]["instrument-type"] == "Cryptocurrency"


def test_limit_at_the_mid_fills_after_resting_and_below_the_mid_keeps_working(exchange) -> None:
    set_price(exchange, "SPX", "6000.00")
    with client(exchange) as c:
        roots = {i["root-symbol"]: i for i in data(c.get("/option-chains/SPX/nested"))["items"]}
        exp = next(e for e in roots["SPXW"]["expirations"] if e["days-to-expiration"] >= 14)
        strike = min(exp["strikes"], key=lambda s: abs(Decimal(s["strike-price"]) - 6000))
        symbol = strike["call"]
        q = data(c.get("/market-data/by-type", params={"equity-option": symbol}))["items"][0]
        bid, ask = dec(q["bid"]), dec(q["ask"])
        assert ask - bid >= Decimal("0.3"), (bid, ask)
        at_mid = ((bid + ask) / 2).quantize(Decimal("0.1"), rounding="ROUND_CEILING")
        low = bid + Decimal("0.1")
        assert bid < low < (bid + ask) / 2 <= at_mid < ask

        def buy(price: Decimal) -> int:
            body = order_body(symbol, "Buy to Open", 1, "Limit", str(price), kind="Equity Option")
            return data(c.post(f"{ACCOUNT}/orders", json=body), 201)["order"]["id"]

        patient, cheap = buy(at_mid), buy(low)
        assert wait_status(c, patient, "Live")["status"] == "Live"
        filled = wait_status(c, patient, "Filled", timeout=15)
        assert dec(filled["legs"][0]["fills"][0]["fill-price"]) == at_mid
        assert order(c, cheap)["status"] == "Live", "a bid below the mid is not filled by waiting"


def test_order_search_filters_sorts_and_paginates(exchange) -> None:
    set_price(exchange, "AAPL", "200.00")
    with client(exchange) as c:
        ids = [
            data(
                c.post(
                    f"{ACCOUNT}/orders",
                    json=order_body("AAPL", "Buy to Open", 1, "Limit", f"{p}.00", tif="GTC"),
                ),
                201,
            )["order"]["id"]
            for p in (101, 102, 103)
        ]
        for oid in ids:
            wait_status(c, oid, "Live")
        data(c.delete(f"{ACCOUNT}/orders/{ids[0]}"))
        wait_status(c, ids[0], "Cancelled")
        r = c.get(f"{ACCOUNT}/orders", params={"underlying-symbol": "AAPL", "per-page": 2, "page-offset": 0})
        page = data(r)["items"]
        assert len(page) == 2 and r.json()["pagination"]["per-page"] == 2
        assert page[0]["id"] > page[1]["id"], "newest first by default"
        live = data(
            c.get(
                f"{ACCOUNT}/orders",
                params=[("status[]", "Live"), ("underlying-symbol", "AAPL"), ("per-page", 50)],
            )
        )["items"]
        assert {ids[1], ids[2]} <= {o["id"] for o in live} and ids[0] not in {o["id"] for o in live}
        oldest = data(c.get(f"{ACCOUNT}/orders", params={"sort": "Asc", "per-page": 1}))["items"][0]
        assert oldest["status"] == "Filled", "the seeded history comes first"
        everyone = data(
            c.get("/customers/me/orders", params=[("account-numbers[]", "5WT00001"), ("per-page", 100)])
        )["items"]
        assert set(ids) <= {o["id"] for o in everyone}
        assert error(c.get("/customers/me/orders"), 400)["errors"] == [
            {"domain": "account-numbers", "reason": "is missing"}
        ]


def test_closed_positions_show_only_when_asked_for(exchange) -> None:
    quote = set_price(exchange, "AAPL", "200.00")
    with client(exchange) as c:
        held = position_qty(c, "AAPL")
        oid = data(c.post(f"{ACCOUNT}/orders", json=order_body("AAPL", "Sell to Close", held)), 201)["order"][
            "id"
        ]
        wait_status(c, oid, "Filled")
        assert data(c.get(f"{ACCOUNT}/positions", params={"symbol": "AAPL"}))["items"] == []
        closed = data(
            c.get(f"{ACCOUNT}/positions", params={"symbol": "AAPL", "include-closed-positions": "true"})
        )
        row = closed["items"][0]
        assert row["quantity"] == 0 and row["quantity-direction"] == "Zero"
        assert row["realized-today-effect"] in ("Credit", "Debit")
        assert dec(row["realized-today"]) == abs(
            (Decimal(str(quote["bid"])) - dec(row["average-open-price"])) * held
        )
