"""Customer, accounts, balances, snapshots, positions, trading status, transactions: the shapes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tests.simulator.rest_client import (
    ISO_MS,
    client,
    data,
    dec,
    error,
    is_decimal_string,
    order_body,
    wait_until,
)

BALANCE_REQUIRED = [
    "account-number",
    "cash-balance",
    "long-equity-value",
    "short-equity-value",
    "long-derivative-value",
    "short-derivative-value",
    "long-futures-value",
    "short-futures-value",
    "long-futures-derivative-value",
    "short-futures-derivative-value",
    "long-margineable-value",
    "short-margineable-value",
    "margin-equity",
    "equity-buying-power",
    "derivative-buying-power",
    "day-trading-buying-power",
    "futures-margin-requirement",
    "available-trading-funds",
    "maintenance-requirement",
    "maintenance-call-value",
    "reg-t-call-value",
    "day-trading-call-value",
    "day-equity-call-value",
    "net-liquidating-value",
    "cash-available-to-withdraw",
    "day-trade-excess",
    "pending-cash",
    "long-cryptocurrency-value",
    "short-cryptocurrency-value",
    "cryptocurrency-margin-requirement",
    "unsettled-cryptocurrency-fiat-amount",
    "closed-loop-available-balance",
    "equity-offering-margin-requirement",
    "long-bond-value",
    "bond-margin-requirement",
    "used-derivative-buying-power",
    "snapshot-date",
    "reg-t-margin-requirement",
    "futures-overnight-margin-requirement",
    "futures-intraday-margin-requirement",
    "maintenance-excess",
    "pending-margin-interest",
    "effective-cryptocurrency-buying-power",
    "updated-at",
]
POSITION_REQUIRED = [
    "account-number",
    "symbol",
    "instrument-type",
    "underlying-symbol",
    "quantity",
    "quantity-direction",
    "close-price",
    "average-open-price",
    "multiplier",
    "cost-effect",
    "is-suppressed",
    "is-frozen",
    "realized-day-gain",
    "realized-today",
    "created-at",
    "updated-at",
]


def test_customer_and_its_three_accounts(exchange) -> None:
    with client(exchange) as c:
        me = data(c.get("/customers/me"))
        for key in (
            "id",
            "first-name",
            "last-name",
            "address",
            "mailing-address",
            "is-foreign",
            "email",
            "permitted-account-types",
            "created-at",
            "has-delayed-quotes",
            "is-professional",
        ):
            assert key in me, key
        rows = data(c.get("/customers/me/accounts"))["items"]
        by_number = {r["account"]["account-number"]: r for r in rows}
        assert set(by_number) == {"5WT00001", "5WT00002", "5WT00003"}
        assert by_number["5WT00001"]["authority-level"] == "owner"
        assert by_number["5WT00001"]["account"]["margin-or-cash"] == "Margin"
        assert by_number["5WT00002"]["account"]["account-type-name"] == "Roth IRA"
        assert by_number["5WT00002"]["account"]["margin-or-cash"] == "Cash"
        assert by_number["5WT00003"]["authority-level"] == "read-only"
        assert by_number["5WT00003"]["account"]["nickname"] == "Shared (read-only)"
        single = data(c.get("/customers/me/accounts/5WT00002"))
        assert single["account-number"] == "5WT00002" and "authority-level" not in single
        assert error(c.get("/accounts/5ZZ99999/balances"), 403)["code"] == "not_permitted"


def test_balance_has_every_required_field_as_decimal_strings(exchange) -> None:
    with client(exchange) as c:
        b = data(c.get("/accounts/5WT00001/balances"))
    for key in BALANCE_REQUIRED:
        assert key in b, key
    for key, value in b.items():
        if key in ("account-number", "currency", "snapshot-date", "updated-at") or key.endswith("effect"):
            continue
        assert is_decimal_string(value), (key, value)
    nlv = dec(b["net-liquidating-value"])
    assert Decimal(80000) < nlv < Decimal(130000), "the demo account is worth about $100k"
    assert dec(b["derivative-buying-power"]) < nlv
    assert dec(b["equity-buying-power"]) == 2 * dec(b["derivative-buying-power"])
    assert ISO_MS.match(b["updated-at"])


def test_cash_account_buying_power_is_cash(exchange) -> None:
    with client(exchange) as c:
        b = data(c.get("/accounts/5WT00002/balances"))
    assert dec(b["equity-buying-power"]) == dec(b["derivative-buying-power"])
    assert dec(b["derivative-buying-power"]) <= dec(b["cash-balance"])


def test_positions_shapes_and_filters(exchange) -> None:
    with client(exchange) as c:
        rows = data(c.get("/accounts/5WT00001/positions"))["items"]
        kinds = {r["instrument-type"] for r in rows}
        assert {"Equity", "Equity Option", "Future"} <= kinds, "stock, an option spread and a future"
        for r in rows:
            for key in POSITION_REQUIRED:
                assert key in r, key
            assert isinstance(r["quantity"], int) and r["quantity"] > 0
            assert r["quantity-direction"] in ("Long", "Short")
            assert is_decimal_string(r["average-open-price"]) and is_decimal_string(r["close-price"])
            assert ISO_MS.match(r["created-at"])
        spread = [r for r in rows if r["instrument-type"] == "Equity Option"]
        assert {r["quantity-direction"] for r in spread} == {"Long", "Short"}
        for r in rows:  # as the recorded responses have it (tastytrade-rest.md 2.5)
            assert r["cost-effect"] == {"Long": "Credit", "Short": "Debit"}[r["quantity-direction"]], r
        assert all(len(r["symbol"]) == 21 for r in spread), "OCC symbols keep their padding"
        aapl = data(c.get("/accounts/5WT00001/positions", params={"underlying-symbol[]": "AAPL"}))["items"]
        assert [r["symbol"] for r in aapl] == ["AAPL"]
        futures = data(c.get("/accounts/5WT00001/positions", params={"instrument-type": "Future"}))["items"]
        assert [r["underlying-symbol"] for r in futures] == ["/ES"]
        marked = data(c.get("/accounts/5WT00001/positions", params={"include-marks": "true"}))["items"]
        assert all(is_decimal_string(r["mark-price"]) for r in marked)


def test_trading_status_and_position_limit(exchange) -> None:
    with client(exchange) as c:
        status = data(c.get("/accounts/5WT00002/trading-status"))
        assert status["equities-margin-calculation-type"] == "Cash" and isinstance(status["id"], int)
        assert status["is-closed"] is False
        limits = data(c.get("/accounts/5WT00001/position-limit"))
        assert limits["equity-order-size"] == 50000


def test_transactions_filter_and_paginate(exchange) -> None:
    with client(exchange) as c:
        page = c.get("/accounts/5WT00001/transactions", params={"per-page": 2, "page-offset": 0})
        first = data(page)
        pagination = page.json()["pagination"]
        assert len(first["items"]) == 2 and pagination["per-page"] == 2 and pagination["total-items"] >= 5
        assert pagination["total-pages"] == -(-pagination["total-items"] // 2)
        trades = data(c.get("/accounts/5WT00001/transactions", params={"type": "Trade"}))["items"]
        assert trades and all(t["transaction-type"] == "Trade" for t in trades)
        t = trades[0]
        for key in (
            "id",
            "account-number",
            "transaction-type",
            "transaction-sub-type",
            "description",
            "executed-at",
            "transaction-date",
            "value",
            "net-value",
            "is-estimated-fee",
        ):
            assert key in t, key
        assert isinstance(t["quantity"], str) and is_decimal_string(t["quantity"]), (
            "transaction quantity is a string"
        )
        assert t["value-effect"] in ("Debit", "Credit", "None")
        deposits = data(c.get("/accounts/5WT00001/transactions", params={"sub-type[]": "Deposit"}))["items"]
        assert [d["transaction-sub-type"] for d in deposits] == ["Deposit"]
        asc = data(c.get("/accounts/5WT00001/transactions", params={"sort": "Asc"}))["items"]
        assert asc[0]["transaction-sub-type"] == "Deposit", "oldest first"
        one = data(c.get(f"/accounts/5WT00001/transactions/{t['id']}"))
        assert one["id"] == t["id"]
        fees = data(
            c.get("/accounts/5WT00001/transactions/total-fees", params={"date": t["transaction-date"]})
        )
        assert is_decimal_string(fees["total-fees"]) and fees["total-fees-effect"] in ("Debit", "None")


def test_balance_snapshots_include_the_current_balance(exchange) -> None:
    with client(exchange) as c:
        r = c.get("/accounts/5WT00001/balance-snapshots")
        rows = data(r)["items"]
        assert rows and rows[-1]["account-number"] == "5WT00001"
        assert "pagination" in r.json()
        err = error(
            c.get("/accounts/5WT00001/balance-snapshots", params={"snapshot-date": "2026-01-02"}), 400
        )
        assert err["code"] == "validation_error"


def test_total_fees_default_to_the_new_york_trading_day(exchange) -> None:
    """In the evening, New York's date is not UTC's: today's fees are the day's trades' fees."""
    now = datetime.now(UTC)
    evening = now.replace(hour=3, minute=30, second=0, microsecond=0)  # 22:30 or 23:30 in New York
    exchange.admin("clock", {"now": (evening if evening > now else evening + timedelta(days=1)).isoformat()})
    with client(exchange) as c:
        oid = data(c.post("/accounts/5WT00001/orders", json=order_body("AAPL", "Buy to Open", 1)), 201)
        oid = oid["order"]["id"]
        wait_until(lambda: data(c.get(f"/accounts/5WT00001/orders/{oid}"))["status"] == "Filled")
        trade = data(c.get("/accounts/5WT00001/transactions", params={"symbol": "AAPL", "per-page": 1}))
        trade = trade["items"][0]
        assert trade["order-id"] == oid
        fees = data(c.get("/accounts/5WT00001/transactions/total-fees"))
        paid = sum(dec(trade[k]) for k in ("commission", "clearing-fees", "regulatory-fees"))
        assert paid > 0 and fees["total-fees-effect"] == "Debit" and dec(fees["total-fees"]) == paid, fees
