"""AccountStreamer against the live embedded exchange: typed events for a fill, reconnect + resync.

Orders are placed over REST with the real client; faults come from the exchange's admin API.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from desktop.api.account_streamer import AccountStreamer
from desktop.api.environments import demo
from desktop.api.models import Balance, Order, Position
from desktop.api.rest import TastytradeClient
from tests.api._fixtures import leaked_pieces
from tests.conftest import wait_for

pytestmark = pytest.mark.slow

ACCOUNT = "5WT00001"


def market_order(symbol: str = "AAPL", quantity: int = 1) -> str:
    return json.dumps(
        {
            "time-in-force": "Day",
            "order-type": "Market",
            "legs": [
                {"instrument-type": "Equity", "symbol": symbol, "quantity": quantity, "action": "Buy to Open"}
            ],
        }
    )


class Log:
    """Everything the streamer reports, in order."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, Any]] = []
        self.states: list[tuple[str, str]] = []
        self.resyncs = 0

    def on_event(self, event_type: str, event: Any) -> None:
        self.entries.append((event_type, event))

    def on_state(self, state: str, detail: str) -> None:
        self.states.append((state, detail))

    def of(self, kind: type) -> list[Any]:
        return [e for _, e in self.entries if isinstance(e, kind)]

    def order(self, order_id: int) -> list[Order]:
        return [o for o in self.of(Order) if o.id == order_id]


@pytest.fixture
async def rest(exchange) -> AsyncIterator[TastytradeClient]:
    async with TastytradeClient(demo(exchange.base_url, exchange.streamer_url), "demo", "demo") as client:
        yield client


def make_streamer(exchange, rest: TastytradeClient, log: Log, **kwargs: Any) -> AccountStreamer:
    async def resync() -> None:
        log.resyncs += 1
        log.entries.append(("resync", None))

    options: dict[str, Any] = {"reconnect_base_s": 0.2, "reconnect_max_s": 1.0, **kwargs}
    return AccountStreamer(
        exchange.streamer_url,
        rest.authorization,
        [ACCOUNT],
        log.on_event,
        log.on_state,
        options.pop("on_reconnect", resync),
        options.pop("heartbeat_s", 20.0),
        **options,
    )


async def admin(exchange, path: str, body: dict | None = None) -> dict:
    return await asyncio.to_thread(exchange.admin, path, body)


async def place(rest: TastytradeClient, symbol: str = "AAPL") -> int:
    result = await rest.place_order(ACCOUNT, market_order(symbol))
    assert result.order is not None and result.order.id is not None
    return result.order.id


async def test_a_filled_order_arrives_as_typed_order_position_and_balance_events(exchange, rest) -> None:
    log = Log()
    streamer = make_streamer(exchange, rest, log)
    streamer.start()
    try:
        await wait_for(lambda: streamer.state == "connected", timeout=15)
        assert log.resyncs == 0  # a first connect is not a reconnect
        order_id = await place(rest)
        await wait_for(lambda: any(o.status == "Filled" for o in log.order(order_id)), timeout=15)
        await wait_for(lambda: any(p.symbol == "AAPL" for p in log.of(Position)), timeout=15)
        await wait_for(lambda: log.of(Balance), timeout=15)
        assert all(o.account_number == ACCOUNT for o in log.order(order_id))
        assert log.of(Balance)[-1].account_number == ACCOUNT
        assert streamer.stats.events_received >= 3 and streamer.stats.last_inbound_at is not None
    finally:
        await streamer.close()
    assert log.states[-1] == ("closed", "")


async def test_reconnect_after_a_drop_resyncs_then_streams_again(exchange, rest) -> None:
    log = Log()
    streamer = make_streamer(exchange, rest, log)
    streamer.start()
    try:
        await wait_for(lambda: streamer.state == "connected", timeout=15)
        await admin(exchange, "actions/drop-account-streamer", {})
        await wait_for(lambda: log.resyncs == 1, timeout=15)
        await wait_for(lambda: streamer.state == "connected" and not log.states[-1][1], timeout=15)
        assert any(s == "reconnecting" for s, _ in log.states)
        order_id = await place(rest, "SPY")
        await wait_for(lambda: any(o.status == "Filled" for o in log.order(order_id)), timeout=15)
        assert streamer.stats.connects == 2
    finally:
        await streamer.close()


