"""Charts over the live embedded exchange: history counts, live candle, roll, resync, indicators."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QObject

from desktop.api.dxlink import DXLinkClient
from desktop.api.environments import demo
from desktop.api.rest import TastytradeClient
from desktop.services.market_data import MarketDataHub
from desktop.ui.charts.chart_view import CandleChart
from desktop.ui.charts.indicators import IndicatorSpec
from desktop.ui.charts.series_feed import SeriesFeed
from desktop.ui.charts.timeframes import TIMEFRAMES, Timeframe, timeframe
from tests.conftest import wait_for

pytestmark = pytest.mark.slow
NY = ZoneInfo("America/New_York")


@pytest.fixture
async def hub(exchange) -> AsyncIterator[MarketDataHub]:
    async with TastytradeClient(demo(exchange.base_url, exchange.streamer_url), "demo", "demo") as rest:
        client = DXLinkClient(rest.quote_token, dead_after_s=3.0, reconnect_base_s=0.2, reconnect_max_s=1.0)
        market = MarketDataHub(client, stats_interval_ms=200)
        market.start()
        try:
            yield market
        finally:
            await market.close()


@pytest.fixture
def chart(qtbot) -> CandleChart:
    w = CandleChart(NY)
    qtbot.addWidget(w)
    w.resize(1200, 700)
    w.show()
    return w


def open_feed(hub: MarketDataHub, chart: CandleChart, tf: Timeframe, symbol: str = "AAPL") -> SeriesFeed:
    owner = QObject(chart)
    feed = SeriesFeed(hub, chart, owner)
    feed.open(tf.candle_symbol(symbol, extended_hours=True), tf, f"{symbol} {tf.label}")
    return feed


async def admin(exchange, path: str, body: dict | None = None) -> dict:
    return await asyncio.to_thread(exchange.admin, path, body)


def exchange_now_ms(clock: dict) -> int:
    return int(clock["now_ms"])


def exchange_times(exchange, symbol: str, tf: Timeframe, from_ms: int, now_ms: int) -> np.ndarray:
    """The candle times the exchange itself holds for this window (the oracle)."""
    market = exchange.exchange.ctx.market
    return np.array(
        [c.time for c in market.candles(symbol, tf.period, False, from_ms, now_ms)], dtype=np.int64
    )


def assert_same_candles(times: np.ndarray, truth: np.ndarray) -> None:
    """Equal to the exchange's candles; the truth may hold one more if a period rolled since."""
    assert len(times) and np.all(np.diff(times) > 0), "no duplicates, in order"
    assert len(truth) - len(times) in (0, 1), f"{len(times)} candles, the exchange has {len(truth)}"
    assert np.array_equal(times, truth[: len(times)]), "no gaps: every candle of the exchange, no other"


@pytest.mark.parametrize("tf", TIMEFRAMES, ids=[tf.label for tf in TIMEFRAMES])
async def test_history_loads_the_recommended_range_for_each_timeframe(
    hub, chart, exchange, tf: Timeframe
) -> None:
    feed = open_feed(hub, chart, tf)
    from_ms = int(feed.series.requested_from_ms)
    await wait_for(lambda: feed.series.loaded and not feed.series.loading, timeout=30)
    now = exchange_now_ms(await admin(exchange, "clock"))
    times = chart.data.arrays.time
    assert np.array_equal(times, feed.series.times), "the chart holds exactly the series"
    assert_same_candles(times, exchange_times(exchange, "AAPL", tf, from_ms, now))
    assert times[0] >= from_ms and now - times[-1] < tf.period_ms + 7 * 86_400_000 * (tf.label == "1w")
    assert (now - from_ms) / 86_400_000 >= tf.history.days, "the recommended span was asked for"


async def test_the_live_candle_ticks_in_place_then_rolls_at_the_period_boundary(hub, chart, exchange) -> None:
    tf = timeframe("1m")
    feed = open_feed(hub, chart, tf, "SPY")
    from_ms = int(feed.series.requested_from_ms)
    await wait_for(lambda: feed.series.loaded, timeout=30)
    n = len(chart.data)
    live_time = int(chart.data.arrays.time[-1])
    price = chart.data.arrays.close[-1]
    await admin(exchange, "market/price", {"symbol": "SPY", "price": f"{price * 1.004:.2f}"})
    await wait_for(lambda: chart.data.arrays.high[-1] >= price * 1.003, timeout=15)
    assert len(chart.data) == n and int(chart.data.arrays.time[-1]) == live_time, "updated in place"
    assert feed.live_updates > 0
    boundary = live_time + tf.period_ms
    if exchange_now_ms(await admin(exchange, "clock")) < boundary:
        await admin(
            exchange, "clock", {"now": datetime.fromtimestamp((boundary + 1500) / 1000, UTC).isoformat()}
        )
    await wait_for(lambda: int(chart.data.arrays.time[-1]) >= boundary, timeout=20)
    times = chart.data.arrays.time
    assert times[-2] == live_time and times[-1] == boundary, (
        "the next candle follows the last, nothing skipped"
    )
    assert chart.data.arrays.finished_count == len(times) - 1
    now = exchange_now_ms(await admin(exchange, "clock"))
    assert_same_candles(times, exchange_times(exchange, "SPY", tf, from_ms, now))
    chart.flush()
    assert chart.following and chart.ranges.x_range()[1] > len(times) - 1, (
        "follow keeps the new candle in view"
    )


