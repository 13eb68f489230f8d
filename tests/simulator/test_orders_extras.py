"""Replacement dry-run, complex-order listing and cancel, versioned pagination of live orders
and instrument collections."""

from __future__ import annotations

from tests.simulator.rest_client import client, data, dec, error, order_body, wait_until
from tests.simulator.test_orders_matching import ACCOUNT, set_price, wait_status


def test_replacement_dry_run_excludes_the_old_orders_reservation(exchange) -> None:
    set_price(exchange, "MSFT", "400.00")
    with client(exchange) as c:
        oid = data(
            c.post(
                f"{ACCOUNT}/orders", json=order_body("MSFT", "Buy to Open", 20, "Limit", "300.00", tif="GTC")
            ),
            201,
        )["order"]["id"]
        wait_status(c, oid, "Live")
        fresh = data(
            c.post(
                f"{ACCOUNT}/orders/dry-run",
                json=order_body("MSFT", "Buy to Open", 20, "Limit", "310.00", tif="GTC"),
            )
        )
        replace = data(c.post(f"{ACCOUNT}/orders/{oid}/dry-run", json={"price": "310.00"}))
        assert "id" not in replace["order"] and replace["order"]["price"] == "310.0"
        assert dec(replace["buying-power-effect"]["current-buying-power"]) > dec(
            fresh["buying-power-effect"]["current-buying-power"]
        ), "the order being replaced holds BP no more"
        assert data(c.get(f"{ACCOUNT}/orders/{oid}"))["status"] == "Live", "a dry-run changes nothing"
        assert error(c.post(f"{ACCOUNT}/orders/{oid}/reconfirm"), 422)["code"] == "cannot_reconfirm_order"


def test_complex_orders_list_live_and_cancel(exchange) -> None:
    set_price(exchange, "AAPL", "200.00")
    oco = {
        "type": "OCO",
        "orders": [
            order_body("AAPL", "Sell to Close", 5, "Limit", "260.00", tif="GTC"),
            order_body("AAPL", "Sell to Close", 5, "Stop", tif="GTC", **{"stop-trigger": "150.00"}),
        ],
    }
    with client(exchange) as c:
        dry = data(c.post(f"{ACCOUNT}/complex-orders/dry-run", json=oco))
        assert "id" not in dry["complex-order"] and dry["fee-calculation"]["total-fees"]
        placed = data(c.post(f"{ACCOUNT}/complex-orders", json=oco), 201)["complex-order"]
        cid = placed["id"]
        assert cid in {co["id"] for co in data(c.get(f"{ACCOUNT}/complex-orders"))["items"]}
        assert cid in {co["id"] for co in data(c.get(f"{ACCOUNT}/complex-orders/live"))["items"]}
        for o in placed["orders"]:
            wait_status(c, o["id"], "Live")
        cancelled = data(c.delete(f"{ACCOUNT}/complex-orders/{cid}"))
        assert {o["status"] for o in cancelled["orders"]} == {"Cancel Requested"}
        done = wait_until(
            lambda: (
                (co := data(c.get(f"{ACCOUNT}/complex-orders/{cid}")))
                and {o["status"] for o in co["orders"]} == {"Cancelled"}
                and co
            )
        )
        assert done["terminal-at"]
        assert error(c.delete(f"{ACCOUNT}/complex-orders/{cid}"), 422)["code"] == "cannot_update_order"
        bad = {"type": "OCO", "orders": [order_body("TSLA", "Sell to Close", 1, "Limit", "999.00")] * 2}
        err = error(c.post(f"{ACCOUNT}/complex-orders/dry-run", json=bad), 422)
        assert "invalid_complex_order" in {e["code"] for e in err["errors"]}, (
            "OCO orders must close positions"
        )


def test_versioned_pagination(exchange) -> None:
    with client(exchange, version="20250813") as c:
        r = c.get(f"{ACCOUNT}/orders/live")
        assert data(r)["items"] and r.json()["pagination"]["page-offset"] == 0
        r = c.get("/instruments/futures", params={"per-page": 3})
        assert len(data(r)["items"]) == 3 and r.json()["pagination"]["total-pages"] >= 2
    with client(exchange, version="20240501") as c:
        r = c.get(f"{ACCOUNT}/orders/live")
        assert "pagination" not in r.json() and data(r)["items"]
        assert "pagination" not in c.get("/instruments/futures").json()
