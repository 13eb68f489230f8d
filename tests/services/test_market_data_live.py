"""MarketDataHub on the qasync loop over the live embedded exchange."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from desktop.api.dxlink import DXLinkClient, Quote
from desktop.api.environments import demo
from desktop.api.rest import TastytradeClient
from desktop.services.market_data import MarketDataHub
from tests.conftest import wait_for

pytestmark = pytest.mark.slow


@pytest.fixture
async def hub(exchange) -> AsyncIterator[MarketDataHub]:
    async with TastytradeClient(demo(exchange.base_url, exchange.streamer_url), "demo", "demo") as rest:
        client = DXLinkClient(rest.quote_token, dead_after_s=3.0, reconnect_base_s=0.2, reconnect_max_s=1.0)
        market = MarketDataHub(client, stats_interval_ms=200)
        try:
            yield market
        finally:
            await market.close()


async def admin(exchange, path: str, body: dict | None = None) -> dict:
    return await asyncio.to_thread(exchange.admin, path, body)


async def test_views_drain_coalesced_rows_of_live_quotes(hub) -> None:
    states: list[tuple[str, str]] = []
    hub.connection_state_changed.connect(lambda s, d: states.append((s, d)))
    hub.subscribe("watchlist", "Quote", ["AAPL", "SPY", "QQQ"])
    hub.subscribe("positions", "Quote", ["AAPL"])
    watch_dirty = hub.register_view("watchlist")
    positions_dirty = hub.register_view("positions")
    hub.start()
    await wait_for(lambda: len(watch_dirty) == 3, timeout=15)
    await wait_for(lambda: positions_dirty == {("Quote", "AAPL")}, timeout=15)
    quote = hub.latest("Quote", "SPY")
    assert isinstance(quote, Quote) and 0 < quote.bid_price <= quote.ask_price
    assert ("connected", "") in states
    await wait_for(lambda: hub.stats.events_per_s > 0, timeout=10)
    stats = hub.stats
    assert stats.freshest_quote_age_s is not None and stats.freshest_quote_age_s < 5
    assert stats.subscriptions == 3 and stats.state == "connected"


async def test_a_reconnect_keeps_every_owners_rows_flowing(hub, exchange) -> None:
    states: list[str] = []
    hub.connection_state_changed.connect(lambda s, d: states.append(s))
    hub.subscribe("a", "Quote", ["AAPL"])
    hub.subscribe("b", "Quote", ["AAPL", "SPY"])
    dirty = hub.register_view("all")
    hub.start()
    await wait_for(lambda: len(dirty) == 2, timeout=15)
    await admin(exchange, "actions/drop-dxlink", {})
    await wait_for(lambda: "reconnecting" in states, timeout=10)
    dirty.clear()
    await wait_for(lambda: hub.state == "connected" and len(dirty) == 2, timeout=20)
    assert hub.stats.reconnect_attempts == 1


async def test_candles_through_the_hub(hub) -> None:
    now = int(time.time() * 1000)
    hub.start()
    series = hub.open_candles("chart", "AAPL{=1d}", now - 30 * 86_400_000)
    await wait_for(lambda: series.loaded and len(series) >= 15, timeout=20)
    assert hub.open_candles("chart-2", "AAPL{=d}", now - 30 * 86_400_000) is series
    hub.close_candles("chart", "AAPL{=1d}")
    assert hub.client.candle_series("AAPL{=d}") is series
    hub.close_candles("chart-2", "AAPL{=1d}")
    assert hub.client.candle_series("AAPL{=1d}") is None


async def test_a_symbol_handed_over_within_one_batch_keeps_its_value(hub, exchange) -> None:
    """The chain releases a strike and the ticket takes it before the batch goes out: the wire
    never changes, so nothing new arrives (here: a frozen market); the value must stay."""
    hub.subscribe("chain", "Quote", ["MSFT"])
    hub.start()
    await wait_for(lambda: hub.latest("Quote", "MSFT") is not None, timeout=15)
    await admin(exchange, "market/freeze", {"frozen": True})
    await asyncio.sleep(0.5)
    before = hub.latest("Quote", "MSFT")
    ticket_dirty = hub.register_view("ticket")
    hub.unsubscribe("chain")
    hub.subscribe("ticket", "Quote", ["MSFT"])
    assert hub.latest("Quote", "MSFT") == before
    assert ticket_dirty == {("Quote", "MSFT")}, "the newcomer paints the value at once"
    await asyncio.sleep(1.0)
    assert hub.latest("Quote", "MSFT") is not None and hub.subscribers("Quote", "MSFT") == 1
