"""SeriesFeed: a chart kept equal to a DXLink CandleSeries through snapshots, ticks and paging.

The series is the real ``CandleSeries`` fed with protocol-shaped events (snapshot flags,
newest first); only the hub is a small stand-in. The same paths over the live exchange are in
``test_chart_live.py``.
"""

from __future__ import annotations

import time
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QObject

from desktop.api.dxlink.candles import CandleSeries
from desktop.api.dxlink.events import Candle
from desktop.core.candles import REMOVE_EVENT, SNAPSHOT_BEGIN, SNAPSHOT_END, event_index
from desktop.ui.charts.chart_view import CandleChart
from desktop.ui.charts.series_feed import SeriesFeed
from desktop.ui.charts.timeframes import timeframe

SYMBOL = "AAPL{=5m}"
PERIOD = 300_000


class Hub:
    """The two hub calls the feed makes, backed by real series."""

    def __init__(self) -> None:
        self.series: dict[str, CandleSeries] = {}
        self.history_requests: list[int] = []
        self.closed: list[str] = []

    def open_candles(self, owner: object, symbol: str, from_ms: int) -> CandleSeries:
        s = self.series.get(symbol)
        if s is None:
            s = self.series[symbol] = CandleSeries(symbol, from_ms)
            s.request_history = self.history_requests.append
        return s

    def close_candles(self, owner: object, symbol: str) -> None:
        self.closed.append(symbol)


def bar(t: int, price: float, flags: int = 0, volume: float = 100.0) -> Candle:
    return Candle(
        SYMBOL, event_index(t), t, price, price + 0.5, price - 0.5, price + 0.1, volume, price, 10, flags
    )


def snapshot(times: list[int], from_ms: int, price: float = 100.0) -> list[Candle]:
    """Newest first, BEGIN on the first event; END on a virtual REMOVE event at ``from_ms``
    when no candle starts exactly there (as DXLink sends it)."""
    events = [bar(t, price + k * 0.01) for k, t in enumerate(sorted(times, reverse=True))]
    if min(times) > from_ms:
        nan = float("nan")
        events.append(
            Candle(SYMBOL, event_index(from_ms), from_ms, nan, nan, nan, nan, nan, nan, nan, REMOVE_EVENT)
        )
    events[0] = events[0]._replace(flags=events[0].flags | SNAPSHOT_BEGIN)
    events[-1] = events[-1]._replace(flags=events[-1].flags | SNAPSHOT_END)
    return events


@pytest.fixture
def setup(qtbot):
    chart = CandleChart(ZoneInfo("UTC"))
    qtbot.addWidget(chart)
    owner = QObject()
    hub = Hub()
    feed = SeriesFeed(hub, chart, owner)
    statuses: list[str] = []
    feed.status_changed.connect(statuses.append)
    feed.open(SYMBOL, timeframe("5m"), "AAPL 5m")
    yield hub, hub.series[SYMBOL], chart, feed, statuses
    feed.close()


def aligned_now() -> int:
    now = int(time.time() * 1000)
    return now - now % PERIOD


def test_history_then_live_ticks_then_a_new_candle(setup) -> None:
    _hub, series, chart, feed, statuses = setup
    assert feed.readiness() == "waiting for AAPL 5m history" and statuses[-1] == "Loading AAPL 5m history…"
    now = aligned_now()
    times = [now - k * PERIOD for k in range(50)]
    series.apply(snapshot(times, series.requested_from_ms))
    assert len(chart.data) == 50 and np.array_equal(chart.data.arrays.time, np.sort(times))
    assert feed.readiness() == "waiting for a live AAPL 5m candle"
    assert statuses[-1] == "AAPL 5m · 50 candles"
    series.apply([bar(now, 101.0, volume=250)])  # the live candle re-sent whole
    assert len(chart.data) == 50 and chart.data.arrays.close[-1] == pytest.approx(101.1)
    assert chart.data.arrays.volume[-1] == 250 and feed.readiness() is None
    series.apply([bar(now + PERIOD, 102.0)])  # the period rolled
    assert len(chart.data) == 51 and chart.data.arrays.time[-1] == now + PERIOD
    chart.resize(800, 500)
    chart.flush()  # what the coalescing timer does within 33 ms
    chart.grab()
    assert chart.history_item.rows_drawn > 0 and chart.live_item.paint_count > 0, "the candles are painted"


def test_a_resync_snapshot_leaves_no_gap_and_no_duplicate(setup) -> None:
    _hub, series, chart, _feed, _ = setup
    now = aligned_now()
    series.apply(snapshot([now - k * PERIOD for k in range(30)], series.requested_from_ms))
    # the connection dropped for a while; the resubscription's snapshot starts at the last candle
    series.connection_lost()
    resync_from = series.resync_from_ms()
    assert resync_from == now
    series.apply(snapshot([now + k * PERIOD for k in range(4)], resync_from, price=105.0))
    times = chart.data.arrays.time
    assert len(times) == 33 and np.all(np.diff(times) == PERIOD)
    assert np.array_equal(times, series.times) and np.allclose(chart.data.arrays.close, series.closes)


def test_scrolling_back_loads_older_history_until_there_is_none(setup) -> None:
    hub, series, chart, feed, statuses = setup
    now = aligned_now()
    series.apply(snapshot([now - k * PERIOD for k in range(20)], series.requested_from_ms))
    first = int(series.times[0])
    feed.load_older()
    assert hub.history_requests and hub.history_requests[-1] < first
    assert statuses[-1] == "Loading older AAPL 5m history…"
    older = hub.history_requests[-1]
    series.apply(snapshot([older + k * PERIOD for k in range((first - older) // PERIOD + 20)], older))
    assert int(chart.data.arrays.time[0]) == older and not feed.exhausted
    assert np.all(np.diff(chart.data.arrays.time) == PERIOD)
    feed.load_older()  # the server has nothing before `older`: the merged snapshot adds nothing
    oldest = hub.history_requests[-1]
    assert oldest < older
    everything = [older + k * PERIOD for k in range((now - older) // PERIOD + 1)]
    series.apply(snapshot(everything, oldest))  # starts at `older` again: nothing before it exists
    assert len(chart.data) == len(everything) and int(chart.data.arrays.time[0]) == older
    assert feed.exhausted and statuses[-1].endswith("no older history available")
    requests = len(hub.history_requests)
    feed.load_older()
    assert len(hub.history_requests) == requests, "no more requests once the history is exhausted"


def test_reopening_the_same_symbol_keeps_its_series(setup) -> None:
    hub, series, chart, feed, _ = setup
    now = aligned_now()
    series.apply(snapshot([now - k * PERIOD for k in range(10)], series.requested_from_ms))
    feed.open(SYMBOL, timeframe("5m"), "AAPL 5m")
    assert feed.series is series and hub.closed == [], "no unsubscribe/subscribe pair on the wire"
    assert len(chart.data) == 10 and len(series.on_update) == 1, "shown again, listening once"
    feed.open("MSFT{=5m}", timeframe("5m"), "MSFT 5m")
    assert hub.closed == [SYMBOL] and len(series.on_update) == 0


def test_closing_releases_the_series(setup) -> None:
    hub, series, _chart, feed, _ = setup
    feed.close()
    assert hub.closed == [SYMBOL] and len(series.on_update) == 0 and len(series.on_reset) == 0
