"""MarketDataHub bookkeeping: reference counts, latest values, coalesced dirty sets, candle sharing.

These run the real hub on a real (not started) DXLinkClient: batches enter through
``client.deliver``, the same call the client's socket reader makes. Tests over the live exchange
are in ``test_market_data_live.py``.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject

from desktop.api.dxlink import DXLinkClient, Quote, Trade
from desktop.services.market_data import MarketDataHub
from tests.conftest import wait_for


async def _no_token():  # never called: these clients are not started
    raise AssertionError("not connected in these tests")


def make_hub(**kwargs) -> MarketDataHub:
    return MarketDataHub(DXLinkClient(_no_token), **kwargs)


def quote(symbol: str, bid: float) -> Quote:
    return Quote(symbol, bid, bid + 0.1, 100.0, 200.0, 0, 0)


async def test_wire_subscription_lives_while_any_owner_holds_it() -> None:
    hub = make_hub()
    hub.subscribe("watchlist", "Quote", ["AAPL", "SPY"])
    hub.subscribe("chain", "Quote", ["AAPL", "QQQ"])
    assert hub.client.subscribed("Quote") == {"AAPL", "SPY", "QQQ"}
    assert hub.subscribers("Quote", "AAPL") == 2
    hub.subscribe("chain", "Quote", ["AAPL"])  # twice by one owner still counts once
    assert hub.subscribers("Quote", "AAPL") == 2
    hub.unsubscribe("watchlist")
    assert hub.client.subscribed("Quote") == {"AAPL", "QQQ"}
    hub.unsubscribe("chain", "Quote", ["AAPL"])
    assert hub.client.subscribed("Quote") == {"QQQ"}
    hub.unsubscribe("chain", "Quote")
    assert hub.client.subscribed("Quote") == set()
    hub.unsubscribe("nobody")  # harmless


async def test_a_burst_costs_one_dirty_entry_per_row_and_latest_wins() -> None:
    hub = make_hub()
    hub.subscribe("table", "Quote", ["AAPL", "SPY", "QQQ"])
    dirty = hub.register_view("any-view")
    updates: list[str] = []
    hub.updated.connect(updates.append)
    for i in range(1000):
        hub.client.deliver("Quote", [quote("AAPL", 100 + i), quote("SPY", 400 + i), quote("QQQ", 300 + i)])
    assert dirty == {("Quote", "AAPL"), ("Quote", "SPY"), ("Quote", "QQQ")}
    assert hub.latest("Quote", "AAPL").bid_price == 1099
    assert hub.latest("Trade", "AAPL") is None
    assert len(updates) == 1000  # one signal per batch, never per event
    drained = set(dirty)
    dirty.clear()
    hub.client.deliver("Quote", [quote("SPY", 1.0)])
    assert dirty == {("Quote", "SPY")} and drained


async def test_a_view_under_an_owner_key_sees_only_that_owners_rows() -> None:
    hub = make_hub()
    hub.subscribe("positions", "Quote", ["AAPL"])
    hub.subscribe("positions", "Trade", ["AAPL"])
    hub.subscribe("chain", "Quote", [".SPY260116C500"])
    positions_dirty = hub.register_view("positions")
    chain_dirty = hub.register_view("chain")
    assert hub.register_view("chain") is chain_dirty
    hub.client.deliver("Quote", [quote("AAPL", 1.0), quote(".SPY260116C500", 2.0)])
    hub.client.deliver("Trade", [Trade("AAPL", 1.05, 100.0, 1e6, 0.1, 0)])
    assert positions_dirty == {("Quote", "AAPL"), ("Trade", "AAPL")}
    assert chain_dirty == {("Quote", ".SPY260116C500")}
    hub.unregister_view("chain")
    hub.client.deliver("Quote", [quote(".SPY260116C500", 3.0)])
    assert chain_dirty == {("Quote", ".SPY260116C500")}  # no longer fed


async def test_a_newcomer_sees_values_that_are_already_there() -> None:
    hub = make_hub()
    hub.subscribe("watchlist", "Quote", ["AAPL"])
    hub.client.deliver("Quote", [quote("AAPL", 190.0)])
    ticket_dirty = hub.register_view("ticket")
    ticket_dirty.clear()
    hub.subscribe("ticket", "Quote", ["AAPL"])
    assert ticket_dirty == {("Quote", "AAPL")}
    assert hub.latest("Quote", "AAPL").bid_price == 190.0


async def test_released_symbols_forget_their_values() -> None:
    hub = make_hub(stats_interval_ms=20)
    hub.subscribe("w", "Quote", ["AAPL"])
    hub.client.deliver("Quote", [quote("AAPL", 1.0)])
    hub.unsubscribe("w")
    assert hub.latest("Quote", "AAPL") is None
    hub.client.deliver("Quote", [quote("AAPL", 2.0)])  # a late event of a released symbol
    hub._timer.start()
    await wait_for(lambda: hub.latest("Quote", "AAPL") is None, timeout=5)
    hub._timer.stop()


async def test_candle_series_are_shared_and_released_by_the_last_owner() -> None:
    hub = make_hub()
    first = hub.open_candles("chart-1", "AAPL{=5m}", 1_700_000_000_000)
    second = hub.open_candles("chart-2", "AAPL{=5m,tho=false}", 1_700_000_000_000)
    assert first is second and first.symbol == "AAPL{=5m}"
    assert hub.client.book.wanted("Candle") == {"AAPL{=5m}": 1_700_000_000_000}
    hub.close_candles("chart-1", "AAPL{=5m}")
    assert hub.client.candle_series("AAPL{=5m}") is first
    hub.unsubscribe("chart-2")  # releasing everything of an owner closes its candles too
    assert hub.client.candle_series("AAPL{=5m}") is None
    assert hub.client.book.wanted("Candle") == {}


async def test_an_earlier_from_time_by_another_owner_loads_older_history() -> None:
    hub = make_hub()
    series = hub.open_candles("chart-1", "SPY{=1m}", 2_000_000)
    hub.open_candles("chart-2", "SPY{=1m}", 1_000_000)
    assert hub.client.book.wanted("Candle") == {"SPY{=m}": 1_000_000}  # normalized
    assert series.loading


async def test_a_destroyed_qobject_owner_releases_its_subscriptions() -> None:
    hub = make_hub()
    panel = QObject()
    hub.subscribe(panel, "Quote", ["AAPL"])
    hub.register_view(panel)
    panel.deleteLater()
    del panel
    await wait_for(lambda: not hub.client.subscribed("Quote"), timeout=5)


async def test_stats_report_rate_and_freshness() -> None:
    hub = make_hub(stats_interval_ms=50)
    ticks: list[int] = []
    hub.stats_changed.connect(lambda: ticks.append(1))
    hub.subscribe("w", "Quote", ["AAPL"])
    hub._timer.start()
    for _ in range(20):
        hub.client.deliver("Quote", [quote("AAPL", 1.0)] * 10)
        await asyncio.sleep(0.01)
    await wait_for(lambda: len(ticks) >= 2, timeout=5)
    hub._timer.stop()
    stats = hub.stats
    assert stats.freshest_quote_age_s is not None and stats.freshest_quote_age_s < 5
    assert stats.subscriptions == 1 and stats.state == "closed"
    assert stats.events_per_s >= 0
