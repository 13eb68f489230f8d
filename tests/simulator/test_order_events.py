"""Every order status change reaches the account streamer, in order, in the REST shapes."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

from tests.simulator.rest_client import order_body, token

ACCOUNT = "5WT00001"
Pushes = list[dict[str, Any]]


async def _collect(ws: ClientConnection, pushes: Pushes, until: Any, within: float = 10.0) -> None:
    """Append pushes (messages with a ``type``) until ``until(pushes)`` holds."""
    async with asyncio.timeout(within):
        while not until(pushes):
            message = json.loads(await ws.recv())
            if "type" in message:
                pushes.append(message)


def _statuses(pushes: Pushes, oid: int) -> list[str]:
    return [p["data"]["status"] for p in pushes if p["type"] == "Order" and p["data"]["id"] == oid]


def _balance_after(pushes: Pushes, status: str) -> bool:
    done = [i for i, p in enumerate(pushes) if p["type"] == "Order" and p["data"]["status"] == status]
    return bool(done) and any(p["type"] == "AccountBalance" for p in pushes[done[0] :])


async def _order_events(exchange: Any, body: dict[str, Any], cancel: bool = False) -> tuple[int, Pushes]:
    tok = await asyncio.to_thread(token, exchange.base_url)
    headers = {"Authorization": f"Bearer {tok}", "User-Agent": "tests/1.0"}
    pushes: Pushes = []
    async with connect(exchange.streamer_url, proxy=None, compression=None) as ws:
        hello = {"action": "connect", "value": [ACCOUNT], "auth-token": f"Bearer {tok}", "request-id": 1}
        await ws.send(json.dumps(hello))
        assert json.loads(await ws.recv())["status"] == "ok"
        async with httpx.AsyncClient(base_url=exchange.base_url, headers=headers) as http:
            placed = await http.post(f"/accounts/{ACCOUNT}/orders", json=body)
            oid = placed.json()["data"]["order"]["id"]
            if cancel:
                await _collect(ws, pushes, lambda p: "Live" in _statuses(p, oid))
                await http.delete(f"/accounts/{ACCOUNT}/orders/{oid}")
                done = "Cancelled"
            else:
                done = "Filled"
            await _collect(ws, pushes, lambda p: done in _statuses(p, oid) and _balance_after(p, done))
    return oid, pushes


async def test_a_fill_publishes_every_status_then_position_and_balance(exchange) -> None:
    exchange.admin("market/freeze", {"frozen": True})
    oid, pushes = await _order_events(exchange, order_body("AAPL", "Buy to Open", 3))
    assert _statuses(pushes, oid) == ["Routed", "In Flight", "Live", "Filled"]
    filled = next(p for p in pushes if p["type"] == "Order" and p["data"]["status"] == "Filled")
    assert filled["data"]["legs"][0]["fills"] and isinstance(filled["timestamp"], int)
    after = pushes[pushes.index(filled) :]
    position = next(p["data"] for p in after if p["type"] == "CurrentPosition")
    assert position["symbol"] == "AAPL" and position["quantity-direction"] == "Long"
    balance = next(p["data"] for p in after if p["type"] == "AccountBalance")
    assert balance["account-number"] == ACCOUNT and "net-liquidating-value" in balance


async def test_a_cancel_publishes_cancel_requested_then_cancelled(exchange) -> None:
    body = order_body("AAPL", "Buy to Open", 1, "Limit", "10.00", tif="GTC")
    oid, pushes = await _order_events(exchange, body, cancel=True)
    assert _statuses(pushes, oid) == ["Routed", "In Flight", "Live", "Cancel Requested", "Cancelled"]
    assert _balance_after(pushes, "Cancelled"), "the released buying power is published"
