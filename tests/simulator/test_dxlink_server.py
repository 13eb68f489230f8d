"""DXLink over loopback with a plain ``websockets`` client against the live embedded exchange.

Every message the exchange sends is validated against ``dxlink-asyncapi.yml`` by
``DXLinkTestClient`` (see ``dxlink_schema.py``), including the contents of FEED_DATA.
Fault knobs have their own module, ``test_dxlink_faults.py``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from desktop.core.candles import REMOVE_EVENT, SNAPSHOT_BEGIN, SNAPSHOT_END, SNAPSHOT_SNIP, event_index
from desktop.simulator.dxlink.fields import DEFAULT_QUOTE_FIELDS
from tests.simulator.dxlink_schema import DXLinkTestClient

QUOTE_FIELDS = ["eventType", "eventSymbol", "bidPrice", "askPrice", "bidSize", "askSize"]
SETUP = {
    "type": "SETUP",
    "channel": 0,
    "version": "0.1-DXF-JS/0.3.0",
    "keepaliveTimeout": 60,
    "acceptKeepaliveTimeout": 60,
}


async def access_token(exchange) -> str:
    async with httpx.AsyncClient(base_url=exchange.base_url, timeout=10) as http:
        grant = {"grant_type": "refresh_token", "refresh_token": "demo", "client_secret": "demo"}
        answer = await http.post("/oauth/token", json=grant)
        answer.raise_for_status()
        return answer.json()["access_token"]


async def quote_token(exchange) -> str:
    access = await access_token(exchange)
    async with httpx.AsyncClient(base_url=exchange.base_url, timeout=10) as http:
        answer = await http.get("/api-quote-tokens", headers={"Authorization": f"Bearer {access}"})
        answer.raise_for_status()
        data = answer.json()["data"]
        assert data["dxlink-url"] == exchange.dxlink_url
        return data["token"]


@asynccontextmanager
async def dxlink(exchange, **kwargs) -> AsyncIterator[DXLinkTestClient]:
    """A raw connection (no handshake)."""
    async with connect(exchange.dxlink_url, proxy=None, compression=None, **kwargs) as ws:
        yield DXLinkTestClient(ws)


@asynccontextmanager
async def feed(exchange, channel: int = 1, **kwargs) -> AsyncIterator[DXLinkTestClient]:
    """A connection that has done SETUP, AUTH and opened FEED ``channel``."""
    token = await quote_token(exchange)
    async with dxlink(exchange, **kwargs) as client:
        await client.handshake(token, channel)
        yield client


@pytest.fixture
def quick_exchange(tmp_path):
    """An exchange with 2-second DXLink keepalive and account-streamer heartbeat timeouts."""
    from desktop.simulator.runner import ExchangeConfig, ExchangeThread

    config = ExchangeConfig(
        port=0,
        state_path=tmp_path / "quick.sqlite3",
        dxlink_keepalive_timeout_s=2.0,
        streamer_heartbeat_timeout_s=2.0,
    )
    ex = ExchangeThread(config)
    ex.start()
    try:
        yield ex
    finally:
        ex.stop()


async def admin(exchange, path: str, body: dict | None = None) -> dict:
    return await asyncio.to_thread(exchange.admin, path, body)


def data_events(client: DXLinkTestClient, messages: list[dict]) -> list[dict]:
    return [e for m in messages if m["type"] == "FEED_DATA" for e in client.events(m)]


async def first_events(client: DXLinkTestClient, channel: int, items: list[dict]) -> list[dict]:
    await client.send({"type": "FEED_SUBSCRIPTION", "channel": channel, "add": items})
    data = await client.expect(
        lambda m: m["type"] == "FEED_DATA" and m["channel"] == channel, what="FEED_DATA"
    )
    return client.events(data)


# ------------------------------------------------------------------------------------- handshake


async def test_handshake_setup_then_auth_after_the_servers_setup(exchange) -> None:
    token = await quote_token(exchange)
    async with dxlink(exchange) as client:
        await client.send(SETUP)
        setup = await client.recv()
        assert (
            setup["type"] == "SETUP"
            and setup["keepaliveTimeout"] == 60
            and setup["acceptKeepaliveTimeout"] == 60
        )
        assert (await client.recv()) == {"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"}
        await client.send({"type": "AUTH", "channel": 0, "token": token})
        state = await client.recv()
        assert state["state"] == "AUTHORIZED" and state["userId"]
        await client.open_channel(3)
        events = await first_events(client, 3, [{"type": "Quote", "symbol": "AAPL"}])
        assert events[0]["eventSymbol"] == "AAPL"


async def test_handshake_setup_and_auth_back_to_back(exchange) -> None:
    token = await quote_token(exchange)
    async with dxlink(exchange) as client:
        await client.send({"type": "SETUP", "channel": 0, "version": "0.1-js/1.0.0"})
        await client.send({"type": "AUTH", "channel": 0, "token": token})
        got = [await client.recv() for _ in range(3)]
        assert [(m["type"], m.get("state")) for m in got] == [
            ("SETUP", None),
            ("AUTH_STATE", "UNAUTHORIZED"),
            ("AUTH_STATE", "AUTHORIZED"),
        ]


async def test_handshake_auth_before_setup(exchange) -> None:
    token = await quote_token(exchange)
    async with dxlink(exchange) as client:
        await client.send({"type": "AUTH", "channel": 0, "token": token})
        await client.send({"type": "SETUP", "channel": 0, "version": "0.1-golang"})
        got = [await client.recv() for _ in range(2)]
        assert [(m["type"], m.get("state")) for m in got] == [("SETUP", None), ("AUTH_STATE", "AUTHORIZED")]
        await client.open_channel(1)
        events = await first_events(client, 1, [{"type": "Quote", "symbol": "SPY"}])  # no FEED_SETUP sent
        config = next(m for m in client.received if m["type"] == "FEED_CONFIG")
        assert config["eventFields"]["Quote"] == list(DEFAULT_QUOTE_FIELDS), (
            "the server's default Quote fields"
        )
        assert events[0]["eventType"] == "Quote" and events[0]["eventSymbol"] == "SPY"


async def test_bad_token_channel_before_auth_and_invalid_json_get_errors(exchange) -> None:
    async with dxlink(exchange) as client:
        await client.send({"type": "SETUP", "channel": 0, "version": "x"})
        await client.expect_type("AUTH_STATE")
        await client.send(
            {"type": "CHANNEL_REQUEST", "channel": 1, "service": "FEED", "parameters": {"contract": "AUTO"}}
        )
        err = await client.expect_type("ERROR")
        assert (err["channel"], err["error"]) == (1, "UNAUTHORIZED")
        await client.send({"type": "AUTH", "channel": 0, "token": "not-a-token"})
        assert (await client.expect_type("AUTH_STATE"))["state"] == "UNAUTHORIZED"
        await client.send("this is not json")
        err = await client.expect_type("ERROR")
        assert (err["error"], err["message"]) == ("INVALID_MESSAGE", "The message is not valid JSON.")


async def test_channels_open_close_and_refuse_duplicates(exchange) -> None:
    async with feed(exchange, channel=5) as client:
        opened = next(m for m in client.received if m["type"] == "CHANNEL_OPENED")
        assert opened["parameters"] == {"contract": "AUTO", "subFormat": "LIST"}
        await client.send(
            {"type": "CHANNEL_REQUEST", "channel": 5, "service": "FEED", "parameters": {"contract": "AUTO"}}
        )
        err = await client.expect_type("ERROR", 5)
        assert (err["error"], err["message"]) == ("BAD_ACTION", "Channel with id 5 already exists")
        await client.send({"type": "CHANNEL_CANCEL", "channel": 5})
        await client.expect_type("CHANNEL_CLOSED", 5)
        await client.open_channel(5)  # the id can be reused once closed


# ------------------------------------------------------------------------------------- feed


async def test_field_selection_is_echoed_in_order_and_announced_lazily(exchange) -> None:
    requested = ["eventType", "EventSymbol", "BIDPRICE", "askPrice", "vwapX", "bidSize"]
    async with feed(exchange) as client:
        await client.send(
            {
                "type": "FEED_SETUP",
                "channel": 1,
                "acceptAggregationPeriod": 0.1,
                "acceptDataFormat": "COMPACT",
                "acceptEventFields": {"Quote": requested},
            }
        )
        config = await client.expect_type("FEED_CONFIG", 1)
        assert config == {
            "type": "FEED_CONFIG",
            "channel": 1,
            "dataFormat": "COMPACT",
            "aggregationPeriod": 0.1,
        }
        await client.send(
            {"type": "FEED_SUBSCRIPTION", "channel": 1, "add": [{"type": "Quote", "symbol": "AAPL"}]}
        )
        lazy = await client.recv()
        assert lazy["type"] == "FEED_CONFIG" and lazy["eventFields"] == {"Quote": requested}
        data = await client.expect_type("FEED_DATA", 1)
        record = data["data"][1]
        assert len(record) == len(requested) and record[:2] == ["Quote", "AAPL"]
        bid, ask, unknown = record[2], record[3], record[4]
        assert isinstance(bid, float) and isinstance(ask, float) and 0 < bid <= ask
        assert unknown == "NaN"


async def test_feed_setups_merge_per_event_type(exchange) -> None:
    async with feed(exchange) as client:
        await client.send(
            {"type": "FEED_SETUP", "channel": 1, "acceptEventFields": {"Quote": ["eventSymbol", "bidPrice"]}}
        )
        await client.send(
            {
                "type": "FEED_SETUP",
                "channel": 1,
                "acceptEventFields": {"Trade": ["eventSymbol", "price", "dayVolume"]},
            }
        )
        await client.send(
            {
                "type": "FEED_SUBSCRIPTION",
                "channel": 1,
                "reset": True,
                "add": [{"type": "Quote", "symbol": "SPY"}, {"type": "Trade", "symbol": "SPY"}],
            }
        )
        seen: dict[str, list[str]] = {}
        while len(seen) < 2:
            config = await client.expect(lambda m: m["type"] == "FEED_CONFIG" and "eventFields" in m)
            seen.update(config["eventFields"])
        assert seen == {"Quote": ["eventSymbol", "bidPrice"], "Trade": ["eventSymbol", "price", "dayVolume"]}


async def test_compact_and_full_channels_side_by_side(exchange) -> None:
    async with feed(exchange, channel=1) as client:
        await client.open_channel(3)
        await client.send(
            {
                "type": "FEED_SETUP",
                "channel": 3,
                "acceptDataFormat": "FULL",
                "acceptEventFields": {"Quote": QUOTE_FIELDS},
            }
        )
        assert (await client.expect_type("FEED_CONFIG", 3))["dataFormat"] == "FULL"
        full = await first_events(client, 3, [{"type": "Quote", "symbol": "MSFT"}])
        assert set(full[0]) <= set(QUOTE_FIELDS) and full[0]["eventSymbol"] == "MSFT"
        data = next(m for m in reversed(client.received) if m["type"] == "FEED_DATA")
        assert isinstance(data["data"][0], dict)
        compact = await first_events(client, 1, [{"type": "Quote", "symbol": "MSFT"}])
        data = next(m for m in reversed(client.received) if m["type"] == "FEED_DATA")
        assert data["data"][0] == "Quote" and isinstance(data["data"][1], list)
        assert compact[0]["eventSymbol"] == "MSFT"


async def test_nan_travels_as_a_string_and_unknown_symbols_stay_silent(exchange) -> None:
    async with feed(exchange) as client:
        await client.send(
            {
                "type": "FEED_SETUP",
                "channel": 1,
                "acceptEventFields": {"Quote": ["eventSymbol", "bidSize", "askSize", "noSuchField"]},
            }
        )
        await client.send(
            {
                "type": "FEED_SUBSCRIPTION",
                "channel": 1,
                "add": [
                    {"type": "Quote", "symbol": "NOSUCHTHING"},
                    {"type": "Quote", "symbol": "SPX"},
                    {"type": "Candle", "symbol": "NOSUCHTHING{=5m}", "fromTime": 0},
                ],
            }
        )
        got = await client.quiet_for(1.5)
        events = data_events(client, got)
        assert events and {e["eventSymbol"] for e in events} == {"SPX"}
        assert all(e["noSuchField"] == "NaN" for e in events)
        assert not any(m["type"] == "ERROR" for m in got)
        raw = next(m for m in got if m["type"] == "FEED_DATA")["data"][1]
        assert "NaN" in raw  # the string, never a bare NaN (the client's parser rejects those)


async def test_quotes_keep_coming_at_the_aggregation_period(exchange) -> None:
    async with feed(exchange) as client:
        await client.send(
            {
                "type": "FEED_SETUP",
                "channel": 1,
                "acceptAggregationPeriod": 0.2,
                "acceptEventFields": {"Quote": QUOTE_FIELDS},
            }
        )
        symbols = ["SPY", "QQQ", "AAPL", "MSFT", "NVDA", "TSLA"]
        await client.send(
            {
                "type": "FEED_SUBSCRIPTION",
                "channel": 1,
                "add": [{"type": "Quote", "symbol": s} for s in symbols],
            }
        )
        got = await client.quiet_for(3.0)
        stamps = [time.monotonic() for m in got if m["type"] == "FEED_DATA"]
        events = data_events(client, got)
        assert {e["eventSymbol"] for e in events} == set(symbols)
        assert len(stamps) >= 4, "the market moves, so updates keep flowing"
        per_symbol = {s: sum(e["eventSymbol"] == s for e in events) for s in symbols}
        assert max(per_symbol.values()) <= 3.0 / 0.2 + 2, f"conflated to the period: {per_symbol}"


async def test_a_70_kb_frame_closes_the_socket_with_1009(exchange) -> None:
    async with feed(exchange) as client:
        fine = [{"type": "Quote", "symbol": f"X{i:06d}"} for i in range(1500)]  # about 60 KB
        assert 50_000 < len(json.dumps({"type": "FEED_SUBSCRIPTION", "channel": 1, "add": fine})) < 64_000
        await client.send({"type": "FEED_SUBSCRIPTION", "channel": 1, "add": fine})
        await client.open_channel(3)  # the connection survived a frame just under the limit
        big = [{"type": "Quote", "symbol": f"X{i:06d}"} for i in range(1750)]
        text = json.dumps({"type": "FEED_SUBSCRIPTION", "channel": 1, "add": big})
        assert 69_000 < len(text) < 71_500  # a 70 KB frame
        await client.send(text)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                await client.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


async def test_subscription_rate_limit(exchange) -> None:
    await admin(exchange, "actions/dxlink-subscription-rate", {"per_second": 10, "burst": 20})
    async with feed(exchange) as client:
        await client.send(
            {
                "type": "FEED_SUBSCRIPTION",
                "channel": 1,
                "add": [{"type": "Quote", "symbol": f"S{i}"} for i in range(30)],
            }
        )
        err = await client.expect_type("ERROR", 1)
        assert (err["error"], err["message"]) == ("BAD_ACTION", "Your subscription rate is too high")


# ------------------------------------------------------------------------------------- candles


CANDLE_FIELDS = [
    "eventType",
    "eventSymbol",
    "eventFlags",
    "index",
    "time",
    "open",
    "high",
    "low",
    "close",
    "volume",
    "vwap",
]


async def test_candle_snapshot_then_live_updates_and_the_roll(exchange) -> None:
    async with feed(exchange) as client:
        await client.send(
            {
                "type": "FEED_SETUP",
                "channel": 1,
                "acceptAggregationPeriod": 0.1,
                "acceptEventFields": {"Candle": CANDLE_FIELDS},
            }
        )
        await client.open_channel(3)
        await first_events(client, 3, [{"type": "Quote", "symbol": "SPY"}])  # the market is ticking
        await client.send({"type": "CHANNEL_CANCEL", "channel": 3})
        now_ms = int(time.time() * 1000)
        from_ms = now_ms - 60_000
        await client.send(
            {
                "type": "FEED_SUBSCRIPTION",
                "channel": 1,
                "add": [{"type": "Candle", "symbol": "SPY{=5s}", "fromTime": from_ms}],
            }
        )
        snapshot: list[dict] = []
        while not snapshot or not snapshot[-1]["eventFlags"] & (SNAPSHOT_END | SNAPSHOT_SNIP):
            snapshot += client.events(await client.expect_type("FEED_DATA", 1))
        assert snapshot[0]["eventFlags"] & SNAPSHOT_BEGIN
        assert all(e["eventFlags"] == 0 for e in snapshot[1:-1])
        times = [e["time"] for e in snapshot]
        assert times == sorted(times, reverse=True) and len(set(times)) == len(times), "newest first"
        assert all(e["index"] == event_index(e["time"]) for e in snapshot)
        assert {e["eventSymbol"] for e in snapshot} == {"SPY{=5s}"}
        real = [e for e in snapshot if not e["eventFlags"] & REMOVE_EVENT]
        assert all(e["time"] % 5000 == 0 and e["time"] <= time.time() * 1000 for e in real)
        assert all(e["time"] >= from_ms for e in snapshot)
        if snapshot[-1]["eventFlags"] & REMOVE_EVENT:
            assert snapshot[-1]["time"] == from_ms and snapshot[-1]["close"] == "NaN"
        live_time = real[0]["time"] if real else None
        updates: list[dict] = []
        async with asyncio.timeout(30):
            while live_time is None or not any(e["time"] > live_time for e in updates):
                await admin(
                    exchange, "market/price", {"symbol": "SPY", "price": f"{500 + len(updates) % 7}.25"}
                )
                got = await client.quiet_for(0.3)
                updates += [e for e in data_events(client, got) if e["eventType"] == "Candle"]
                live_time = live_time if live_time is not None or not updates else updates[0]["time"]
        assert all(e["eventFlags"] == 0 for e in updates)
        assert {e["time"] for e in updates} <= {live_time, live_time + 5000, live_time + 10000}
        rolled = next(e for e in updates if e["time"] > live_time)
        assert rolled["index"] == event_index(rolled["time"]) and rolled["time"] - live_time == 5000


async def test_candle_history_from_far_back_then_remove_without_from_time(exchange) -> None:
    async with feed(exchange) as client:
        await client.send(
            {"type": "FEED_SETUP", "channel": 1, "acceptEventFields": {"Candle": CANDLE_FIELDS}}
        )
        await client.send(
            {
                "type": "FEED_SUBSCRIPTION",
                "channel": 1,
                "add": [{"type": "Candle", "symbol": "AAPL{=1d}", "fromTime": 1_000_000_000}],
            }
        )
        snapshot: list[dict] = []
        while not snapshot or not snapshot[-1]["eventFlags"] & (SNAPSHOT_END | SNAPSHOT_SNIP):
            snapshot += client.events(await client.expect_type("FEED_DATA", 1))
        real = [e for e in snapshot if not e["eventFlags"] & REMOVE_EVENT]
        assert len(real) >= 250, "at least a year of daily candles"
        assert snapshot[-1]["eventFlags"] in (SNAPSHOT_SNIP, REMOVE_EVENT | SNAPSHOT_END)
        await client.send(
            {"type": "FEED_SUBSCRIPTION", "channel": 1, "remove": [{"type": "Candle", "symbol": "AAPL{=1d}"}]}
        )
        await client.send(
            {
                "type": "FEED_SUBSCRIPTION",
                "channel": 1,
                "add": [{"type": "Candle", "symbol": "AAPL{=d}", "fromTime": 4_000_000_000_000}],
            }
        )
        empty_snapshot = await client.expect(  # live updates of the removed one may still be in flight
            lambda m: m["type"] == "FEED_DATA" and client.events(m)[0]["time"] == 4_000_000_000_000
        )
        empty = client.events(empty_snapshot)
        assert [(e["eventFlags"], e["time"]) for e in empty] == [
            (SNAPSHOT_BEGIN | SNAPSHOT_END | REMOVE_EVENT, 4_000_000_000_000)
        ]


# ------------------------------------------------------------------------------------- keepalive


async def test_keepalive_sent_when_idle_and_timeout_closes_a_silent_client(quick_exchange) -> None:
    token = await quote_token(quick_exchange)
    async with dxlink(quick_exchange, ping_interval=0.3) as client:  # websocket pings do not count
        await client.send(dict(SETUP, acceptKeepaliveTimeout=1))
        setup = await client.expect_type("SETUP")
        assert setup["acceptKeepaliveTimeout"] == 2  # the exchange's configured timeout
        await client.send({"type": "AUTH", "channel": 0, "token": token})
        started = time.monotonic()
        await client.expect_type("KEEPALIVE", 0, within=3)
        err = await client.expect_type("ERROR", 0, within=6)
        assert err["error"] == "TIMEOUT" and "last received" in err["message"]
        assert 1.8 <= time.monotonic() - started <= 5
        with pytest.raises(ConnectionClosed):
            await client.recv(within=5)


async def test_a_client_sending_keepalives_is_not_dropped(quick_exchange) -> None:
    async with feed(quick_exchange) as client:
        for _ in range(8):  # 4 s, twice the timeout
            await client.send({"type": "KEEPALIVE", "channel": 0})
            got = await client.quiet_for(0.5)
            assert not any(m["type"] == "ERROR" for m in got)


async def option_streamer_symbol(exchange, underlying: str = "SPY") -> str:
    access = await access_token(exchange)
    async with httpx.AsyncClient(base_url=exchange.base_url, timeout=10) as http:
        answer = await http.get(
            f"/option-chains/{underlying}/nested", headers={"Authorization": f"Bearer {access}"}
        )
        answer.raise_for_status()
        expiration = answer.json()["data"]["items"][0]["expirations"][2]
        strikes = expiration["strikes"]
        return strikes[len(strikes) // 2]["call-streamer-symbol"]


@pytest.mark.parametrize("data_format", ["COMPACT", "FULL"])
async def test_every_event_type_with_every_spec_field_validates(exchange, data_format: str) -> None:
    option = await option_streamer_symbol(exchange)
    wanted = {
        (t, s) for t in ("Quote", "Trade", "Summary", "Profile") for s in ("SPY", "SPX", "BTC/USD:CXTALP")
    }
    wanted |= {(t, option) for t in ("Quote", "Summary", "Greeks", "TheoPrice")}
    async with feed(exchange) as client:
        await client.send({"type": "FEED_SETUP", "channel": 1, "acceptDataFormat": data_format})
        items = [
            {"type": t, "symbol": s}
            for t in ("Quote", "Trade", "Summary", "Profile", "Greeks", "TheoPrice")
            for s in ("SPY", "SPX", "BTC/USD:CXTALP", option)
        ]
        await client.send({"type": "FEED_SUBSCRIPTION", "channel": 1, "add": items})
        seen: dict[tuple[str, str], dict] = {}
        async with asyncio.timeout(20):
            while not wanted <= set(seen):
                for event in client.events(await client.expect_type("FEED_DATA", 1)):
                    seen[(event["eventType"], event["eventSymbol"])] = event
    configs = [m for m in client.received if m["type"] == "FEED_CONFIG" and "eventFields" in m]
    announced = {t: f for m in configs for t, f in m["eventFields"].items()}
    assert announced["Quote"] == list(DEFAULT_QUOTE_FIELDS) and "vega" in announced["Greeks"]
    greeks = seen[("Greeks", option)]
    assert 0 < greeks["delta"] < 1 and greeks["gamma"] > 0 and greeks["volatility"] > 0
    quote = seen[("Quote", option)]
    assert 0 <= quote["bidPrice"] <= quote["askPrice"]
    assert seen[("Profile", "SPY")]["description"]
