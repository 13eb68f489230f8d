"""The account streamer over loopback with a plain ``websockets`` client (tastytrade-rest.md 7)."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.simulator.test_dxlink_server import access_token, admin, quick_exchange  # noqa: F401 - fixture

ACCOUNT = "5WT00001"
ACK_KEYS = {"status", "action", "web-socket-session-id"}


@asynccontextmanager
async def streamer(exchange, **kwargs: Any) -> AsyncIterator[ClientConnection]:
    async with connect(exchange.streamer_url, proxy=None, compression=None, **kwargs) as ws:
        yield ws


async def send(ws: ClientConnection, action: str, token: str | None, request_id: int | None = None, **extra):
    message: dict[str, Any] = {"action": action, **extra}
    if token is not None:
        message["auth-token"] = f"Bearer {token}"
    if request_id is not None:
        message["request-id"] = request_id
    await ws.send(json.dumps(message))


async def recv(ws: ClientConnection, within: float = 10.0) -> dict[str, Any]:
    async with asyncio.timeout(within):
        return json.loads(await ws.recv())


def check_ack(ack: dict[str, Any], action: str, status: str, request_id: int | None) -> None:
    assert "type" not in ack and set(ack) >= ACK_KEYS, ack
    assert (ack["action"], ack["status"]) == (action, status), ack
    assert isinstance(ack["web-socket-session-id"], str) and ack["web-socket-session-id"]
    assert ack.get("request-id") == request_id
    if status == "error":
        assert isinstance(ack["message"], str)


async def connected(ws: ClientConnection, token: str, action: str = "connect") -> dict[str, Any]:
    await send(ws, action, token, 1, value=[ACCOUNT], source="tests")
    ack = await recv(ws)
    check_ack(ack, action, "ok", 1)
    assert ack["value"] == [ACCOUNT]
    return ack


async def place_market_order(exchange, token: str, symbol: str = "AAPL", quantity: int = 1) -> dict:
    order = {
        "time-in-force": "Day",
        "order-type": "Market",
        "legs": [
            {"instrument-type": "Equity", "symbol": symbol, "quantity": quantity, "action": "Buy to Open"}
        ],
    }
    async with httpx.AsyncClient(base_url=exchange.base_url, timeout=10) as http:
        answer = await http.post(
            f"/accounts/{ACCOUNT}/orders", json=order, headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status_code in (200, 201), answer.text
        return answer.json()["data"]["order"]


# ------------------------------------------------------------------------------------- actions


async def test_connect_heartbeat_and_the_acks_shape(exchange) -> None:
    token = await access_token(exchange)
    async with streamer(exchange) as ws:
        await send(ws, "quote-alerts-subscribe", token, 7)
        check_ack(await recv(ws), "quote-alerts-subscribe", "error", 7)
        ack = await connected(ws, token)
        await send(ws, "heartbeat", token, 2)
        heartbeat = await recv(ws)
        check_ack(heartbeat, "heartbeat", "ok", 2)
        assert heartbeat["web-socket-session-id"] == ack["web-socket-session-id"]
        await send(ws, "public-watchlists-subscribe", token, 3)
        check_ack(await recv(ws), "public-watchlists-subscribe", "ok", 3)


async def test_subscription_before_connect_is_connect_not_completed(exchange) -> None:
    token = await access_token(exchange)
    async with streamer(exchange) as ws:
        await send(ws, "quote-alerts-subscribe", token, 4)
        ack = await recv(ws)
        check_ack(ack, "quote-alerts-subscribe", "error", 4)
        assert ack["message"] == "connect-not-completed"


async def test_a_bad_token_fails_connect_and_the_old_action_name_works(exchange) -> None:
    token = await access_token(exchange)
    async with streamer(exchange) as ws:
        await send(ws, "connect", "not-a-token", 1, value=[ACCOUNT])
        ack = await recv(ws)
        check_ack(ack, "connect", "error", 1)
        assert ack["message"] == "failed"
        await send(ws, "connect", token, 2, value=["5WT99999"])  # not one of this customer's accounts
        ack = await recv(ws)
        check_ack(ack, "connect", "error", 2)
        assert ack["message"] == "failed"
        await connected(ws, token, action="account-subscribe")


async def test_a_single_account_may_be_a_bare_string(exchange) -> None:
    token = await access_token(exchange)
    async with streamer(exchange) as ws:
        await send(ws, "connect", token, 9, value=ACCOUNT)
        ack = await recv(ws)
        check_ack(ack, "connect", "ok", 9)
        assert ack["value"] == [ACCOUNT]


# ------------------------------------------------------------------------------------- pushes


async def test_a_filled_order_pushes_order_position_and_balance(exchange) -> None:
    token = await access_token(exchange)
    async with streamer(exchange) as ws:
        await connected(ws, token)
        started_ms = int(time.time() * 1000) - 1000
        placed = await place_market_order(exchange, token)
        pushes: list[dict[str, Any]] = []
        async with asyncio.timeout(20):
            while not (
                {"Order", "CurrentPosition", "AccountBalance"} <= {p["type"] for p in pushes}
                and any(p["type"] == "Order" and p["data"]["status"] == "Filled" for p in pushes)
            ):
                pushes.append(await recv(ws))
        for push in pushes:
            assert set(push) == {"type", "data", "timestamp"}, push
            assert isinstance(push["timestamp"], int) and push["timestamp"] >= started_ms
            assert push["data"]["account-number"] == ACCOUNT
        orders = [p["data"] for p in pushes if p["type"] == "Order"]
        assert all(o["id"] == placed["id"] for o in orders)
        statuses = [o["status"] for o in orders]
        assert statuses[-1] == "Filled" and len(statuses) >= 2, statuses
        fills = orders[-1]["legs"][0]["fills"]
        assert fills and fills[0]["quantity"] in (1, "1", "1.0")
        position = next(p["data"] for p in pushes if p["type"] == "CurrentPosition")
        assert position["symbol"] == "AAPL"
        balance = next(p["data"] for p in pushes if p["type"] == "AccountBalance")
        assert "cash-balance" in balance


async def test_events_of_other_accounts_are_not_pushed(exchange) -> None:
    token = await access_token(exchange)
    async with streamer(exchange) as ws:
        await send(ws, "connect", token, 1, value=["5WT00002"])
        check_ack(await recv(ws), "connect", "ok", 1)
        await place_market_order(exchange, token)
        with pytest.raises(TimeoutError):
            await recv(ws, within=1.5)


# ------------------------------------------------------------------------------------- liveness and faults


async def test_silent_sockets_are_dropped_but_heartbeats_or_pings_keep_them(quick_exchange) -> None:  # noqa: F811
    token = await access_token(quick_exchange)
    async with (
        streamer(quick_exchange, ping_interval=None) as silent,
        streamer(quick_exchange, ping_interval=0.5) as pinging,
        streamer(quick_exchange, ping_interval=None) as beating,
    ):
        for ws in (silent, pinging, beating):
            await connected(ws, token)
        started = time.monotonic()
        for _ in range(8):  # 4 s, twice the 2 s timeout
            await send(beating, "heartbeat", token, None)
            check_ack(await recv(beating), "heartbeat", "ok", None)
            await asyncio.sleep(0.5)
        with pytest.raises(ConnectionClosed):
            await recv(silent, within=1)
        assert time.monotonic() - started > 2
        await send(pinging, "heartbeat", token, 5)
        check_ack(await recv(pinging), "heartbeat", "ok", 5)


async def test_upgrade_502_drop_and_stall(exchange) -> None:
    token = await access_token(exchange)
    await admin(exchange, "faults", {"streamer_upgrade_status": 502})
    with pytest.raises(InvalidStatus) as refused:
        async with streamer(exchange):
            pass
    assert refused.value.response.status_code == 502
    await admin(exchange, "faults/reset", {})

    async with streamer(exchange) as ws:
        await connected(ws, token)
        await admin(exchange, "actions/stall-account-streamer", {"seconds": 2})
        stalled_at = time.monotonic()
        await send(ws, "heartbeat", token, 11)
        ack = await recv(ws, within=6)
        check_ack(ack, "heartbeat", "ok", 11)
        assert time.monotonic() - stalled_at >= 1.8, "the ack waited for the stall to end"
        assert (await admin(exchange, "actions/drop-account-streamer", {}))["dropped"] == 1
        with pytest.raises(ConnectionClosed) as closed:
            await recv(ws, within=10)
        assert closed.value.rcvd is None
