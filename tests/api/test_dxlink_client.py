"""DXLinkClient against the live embedded exchange: handshake, decoding, reconnects, tokens, candles.

Faults come from the exchange's admin API (drop, stall, token expiry/refusal, FULL switch, 502,
subscription rate); nothing of our network code is mocked. The dead-server timeout is set to
seconds so the stall test does not wait a minute.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from typing import Any

import numpy as np
import pytest

from desktop.api.dxlink import DXLinkClient, Greeks, Quote, Summary, Trade
from desktop.api.environments import demo
from desktop.api.rest import TastytradeClient
from tests.api._fixtures import leaked_pieces
from tests.conftest import wait_for

pytestmark = pytest.mark.slow

MINUTE = 60_000
HOUR = 60 * MINUTE
DAY = 24 * HOUR


class Recorder:
    """Everything a client reports: batches per event type, states, and quote-token calls."""

    def __init__(self, rest: TastytradeClient) -> None:
        self.rest = rest
        self.token_calls = 0
        self.batches: dict[str, list[list[Any]]] = defaultdict(list)
        self.states: list[tuple[str, str]] = []

    async def token(self) -> Any:
        self.token_calls += 1
        return await self.rest.quote_token()

    def on_events(self, event_type: str, events: list[Any]) -> None:
        self.batches[event_type].append(events)

    def on_state(self, state: str, detail: str) -> None:
        self.states.append((state, detail))

    def symbols(self, event_type: str) -> set[str]:
        return {e.symbol for batch in self.batches[event_type] for e in batch}

    def clear(self) -> None:
        self.batches.clear()


@pytest.fixture
async def rest(exchange) -> AsyncIterator[TastytradeClient]:
    async with TastytradeClient(demo(exchange.base_url, exchange.streamer_url), "demo", "demo") as client:
        yield client


@pytest.fixture
async def feed(rest) -> AsyncIterator[tuple[DXLinkClient, Recorder]]:
    rec = Recorder(rest)
    client = DXLinkClient(
        rec.token,
        dead_after_s=3.0,
        on_events=rec.on_events,
        on_state=rec.on_state,
        reconnect_base_s=0.2,
        reconnect_max_s=1.0,
    )
    try:
        yield client, rec
    finally:
        await client.close()


async def admin(exchange, path: str, body: dict | None = None) -> dict:
    return await asyncio.to_thread(exchange.admin, path, body)


async def option_symbols(rest: TastytradeClient, underlying: str, count: int) -> list[str]:
    chains = await rest.nested_option_chain(underlying)
    out = []
    for chain in chains:
        for expiration in chain.expirations:
            for strike in expiration.strikes:
                out += [strike.call_streamer_symbol, strike.put_streamer_symbol]
                if len(out) >= count:
                    return out[:count]
    return out


async def test_handshake_then_typed_quotes_trades_summaries(feed) -> None:
    client, rec = feed
    client.subscribe("Quote", ["AAPL", "SPY", "SPX"])
    client.subscribe("Trade", ["AAPL"])
    client.subscribe("Summary", ["AAPL"])
    client.start()
    await wait_for(lambda: rec.symbols("Quote") >= {"AAPL", "SPY", "SPX"}, timeout=15)
    await wait_for(lambda: rec.batches["Trade"] and rec.batches["Summary"], timeout=15)
    assert [s for s, _ in rec.states[:3]] == ["connecting", "authorizing", "connected"]
    assert client.state == "connected" and rec.token_calls == 1
    quote = next(e for b in rec.batches["Quote"] for e in b if e.symbol == "AAPL")
    assert isinstance(quote, Quote) and isinstance(quote.bid_price, float)
    assert 0 < quote.bid_price <= quote.ask_price < 10 * quote.bid_price
    trade = rec.batches["Trade"][0][0]
    assert isinstance(trade, Trade) and trade.price > 0 and trade.day_volume >= 0
    summary = rec.batches["Summary"][0][0]
    assert isinstance(summary, Summary) and summary.prev_day_close_price > 0
    assert client.stats.last_inbound_at is not None and client.stats.events_received > 0
    assert all(isinstance(b, list) for b in rec.batches["Quote"])  # batches, never single events


async def test_option_greeks_and_silence_for_unknown_symbols(feed, rest) -> None:
    client, rec = feed
    options = await option_symbols(rest, "SPY", 4)
    assert len(options) == 4
    client.subscribe("Greeks", options)
    client.subscribe("Quote", ["NOSUCH", options[0]])
    client.start()
    await wait_for(lambda: rec.symbols("Greeks") == set(options), timeout=15)
    greek = rec.batches["Greeks"][0][0]
    assert isinstance(greek, Greeks) and 0 < greek.volatility < 5 and -1 <= greek.delta <= 1
    await wait_for(lambda: options[0] in rec.symbols("Quote"), timeout=15)
    await asyncio.sleep(1.0)
    assert "NOSUCH" not in rec.symbols("Quote")


async def test_unsubscribed_symbols_stop(feed, exchange) -> None:
    client, rec = feed
    client.subscribe("Quote", ["AAPL", "SPY"])
    client.start()
    await wait_for(lambda: rec.symbols("Quote") == {"AAPL", "SPY"}, timeout=15)
    client.unsubscribe("Quote", ["SPY"])
    await asyncio.sleep(1.0)  # let in-flight data drain
    rec.clear()
    await admin(exchange, "market/price", {"symbol": "SPY", "price": "123.45"})
    await admin(exchange, "market/price", {"symbol": "AAPL", "price": "150.00"})
    await wait_for(lambda: "AAPL" in rec.symbols("Quote"), timeout=15)
    await asyncio.sleep(0.5)
    assert "SPY" not in rec.symbols("Quote")


async def test_a_new_event_type_after_connecting_opens_its_own_channel(feed) -> None:
    client, rec = feed
    client.subscribe("Quote", ["AAPL"])
    client.start()
    await wait_for(lambda: rec.symbols("Quote") == {"AAPL"}, timeout=15)
    client.subscribe("Trade", ["SPY"])
    client.subscribe("Profile", ["SPY"])
    await wait_for(lambda: rec.symbols("Trade") == {"SPY"} and rec.symbols("Profile") == {"SPY"}, timeout=15)
    profile = rec.batches["Profile"][0][0]
    assert profile.description and isinstance(profile.description, str)
    assert set(client.data_formats()) == {"Quote", "Trade", "Profile"}


async def test_reconnect_after_a_dropped_socket_resubscribes_everything_once(feed, exchange) -> None:
    client, rec = feed
    symbols = ["AAPL", "SPY", "QQQ", "SPX"]
    client.subscribe("Quote", symbols)
    client.subscribe("Trade", ["AAPL"])
    client.start()
    await wait_for(lambda: rec.symbols("Quote") == set(symbols), timeout=15)
    sent_before = client.stats.subscription_items_sent
    assert sent_before == len(symbols) + 1
    await admin(exchange, "actions/drop-dxlink", {})
    await wait_for(lambda: any(s == "reconnecting" for s, _ in rec.states), timeout=10)
    client.unsubscribe("Quote", ["QQQ"])  # changed while disconnected: must not come back
    rec.clear()
    await wait_for(lambda: client.state == "connected", timeout=15)
    await wait_for(lambda: rec.symbols("Quote") == {"AAPL", "SPY", "SPX"}, timeout=15)
    await wait_for(lambda: rec.batches["Trade"], timeout=15)
    # Every wanted item went out exactly once on the new socket: none lost, none twice.
    assert client.stats.subscription_items_sent - sent_before == len(symbols) - 1 + 1
    assert client.stats.reconnect_attempts == 1 and client.stats.connects == 2
    await asyncio.sleep(0.5)
    assert "QQQ" not in rec.symbols("Quote")


async def test_a_stalled_socket_is_detected_and_replaced(feed, exchange) -> None:
    client, rec = feed
    client.subscribe("Quote", ["AAPL", "SPY"])
    client.start()
    await wait_for(lambda: rec.symbols("Quote") == {"AAPL", "SPY"}, timeout=15)
    started = time.monotonic()
    await admin(exchange, "actions/stall-dxlink", {"seconds": 30})
    await wait_for(lambda: any("no message from the server" in d for _, d in rec.states), timeout=15)
    detected = time.monotonic() - started
    assert detected < 10, f"a silent server took {detected:.1f} s to notice (dead_after_s=3)"
    rec.clear()
    await wait_for(lambda: client.state == "connected", timeout=15)
    await wait_for(lambda: rec.symbols("Quote") == {"AAPL", "SPY"}, timeout=15)


async def test_a_mid_session_switch_to_full_keeps_decoding(feed, exchange) -> None:
    client, rec = feed
    client.subscribe("Quote", ["AAPL", "SPY"])
    client.start()
    await wait_for(lambda: rec.symbols("Quote") == {"AAPL", "SPY"}, timeout=15)
    await admin(exchange, "actions/dxlink-full-format", {})
    await wait_for(lambda: client.data_formats().get("Quote") == "FULL", timeout=10)
    rec.clear()
    await admin(exchange, "market/price", {"symbol": "AAPL", "price": "201.00"})
    await wait_for(lambda: "AAPL" in rec.symbols("Quote"), timeout=15)
    quote = next(e for b in rec.batches["Quote"] for e in b if e.symbol == "AAPL")
    assert isinstance(quote, Quote) and math.isfinite(quote.bid_price) and quote.bid_price > 0
    assert client.state == "connected" and client.stats.reconnect_attempts == 0


async def test_an_expired_quote_token_is_replaced_by_a_fresh_one(feed, exchange) -> None:
    client, rec = feed
    client.subscribe("Quote", ["AAPL"])
    client.start()
    await wait_for(lambda: rec.symbols("Quote") == {"AAPL"}, timeout=15)
    await admin(exchange, "actions/expire-quote-token", {})
    await wait_for(lambda: rec.token_calls == 2, timeout=15)
    rec.clear()
    await wait_for(lambda: client.state == "connected" and rec.symbols("Quote") == {"AAPL"}, timeout=15)
    assert any("expired" in d for _, d in rec.states)


async def test_a_refused_token_reports_unauthorized_and_recovers(feed, exchange) -> None:
    client, rec = feed
    await admin(exchange, "faults", {"quote_token_refused": True})
    client.subscribe("Quote", ["AAPL"])
    client.start()
    await wait_for(lambda: client.state == "unauthorized", timeout=15)
    assert rec.token_calls >= 1 and not rec.batches["Quote"]
    await admin(exchange, "faults/reset", {})
    await wait_for(lambda: rec.symbols("Quote") == {"AAPL"}, timeout=20)
    assert client.state == "connected"


async def test_an_upgrade_refused_with_502_is_retried(feed, exchange) -> None:
    client, rec = feed
    await admin(exchange, "faults", {"dxlink_upgrade_status": 502})
    client.subscribe("Quote", ["SPY"])
    client.start()
    await wait_for(lambda: any("HTTP 502" in d for _, d in rec.states), timeout=15)
    await admin(exchange, "faults/reset", {})
    await wait_for(lambda: rec.symbols("Quote") == {"SPY"}, timeout=20)


async def test_a_big_subscription_is_chunked_and_paced_under_a_rate_limit(feed, exchange, rest) -> None:
    client, rec = feed
    options = await option_symbols(rest, "SPY", 600)
    assert len(options) == 600
    client.subscribe("Quote", ["SPY"])
    client.start()
    await wait_for(lambda: client.state == "connected", timeout=15)
    await admin(exchange, "actions/dxlink-subscription-rate", {"per_second": 1500, "burst": 400})
    client.subscribe("Quote", options)
    await wait_for(lambda: rec.symbols("Quote") >= set(options), timeout=60)
    assert client.state == "connected" and client.stats.reconnect_attempts == 0
    assert client.items_per_tick < client.config.items_per_tick  # it was told off and slowed down


def _assert_series_consistent(series, period_ms: int) -> None:
    times = series.times
    assert len(times) > 0
    assert np.all(np.diff(series.indices) > 0), "duplicate or unordered candles"
    assert np.all(np.diff(times) % period_ms == 0), "candles off the period grid"
    assert np.all(series.highs >= series.lows)


async def test_candle_history_then_live_updates(feed, exchange) -> None:
    client, _rec = feed
    now = int(time.time() * 1000)
    series = client.subscribe_candles("AAPL{=1d}", now - 90 * DAY)
    resets: list[int] = []
    updates: list[tuple[int, bool]] = []
    series.on_reset.connect(lambda: resets.append(len(series)))
    series.on_update.connect(lambda i, new: updates.append((i, new)))
    client.start()
    await wait_for(lambda: series.loaded, timeout=20)
    assert 55 <= len(series) <= 91 and resets == [len(series)]
    assert series.times[0] >= now - 91 * DAY and series.times[-1] >= now - 4 * DAY
    assert np.all(np.diff(series.indices) > 0) and np.all(np.diff(series.times) >= DAY - HOUR)
    assert np.all(series.highs >= series.lows) and np.all(series.closes > 0)
    last = len(series) - 1
    await admin(exchange, "market/price", {"symbol": "AAPL", "price": "250.00"})
    await wait_for(lambda: any(i == last and not new for i, new in updates), timeout=20)
    await wait_for(lambda: abs(series.closes[-1] - 250.0) < 5.0, timeout=20)
    assert series.highs[-1] >= 245.0 and len(series) == last + 1


async def test_seconds_candles_roll_to_a_new_candle(feed) -> None:
    client, _rec = feed
    now = int(time.time() * 1000)
    series = client.subscribe_candles("SPY{=5s}", now - 60_000)
    appended: list[int] = []
    series.on_update.connect(lambda i, new: appended.append(i) if new else None)
    client.start()
    await wait_for(lambda: series.loaded, timeout=20)
    count = len(series)
    await wait_for(lambda: appended and len(series) > count, timeout=20)
    _assert_series_consistent(series, 5_000)


async def test_candles_resync_after_a_reconnect_without_gaps_or_duplicates(feed, exchange) -> None:
    client, rec = feed
    now = int(time.time() * 1000)
    series = client.subscribe_candles("QQQ{=5s}", now - 120_000)
    client.start()
    await wait_for(lambda: series.loaded, timeout=20)
    before = len(series)
    resets: list[int] = []
    series.on_reset.connect(lambda: resets.append(len(series)))
    await admin(exchange, "faults", {"dxlink_upgrade_status": 502})  # keep us away for a while
    await admin(exchange, "actions/drop-dxlink", {})
    await wait_for(lambda: any("HTTP 502" in d for _, d in rec.states), timeout=10)
    assert series.loading  # the series knows it must catch up
    await asyncio.sleep(6)  # at least one 5 s candle passes while we are away
    await admin(exchange, "faults/reset", {})
    await wait_for(lambda: client.state == "connected" and resets and not series.loading, timeout=20)
    assert len(series) >= before + 1
    _assert_series_consistent(series, 5_000)
    assert np.all(np.diff(series.times) == 5_000), "a gap after the reconnect"
    assert series.times[-1] >= int(time.time() * 1000) - 15_000


async def test_loading_older_history_merges_in_front(feed) -> None:
    client, _rec = feed
    now = int(time.time() * 1000)
    series = client.subscribe_candles("SPY{=1d}", now - 20 * DAY)
    client.start()
    await wait_for(lambda: series.loaded, timeout=20)
    first = int(series.times[0])
    count = len(series)
    reloads: list[int] = []
    series.on_reset.connect(lambda: reloads.append(len(series)))
    assert series.load_older(now - 200 * DAY)
    assert series.loading
    await wait_for(lambda: not series.loading, timeout=20)
    assert len(series) >= count + 90 and series.times[0] < first and reloads
    assert np.all(np.diff(series.indices) > 0), "duplicate or unordered candles after the merge"
    assert client.subscribe_candles("SPY{=d}", now - 100 * DAY) is series  # already covered
    assert not series.loading


@pytest.fixture
def strict_exchange(tmp_path) -> Iterator[Any]:
    """An exchange that drops a DXLink client after 2 s without a message from it."""
    from desktop.simulator.runner import ExchangeConfig, ExchangeThread

    cfg = ExchangeConfig(port=0, state_path=tmp_path / "exchange.sqlite3", dxlink_keepalive_timeout_s=2.0)
    ex = ExchangeThread(cfg)
    ex.start()
    try:
        yield ex
    finally:
        ex.stop()


async def test_keepalives_follow_the_servers_timeout_and_keep_an_idle_socket_open(strict_exchange) -> None:
    async with TastytradeClient(
        demo(strict_exchange.base_url, strict_exchange.streamer_url), "demo", "demo"
    ) as rest:
        rec = Recorder(rest)
        client = DXLinkClient(rec.token, on_state=rec.on_state)  # keepalive_s=30 by default
        client.start()
        try:
            await wait_for(lambda: client.state == "connected", timeout=15)
            await asyncio.sleep(6)  # nothing subscribed: only KEEPALIVEs keep us alive
            assert client.state == "connected" and client.stats.reconnect_attempts == 0, rec.states
        finally:
            await client.close()


async def test_no_token_reaches_a_log_even_at_debug(feed, exchange, caplog) -> None:
    client, rec = feed
    tokens: list[str] = []

    async def recording_token() -> Any:
        token = await rec.token()
        tokens.append(token.token)
        return token

    client._token_provider = recording_token
    caplog.set_level(logging.DEBUG)
    for name in ("websockets", "websockets.client", "desktop"):  # what --debug turns on, and more
        logging.getLogger(name).setLevel(logging.DEBUG)
    client.subscribe("Quote", ["AAPL"])
    client.start()
    await wait_for(lambda: rec.symbols("Quote") == {"AAPL"}, timeout=15)
    await admin(exchange, "actions/expire-quote-token", {})
    await wait_for(lambda: len(tokens) == 2 and client.state == "connected", timeout=15)
    await admin(exchange, "actions/drop-dxlink", {})
    await wait_for(lambda: client.stats.connects == 3, timeout=15)
    text = caplog.text + repr(rec.states)
    assert "DXLink connected" in text  # the capture did see our logging
    for token in tokens:
        assert not leaked_pieces(token, text)


async def test_a_candle_series_released_and_reopened_in_one_tick_gets_its_history(feed) -> None:
    """Two charts hand a symbol over (one releases it, another opens it before the batch goes
    out): the new series must receive a fresh snapshot, not stay 'loading' forever."""
    client, _rec = feed
    now = int(time.time() * 1000)
    first = client.subscribe_candles("MSFT{=1d}", now - 30 * DAY)
    client.start()
    await wait_for(lambda: first.loaded, timeout=20)
    client.unsubscribe_candles("MSFT{=1d}")
    second = client.subscribe_candles("MSFT{=1d}", now - 30 * DAY)
    assert second is not first
    await wait_for(lambda: second.loaded, timeout=20)
    assert len(second) == len(first) > 10