async def test_a_dxlink_reconnect_resyncs_without_gaps_or_duplicates(hub, chart, exchange) -> None:
    tf = timeframe("1m")
    feed = open_feed(hub, chart, tf, "QQQ")
    from_ms = int(feed.series.requested_from_ms)
    await wait_for(lambda: feed.series.loaded, timeout=30)
    states: list[str] = []
    hub.connection_state_changed.connect(lambda s, _d: states.append(s))
    clock = await admin(exchange, "clock")
    await admin(exchange, "actions/stall-dxlink", {"seconds": 6})
    # minutes pass on the exchange while our socket is silent: candles we never saw live
    later = exchange_now_ms(clock) + 3 * 60_000
    await admin(exchange, "clock", {"now": datetime.fromtimestamp(later / 1000, UTC).isoformat()})
    await wait_for(lambda: "reconnecting" in states or "connecting" in states, timeout=20)
    await wait_for(lambda: hub.state == "connected", timeout=30)
    await wait_for(
        lambda: not feed.series.loading and int(chart.data.arrays.time[-1]) >= later - later % 60_000,
        timeout=30,
    )
    times = chart.data.arrays.time
    now = exchange_now_ms(await admin(exchange, "clock"))
    assert_same_candles(times, exchange_times(exchange, "QQQ", tf, from_ms, now))
    assert np.array_equal(times, feed.series.times)
    assert np.allclose(chart.data.arrays.close, feed.series.closes)


async def test_indicators_match_numpy_on_live_data(hub, chart, exchange) -> None:
    chart.set_indicators(
        [
            IndicatorSpec("sma", 20),
            IndicatorSpec("ema", 12),
            IndicatorSpec("bollinger", 20, 2.0),
            IndicatorSpec("vwap"),
        ]
    )
    feed = open_feed(hub, chart, timeframe("5m"), "AAPL")
    await wait_for(lambda: feed.series.loaded, timeout=30)
    updates = feed.live_updates
    price = chart.data.arrays.close[-1]
    await admin(exchange, "market/price", {"symbol": "AAPL", "price": f"{price * 0.997:.2f}"})
    await wait_for(lambda: feed.live_updates >= updates + 2, timeout=20)  # the incremental path ran
    a = chart.data.arrays
    c, h, lo, v = a.close.copy(), a.high.copy(), a.low.copy(), a.volume.copy()
    lines = {ind.spec.kind: ind.lines for ind in chart.data.indicators}
    np.testing.assert_allclose(lines["sma"]["sma"][19:], np.convolve(c, np.ones(20) / 20, "valid"), rtol=1e-9)
    alpha, value = 2 / 13, c[:12].mean()
    expected_ema = [value]
    for x in c[12:]:
        value = alpha * x + (1 - alpha) * value
        expected_ema.append(value)
    np.testing.assert_allclose(lines["ema"]["ema"][11:], expected_ema, rtol=1e-9)
    windows = np.lib.stride_tricks.sliding_window_view(c, 20)
    np.testing.assert_allclose(
        lines["bollinger"]["upper"][19:], windows.mean(1) + 2 * windows.std(1), rtol=1e-9
    )
    np.testing.assert_allclose(
        lines["bollinger"]["lower"][19:], windows.mean(1) - 2 * windows.std(1), rtol=1e-9
    )
    days = np.array([datetime.fromtimestamp(t / 1000, NY).date().toordinal() for t in a.time])
    tp = (h + lo + c) / 3
    expected_vwap = np.empty(c.size)
    for day in np.unique(days):
        m = days == day
        expected_vwap[m] = np.cumsum(tp[m] * v[m]) / np.cumsum(v[m])
    np.testing.assert_allclose(lines["vwap"]["vwap"], expected_vwap, rtol=1e-9)


async def test_scrolling_to_the_oldest_candle_loads_more_history_in_place(hub, chart, exchange) -> None:
    tf = timeframe("15m")
    feed = open_feed(hub, chart, tf)
    await wait_for(lambda: feed.series.loaded and not feed.series.loading, timeout=30)
    first_before, count_before = int(chart.data.arrays.time[0]), len(chart.data)
    loading: list[bool] = []
    feed.loading_changed.connect(loading.append)
    chart.ranges.pan_by(-(len(chart.data) + 500))  # drag all the way back
    assert not chart.following and feed.series.loading and loading == [True], "asked for older history"
    left_time = chart.ranges.left_time()
    await wait_for(lambda: not feed.series.loading, timeout=30)
    times = chart.data.arrays.time
    assert times[0] < first_before and len(times) > count_before
    older_from = int(feed.series.requested_from_ms)
    now = exchange_now_ms(await admin(exchange, "clock"))
    assert_same_candles(times, exchange_times(exchange, "AAPL", tf, older_from, now))
    assert chart.ranges.left_time() == left_time, "the candles on screen stayed where they were"