async def test_a_stalled_streamer_is_detected_by_its_silence(exchange, rest) -> None:
    log = Log()
    streamer = make_streamer(exchange, rest, log, heartbeat_s=0.5, dead_after_s=2.0)
    streamer.start()
    try:
        await wait_for(lambda: streamer.state == "connected", timeout=15)
        started = time.monotonic()
        await admin(exchange, "actions/stall-account-streamer", {"seconds": 30})
        await wait_for(lambda: any("no message from the server" in d for _, d in log.states), timeout=15)
        assert time.monotonic() - started < 8
        await wait_for(lambda: log.resyncs == 1 and streamer.state == "connected", timeout=15)
    finally:
        await streamer.close()


async def test_events_during_a_resync_are_held_until_it_is_done(exchange, rest) -> None:
    log = Log()
    placed: list[int] = []

    async def slow_resync() -> None:
        placed.append(await place(rest, "QQQ"))  # its events arrive while we "load"
        await wait_for(lambda: streamer.stats.events_received >= 3, timeout=15)
        log.entries.append(("resync", None))

    streamer = make_streamer(exchange, rest, log, on_reconnect=slow_resync, resync_on_first_connect=True)
    streamer.start()
    try:
        await wait_for(lambda: placed and any(o.status == "Filled" for o in log.order(placed[0])), timeout=20)
        kinds = [k for k, _ in log.entries]
        assert kinds[0] == "resync", "an event overtook the REST resync"
        assert len(kinds) > 3
    finally:
        await streamer.close()


async def test_a_refused_token_is_reported_and_retried(exchange, rest) -> None:
    log = Log()

    async def wrong_token() -> str:
        return "Bearer not-a-token"

    streamer = AccountStreamer(
        exchange.streamer_url,
        wrong_token,
        [ACCOUNT],
        log.on_event,
        log.on_state,
        reconnect_base_s=0.2,
        reconnect_max_s=0.5,
    )
    streamer.start()
    try:
        await wait_for(lambda: sum(s == "reconnecting" for s, _ in log.states) >= 2, timeout=15)
        assert any("refused" in d for _, d in log.states)
        assert all("not-a-token" not in d for _, d in log.states)
    finally:
        await streamer.close()


@pytest.fixture
def strict_exchange(tmp_path) -> Iterator[Any]:
    """An exchange that drops an account-streamer client after 2 s without a heartbeat."""
    from desktop.simulator.runner import ExchangeConfig, ExchangeThread

    cfg = ExchangeConfig(port=0, state_path=tmp_path / "exchange.sqlite3", streamer_heartbeat_timeout_s=2.0)
    ex = ExchangeThread(cfg)
    ex.start()
    try:
        yield ex
    finally:
        ex.stop()


async def test_heartbeats_keep_the_session_and_no_token_reaches_a_log(strict_exchange, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("websockets", "websockets.client", "desktop"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    env = demo(strict_exchange.base_url, strict_exchange.streamer_url)
    async with TastytradeClient(env, "demo", "demo") as rest:
        log = Log()
        streamer = make_streamer(strict_exchange, rest, log, heartbeat_s=0.5)
        streamer.start()
        try:
            await wait_for(lambda: streamer.state == "connected", timeout=15)
            await asyncio.sleep(5)  # 2.5 server timeouts: only heartbeats keep us connected
            assert streamer.stats.connects == 1 and streamer.state == "connected", log.states
            token = await rest.access_token()
        finally:
            await streamer.close()
    assert "account streamer" in caplog.text  # the capture saw our logging
    assert not leaked_pieces(token, caplog.text + repr(log.states))


async def test_accounts_added_on_the_live_socket_start_streaming(exchange, rest) -> None:
    log = Log()
    streamer = make_streamer(exchange, rest, log)
    streamer.accounts = ["5WT00002"]
    streamer.start()
    try:
        await wait_for(lambda: streamer.state == "connected", timeout=15)
        unseen = await place(rest)
        await asyncio.sleep(1.5)
        assert not log.order(unseen)  # not subscribed to that account yet
        await streamer.set_accounts([ACCOUNT, "5WT00002"])
        seen = await place(rest, "SPY")
        await wait_for(lambda: any(o.status == "Filled" for o in log.order(seen)), timeout=15)
        assert streamer.stats.connects == 1
    finally:
        await streamer.close()
