"""Dry-run and submit: the buying-power/fee shapes, preflight errors and warnings, read-only
accounts, and closed markets with ``sessions="real"``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from desktop.simulator.runner import ExchangeConfig, ExchangeThread
from tests.simulator.rest_client import client, data, error, is_decimal_string, order_body, wait_until

ACCOUNT = "/accounts/5WT00001"
BP_KEYS = (
    "change-in-margin-requirement",
    "change-in-buying-power",
    "current-buying-power",
    "new-buying-power",
    "isolated-order-margin-requirement",
)
FEE_KEYS = ("regulatory-fees", "clearing-fees", "commission", "proprietary-index-option-fees", "total-fees")


def preflight(r) -> tuple[dict, list[str]]:  # type: ignore[no-untyped-def]
    err = error(r, 422)
    assert (
        err["code"] == "preflight_check_failure" and err["message"] == "One or more preflight checks failed"
    )
    return r.json(), [e["code"] for e in err["errors"]]


def test_dry_run_shape(exchange) -> None:
    with client(exchange) as c:
        d = data(
            c.post(f"{ACCOUNT}/orders/dry-run", json=order_body("AAPL", "Buy to Open", 10, "Limit", "150.00"))
        )
    order = d["order"]
    assert "id" not in order and order["updated-at"] == 0 and order["status"] == "Received"
    assert order["price"] == "150.0" and order["price-effect"] == "Debit" and order["size"] == 10
    assert d["warnings"] == []
    bp = d["buying-power-effect"]
    for key in BP_KEYS:
        assert is_decimal_string(bp[key]) and bp[f"{key}-effect"] in ("Debit", "Credit", "None"), key
    assert isinstance(bp["is-spread"], bool) and is_decimal_string(bp["impact"]) and bp["effect"] == "Debit"
    fees = d["fee-calculation"]
    for key in FEE_KEYS:
        assert is_decimal_string(fees[key]) and fees[f"{key}-effect"] in ("Debit", "None"), key


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (order_body("AAPL", "Buy to Open", 10, "Limit", "150.00", effect="Credit"), "cant_buy_for_credit"),
        (order_body("AAPL", "Buy to Open", 10, "Limit", "150.005"), "invalid_price_increment"),
        (order_body("AAPL", "Buy to Open", 60_000, "Limit", "150.00"), "order_quantity_exceeds_limit"),
        (order_body("AAPL", "Buy to Open", 9_000, "Limit", "150.00"), "margin_check_failed"),
        (order_body("AAPL", "Buy to Open", 1, tif="GTC"), "gtc_market_orders_not_supported"),
        (order_body("ZZZZ", "Buy to Open", 1), "invalid_symbol"),
        (
            order_body(
                "AAPL",
                "Sell to Close",
                10,
                "Limit",
                "300.00",
                **{"advanced-instructions": {"strict-position-effect-validation": True}},
            ),
            None,
        ),
    ],
)
def test_preflight_errors_in_dry_run_and_submit(exchange, body: dict, code: str | None) -> None:
    with client(exchange) as c:
        if code is None:  # strict closing of a position that exists passes
            assert (
                data(c.post(f"{ACCOUNT}/orders/dry-run", json=body))["order"]["legs"][0]["action"]
                == "Sell to Close"
            )
            return
        payload, codes = preflight(c.post(f"{ACCOUNT}/orders/dry-run", json=body))
        assert code in codes
        if code != "invalid_symbol":
            assert "buying-power-effect" in payload["data"], "a failing dry-run still reports its BP effect"
        todays = {o["id"] for o in data(c.get(f"{ACCOUNT}/orders/live"))["items"]}
        _, codes = preflight(c.post(f"{ACCOUNT}/orders", json=body))
        assert code in codes
        assert {o["id"] for o in data(c.get(f"{ACCOUNT}/orders/live"))["items"]} == todays, (
            "a refused order is not placed"
        )


def test_margin_check_failed_message(exchange) -> None:
    with client(exchange) as c:
        r = c.post(
            f"{ACCOUNT}/orders/dry-run", json=order_body("AAPL", "Buy to Open", 9_000, "Limit", "150.00")
        )
    err = r.json()["error"]["errors"][0]
    assert err == {
        "code": "margin_check_failed",
        "message": "Account does not have sufficient buying power available for this order.",
    }
    assert r.json()["data"]["buying-power-effect"]["new-buying-power-effect"] == "Debit"


def test_closing_without_a_position_flips_to_open_unless_strict(exchange) -> None:
    with client(exchange) as c:
        flipped = data(
            c.post(
                f"{ACCOUNT}/orders/dry-run", json=order_body("TSLA", "Sell to Close", 1, "Limit", "500.00")
            )
        )
        assert flipped["order"]["legs"][0]["action"] == "Sell to Open"
        strict = order_body(
            "TSLA",
            "Sell to Close",
            1,
            "Limit",
            "500.00",
            **{"advanced-instructions": {"strict-position-effect-validation": True}},
        )
        _, codes = preflight(c.post(f"{ACCOUNT}/orders/dry-run", json=strict))
        assert codes == ["invalid_position_effect"]


def test_bad_request_bodies_are_400_validation_errors(exchange) -> None:
    with client(exchange) as c:
        for body, domain in (
            ({"order-type": "Limit", "legs": []}, "time-in-force"),
            (order_body("AAPL", "Buy to Open", 1, "Limit"), "price"),
            (order_body("AAPL", "Buy to Open", 0), "legs[0].quantity"),
            ({**order_body("AAPL", "Buy to Open", 1), "price": "1.00", "price-effect": "Debit"}, "price"),
        ):
            err = error(c.post(f"{ACCOUNT}/orders/dry-run", json=body), 400)
            assert err["code"] == "validation_error" and err["errors"][0]["domain"] == domain


def test_read_only_account_cannot_trade(exchange) -> None:
    with client(exchange) as c:
        for method, path in (
            ("POST", "/orders/dry-run"),
            ("POST", "/orders"),
            ("DELETE", "/orders/1"),
            ("POST", "/complex-orders"),
        ):
            r = c.request(method, f"/accounts/5WT00003{path}", json=order_body("NVDA", "Sell to Close", 1))
            assert error(r, 403) == {"code": "not_permitted", "message": "User not permitted access"}
        assert data(c.get("/accounts/5WT00003/positions"))["items"], "reading is allowed"


def test_cash_account_refuses_naked_calls_and_short_stock(exchange) -> None:
    with client(exchange) as c:
        chain = data(c.get("/option-chains/QQQ/nested"))["items"][0]["expirations"][5]["strikes"]
        call = chain[len(chain) // 2 + 5]["call"]
        naked = {
            "time-in-force": "Day",
            "order-type": "Limit",
            "price": "1.00",
            "price-effect": "Credit",
            "legs": [
                {"instrument-type": "Equity Option", "symbol": call, "quantity": 1, "action": "Sell to Open"}
            ],
        }
        _, codes = preflight(c.post("/accounts/5WT00002/orders/dry-run", json=naked))
        assert codes == ["option_strategy_not_permitted"]
        _, codes = preflight(
            c.post(
                "/accounts/5WT00002/orders/dry-run",
                json=order_body("AAPL", "Sell to Open", 1, "Limit", "300.00"),
            )
        )
        assert "short_selling_not_permitted" in codes


def _saturday_after(today: date) -> datetime:
    d = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
    return datetime(d.year, d.month, d.day, 16, 0, tzinfo=UTC)


def test_closed_market_with_real_sessions(tmp_path: Path) -> None:
    ex = ExchangeThread(ExchangeConfig(state_path=tmp_path / "real.sqlite3", sessions="real"))
    ex.start()
    try:
        ex.admin("clock", {"now": _saturday_after(datetime.now(UTC).date()).isoformat()})
        with client(ex) as c:
            day_limit = order_body("AAPL", "Buy to Open", 1, "Limit", "100.00")
            d = data(c.post(f"{ACCOUNT}/orders/dry-run", json=day_limit))
            assert d["warnings"] == [
                {
                    "code": "tif_next_valid_sesssion",
                    "message": "Your order will begin working during next valid session.",
                }
            ]
            placed = data(c.post(f"{ACCOUNT}/orders", json=day_limit), 201)["order"]
            assert placed["status"] == "Received"
            _, codes = preflight(
                c.post(f"{ACCOUNT}/orders/dry-run", json=order_body("AAPL", "Buy to Open", 1))
            )
            assert codes == ["market_closed"]
            crypto = order_body(
                "BTC/USD", "Buy to Open", 1, "Limit", "1000.00", tif="GTC", kind="Cryptocurrency"
            )
            assert data(c.post(f"{ACCOUNT}/orders/dry-run", json=crypto))["warnings"] == []
            sessions = data(c.get("/market-time/sessions/current"))["items"][0]
            assert sessions["state"] == "Closed"
            assert data(c.get(f"{ACCOUNT}/orders/{placed['id']}"))["status"] == "Received"
            monday = _saturday_after(datetime.now(UTC).date()) + timedelta(days=2, hours=-1)  # 10:00 New York
            ex.admin("clock", {"now": monday.isoformat()})
            assert error(c.get("/customers/me"), 401), "two days later the access token has expired"
        with client(ex) as c:
            opened = wait_until(
                lambda: (o := data(c.get(f"{ACCOUNT}/orders/{placed['id']}")))["status"] == "Live" and o
            )
            assert opened["in-flight-at"] and opened["live-at"]
    finally:
        ex.stop()
