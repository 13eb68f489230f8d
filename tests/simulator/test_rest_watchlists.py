"""User watchlists (create, read, rename, delete) and public watchlists."""

from __future__ import annotations

from urllib.parse import quote

from tests.simulator.rest_client import client, data, error


def test_watchlist_crud_with_odd_names(exchange) -> None:
    name = "Earnings / next week"
    body = {
        "name": name,
        "group-name": "test",
        "order-index": 3,
        "watchlist-entries": [{"symbol": "AAPL", "instrument-type": "Equity"}, {"symbol": "/ES"}],
    }
    with client(exchange) as c:
        seeded = [w["name"] for w in data(c.get("/watchlists"))["items"]]
        assert "My Watchlist" in seeded
        created = data(c.post("/watchlists", json=body), 201)
        assert created["name"] == name and created["order-index"] == 3
        assert error(c.post("/watchlists", json=body), 422)
        path = f"/watchlists/{quote(name, safe='')}"
        assert [e["symbol"] for e in data(c.get(path))["watchlist-entries"]] == ["AAPL", "/ES"]
        renamed = data(
            c.put(path, json={**body, "name": "Renamed", "watchlist-entries": [{"symbol": "TSLA"}]})
        )
        assert renamed["name"] == "Renamed"
        assert error(c.get(path), 404)
        gone = c.delete("/watchlists/Renamed")
        assert gone.status_code == 200 and gone.json()["watchlist_entries"] == [{"symbol": "TSLA"}]
        assert "Renamed" not in [w["name"] for w in data(c.get("/watchlists"))["items"]]
        assert error(c.post("/watchlists", json={"watchlist-entries": []}), 400)["code"] == "validation_error"


def test_public_watchlists(exchange) -> None:
    with client(exchange) as c:
        counts = data(c.get("/public-watchlists", params={"counts-only": "true"}))["items"]
        assert all(isinstance(w["watchlist-entry-count"], int) for w in counts)
        full = data(c.get("/public-watchlists"))["items"]
        assert full[0]["watchlist-entries"][0]["instrument_type"]
        one = data(c.get("/public-watchlists/High%20Options%20Volume"))
        assert one["group-name"] == "Liquidity"
