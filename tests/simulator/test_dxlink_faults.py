"""DXLink fault knobs through the exchange's admin API, seen by a plain ``websockets`` client.

Every message received is validated against the spec (``DXLinkTestClient``).
"""

from __future__ import annotations

import asyncio
import time

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.simulator.test_dxlink_server import QUOTE_FIELDS, admin, data_events, dxlink, feed, quote_token


async def _quotes(client, symbols=("SPY", "AAPL")) -> None:
    await client.send({"type": "FEED_SETUP", "channel": 1, "acceptEventFields": {"Quote": QUOTE_FIELDS}})
    await client.send(
        {"type": "FEED_SUBSCRIPTION", "channel": 1, "add": [{"type": "Quote", "symbol": s} for s in symbols]}
    )
    await client.expect_type("FEED_DATA", 1)


async def test_upgrade_answered_with_502_while_the_knob_is_set(exchange) -> None:
    await admin(exchange, "faults", {"dxlink_upgrade_status": 502})
    with pytest.raises(InvalidStatus) as refused:
        async with dxlink(exchange):
            pass
    assert refused.value.response.status_code == 502
    await admin(exchange, "faults/reset", {})
    async with feed(exchange) as client:  # back to normal
        await _quotes(client)


async def test_drop_closes_every_socket_abruptly(exchange) -> None:
    async with feed(exchange) as first, feed(exchange) as second:
        await _quotes(first)
        answer = await admin(exchange, "actions/drop-dxlink", {})
        assert answer["dropped"] >= 2
        for client in (first, second):
            with pytest.raises(ConnectionClosed) as closed:
                async with asyncio.timeout(10):
                    while True:
                        await client.recv()
            assert closed.value.rcvd is None, "no close frame: the connection just died"


async def test_stall_stops_sending_and_reading_without_closing(exchange) -> None:
    async with feed(exchange) as client:
        await _quotes(client)
        await admin(exchange, "actions/stall-dxlink", {"seconds": 2})
        stalled_at = time.monotonic()
        await client.quiet_for(0.2, ignore=())  # what was already on the wire
        await client.send(
            {"type": "CHANNEL_REQUEST", "channel": 3, "service": "FEED", "parameters": {"contract": "AUTO"}}
        )
        assert await client.quiet_for(1.3, ignore=()) == [], "nothing sent, nothing answered"
        opened = await client.expect_type("CHANNEL_OPENED", 3, within=5)  # read once the stall ends
        assert opened["channel"] == 3 and time.monotonic() - stalled_at >= 1.9
        await client.expect_type("FEED_DATA", 1, within=5)  # and data flows again on the same socket


async def test_expired_quote_token_is_pushed_and_a_fresh_token_reauthorises(exchange) -> None:
    async with feed(exchange) as client:
        await _quotes(client)
        await admin(exchange, "actions/expire-quote-token", {})
        state = await client.expect_type("AUTH_STATE", 0)
        assert state == {"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"}
        await asyncio.sleep(0.3)
        assert data_events(client, await client.quiet_for(1.0)) == [], "no data while unauthorized"
        old = next(m for m in client.sent if m["type"] == "AUTH")["token"]
        await client.send({"type": "AUTH", "channel": 0, "token": old})
        assert (await client.expect_type("AUTH_STATE", 0))["state"] == "UNAUTHORIZED"
        await client.send({"type": "AUTH", "channel": 0, "token": await quote_token(exchange)})
        assert (await client.expect_type("AUTH_STATE", 0))["state"] == "AUTHORIZED"
        await client.expect_type("FEED_DATA", 1, within=10)  # the same channel resumes


async def test_refused_quote_tokens_make_every_auth_fail(exchange) -> None:
    token = await quote_token(exchange)
    await admin(exchange, "faults", {"quote_token_refused": True})
    async with dxlink(exchange) as client:
        await client.send({"type": "SETUP", "channel": 0, "version": "x"})
        await client.send({"type": "AUTH", "channel": 0, "token": token})
        states = [(await client.expect_type("AUTH_STATE"))["state"] for _ in range(2)]
        assert states == ["UNAUTHORIZED", "UNAUTHORIZED"]
    await admin(exchange, "faults/reset", {})
    async with feed(exchange) as client:
        await _quotes(client)


async def test_switch_to_full_format_mid_session(exchange) -> None:
    async with feed(exchange) as client:
        await _quotes(client)
        answer = await admin(exchange, "actions/dxlink-full-format", {})
        assert answer["channels_switched"] == 1
        config = await client.expect(lambda m: m["type"] == "FEED_CONFIG" and m["dataFormat"] == "FULL")
        assert config["eventFields"] == {"Quote": QUOTE_FIELDS}
        data = await client.expect_type("FEED_DATA", 1)
        assert isinstance(data["data"][0], dict) and data["data"][0]["eventType"] == "Quote"
