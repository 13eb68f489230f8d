"""Time passing: the day roll (EOD snapshots, Day orders expire) and option expiration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.simulator.rest_client import client, data, order_body, wait_until

ACCOUNT = "/accounts/5WT00001"


def _advance(exchange, to: datetime) -> None:  # type: ignore[no-untyped-def]
    exchange.admin("clock", {"now": to.isoformat()})


def test_day_roll_writes_snapshots_and_expires_day_orders(exchange) -> None:
    with client(exchange) as c:
        today = data(c.get(f"{ACCOUNT}/balances"))["snapshot-date"]
        day_order = data(
            c.post(f"{ACCOUNT}/orders", json=order_body("AAPL", "Buy to Open", 1, "Limit", "50.00")), 201
        )["order"]["id"]
        gtc_order = data(
            c.post(
                f"{ACCOUNT}/orders", json=order_body("AAPL", "Buy to Open", 1, "Limit", "50.00", tif="GTC")
            ),
            201,
        )["order"]["id"]
        wait_until(lambda: data(c.get(f"{ACCOUNT}/orders/{day_order}"))["status"] == "Live")
    tomorrow = datetime.fromisoformat(today).replace(tzinfo=UTC) + timedelta(days=1, hours=15)
    _advance(exchange, tomorrow)
    with client(exchange) as c:
        wait_until(
            lambda: data(c.get(f"{ACCOUNT}/orders/{day_order}"))["status"] == "Expired",
            15,
            "day order expiry",
        )
        assert data(c.get(f"{ACCOUNT}/orders/{gtc_order}"))["status"] == "Live"

        def eod() -> list[dict]:
            return [
                s
                for s in data(c.get(f"{ACCOUNT}/balance-snapshots"))["items"]
                if s.get("time-of-day") == "EOD"
            ]

        snap = wait_until(eod, 15, "end-of-day snapshot")[0]
        assert snap["snapshot-date"] == today and snap["account-number"] == "5WT00001"
        one = data(
            c.get(f"{ACCOUNT}/balance-snapshots", params={"snapshot-date": today, "time-of-day": "EOD"})
        )
        assert [s["snapshot-date"] for s in one["items"]] == [today]


def test_expired_options_and_futures_leave_the_account(exchange) -> None:
    with client(exchange) as c:
        positions = [p for p in data(c.get(f"{ACCOUNT}/positions"))["items"] if p.get("expires-at")]
        assert {p["instrument-type"] for p in positions} == {"Equity Option", "Future"}, (
            "the seeded spread and /ES"
        )
        cash_before = data(c.get(f"{ACCOUNT}/balances"))["cash-balance"]
        expires = max(datetime.fromisoformat(p["expires-at"]) for p in positions)
    _advance(exchange, expires + timedelta(hours=1))
    with client(exchange) as c:
        left = lambda: [p for p in data(c.get(f"{ACCOUNT}/positions"))["items"] if p.get("expires-at")]  # noqa: E731
        wait_until(lambda: not left(), 15, "expired positions removed")
        moves = data(c.get(f"{ACCOUNT}/transactions", params={"type": "Receive Deliver"}))["items"]
        assert {m["symbol"] for m in moves} == {p["symbol"] for p in positions}
        kinds = {m["transaction-sub-type"] for m in moves}
        assert "Futures Settlement" in kinds and kinds <= {
            "Expiration",
            "Exercise",
            "Assignment",
            "Futures Settlement",
        }
        assert data(c.get(f"{ACCOUNT}/balances"))["cash-balance"] != cash_before, "the future settled in cash"
