"""Feeds a chart from a shared DXLink ``CandleSeries``: snapshots, live ticks, older history.

The series (``desktop.api.dxlink.candles``) is owned by the market data hub and may be shared
by several charts; each chart keeps its own copy in numpy arrays. A completed snapshot (first
load, resync after a reconnect, older history merged in) replaces the chart's candles; a live
update is one O(1) ``upsert``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from .chart_view import CandleChart
from .timeframes import Timeframe

log = logging.getLogger(__name__)


class SeriesFeed(QObject):
    """One chart's subscription: open/close, history paging and readiness."""

    status_changed = Signal(str)  # a sentence for the status line
    loading_changed = Signal(bool)

    def __init__(self, hub: Any, chart: CandleChart, owner: QObject) -> None:
        """``owner`` (the panel) parents this feed; the hub sees a plain key per feed."""
        super().__init__(owner)
        self._hub = hub
        self._chart = chart
        # A plain key, released explicitly (close) when the chart goes away, rather than a QObject
        # the hub would release from its destroyed signal during widget teardown.
        self._owner = ("chart-feed", id(self))
        self.series: Any = None
        self.candle_symbol = ""
        self.title = ""
        self.timeframe: Timeframe | None = None
        self.live_updates = 0  # updates of the live candle since the last load
        self.exhausted = False  # the server had nothing older to give
        self._first_before_older: int | None = None
        chart.historyWanted.connect(self.load_older)
        # The series outlives charts (the hub shares it): let go of it when the chart goes away,
        # or its next event would be written into a deleted widget.
        chart.destroyed.connect(lambda *_: SeriesFeed.close(self))

    # ------------------------------------------------------------------ lifecycle
    def open(self, candle_symbol: str, timeframe: Timeframe, title: str) -> None:
        """Subscribe ``candle_symbol`` with the timeframe's default history; drops the old one.

        The new subscription is taken before the old one is released, so re-opening the same
        symbol keeps its series (an unsubscribe and subscribe in one tick would cancel out on
        the wire and no new snapshot would come).
        """
        old, old_symbol = self.series, self.candle_symbol
        if old is not None:
            self._disconnect(old)
            self.series = None
        self.candle_symbol, self.timeframe, self.title = candle_symbol, timeframe, title
        self.live_updates = 0
        self.exhausted = False
        self._chart.clear_candles()
        self._chart.set_following(True)
        from_ms = timeframe.history_start_ms(int(time.time() * 1000))
        series = self._hub.open_candles(self._owner, candle_symbol, from_ms)
        if old is not None and old_symbol != candle_symbol:
            self._hub.close_candles(self._owner, old_symbol)
        self.series = series
        series.on_reset.connect(self._on_reset)
        series.on_update.connect(self._on_update)
        series.on_loading_changed.connect(self._on_loading)
        if series.loaded:
            self._on_reset()
        self._report()

    def close(self) -> None:
        """Stop feeding the chart and release our share of the series (safe to call twice)."""
        series, self.series = self.series, None
        if series is None:
            return
        self._disconnect(series)
        self._hub.close_candles(self._owner, self.candle_symbol)

    def _disconnect(self, series: Any) -> None:
        series.on_reset.disconnect(self._on_reset)
        series.on_update.disconnect(self._on_update)
        series.on_loading_changed.disconnect(self._on_loading)

    # ------------------------------------------------------------------ history
    def load_older(self) -> None:
        """Ask for the timeframe's default span again, before the oldest loaded candle."""
        series, tf = self.series, self.timeframe
        if series is None or tf is None or self.exhausted or series.loading or not series.loaded:
            return
        new_from = tf.history_start_ms(int(series.requested_from_ms))
        self._first_before_older = int(series.times[0]) if len(series) else None
        if series.load_older(new_from):
            log.info(
                "Loading older %s history (from %s)",
                self.title,
                time.strftime("%Y-%m-%d", time.gmtime(new_from / 1000)),
            )
        else:
            self.exhausted = True
        self._report()

    # ------------------------------------------------------------------ readiness
    def readiness(self) -> str | None:
        """None once the chart shows history and a live candle has ticked (smoke test)."""
        series = self.series
        if series is None:
            return "no chart symbol loaded"
        if not series.loaded or len(self._chart.data) < 2:
            return f"waiting for {self.title} history"
        if self.live_updates == 0:
            return f"waiting for a live {self.title} candle"
        return None

    # ------------------------------------------------------------------ series callbacks
    def _chart_alive(self) -> bool:
        if shiboken6.isValid(self._chart):
            return True
        self.close()
        return False

    def _on_reset(self) -> None:
        s = self.series
        if s is None or not self._chart_alive():
            return
        self._chart.set_candles(s.times, s.opens, s.highs, s.lows, s.closes, s.volumes)
        self._report()

    def _on_update(self, i: int, is_new: bool) -> None:
        s = self.series
        if s is None or not self._chart_alive():
            return
        self._chart.upsert(
            int(s.times[i]),
            float(s.opens[i]),
            float(s.highs[i]),
            float(s.lows[i]),
            float(s.closes[i]),
            float(s.volumes[i]),
        )
        if i == len(s) - 1:
            self.live_updates += 1

    def _on_loading(self, loading: bool) -> None:
        s = self.series
        if not self._chart_alive():
            return
        if not loading and s is not None and self._first_before_older is not None:
            oldest = int(s.times[0]) if len(s) else None
            if oldest is None or oldest >= self._first_before_older:
                self.exhausted = True  # the merged snapshot added nothing older
            self._first_before_older = None
        self.loading_changed.emit(loading)
        self._report()

    def _report(self) -> None:
        s = self.series
        if s is None:
            text = ""
        elif not s.loaded:
            text = f"Loading {self.title} history…"
        elif s.loading:
            text = f"Loading older {self.title} history…"
        else:
            text = f"{self.title} · {len(s):,} candles"
            if self.exhausted:
                text += " · no older history available"
        self.status_changed.emit(text)
