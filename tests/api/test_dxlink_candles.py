"""CandleSeries: snapshot rules (dxlink.md §6.2), live updates, resync and older-history merges."""

from __future__ import annotations

import math

import numpy as np

from desktop.api.dxlink.candles import CandleSeries
from desktop.api.dxlink.events import Candle
from desktop.core.candles import (
    REMOVE_EVENT,
    SNAPSHOT_BEGIN,
    SNAPSHOT_END,
    SNAPSHOT_SNIP,
    TX_PENDING,
    event_index,
)

SYM = "AAPL{=5m}"
STEP = 300_000
T0 = 1_700_000_100_000 - 1_700_000_100_000 % STEP
NAN = float("nan")


def candle(k: int, close: float | None = None, flags: int = 0) -> Candle:
    t = T0 + k * STEP
    c = 100.0 + k if close is None else close
    return Candle(SYM, event_index(t), t, c - 0.5, c + 1.0, c - 1.0, c, 1000.0 + k, c, 10, flags)


def virtual_end(k: int, flags: int = SNAPSHOT_END | REMOVE_EVENT) -> Candle:
    t = T0 + k * STEP
    return Candle(SYM, event_index(t), t, NAN, NAN, NAN, NAN, NAN, NAN, NAN, flags)


def snapshot(first: int, last: int, *, exact: bool = True, end_flag: int = SNAPSHOT_END) -> list[Candle]:
    """Candles ``first..last`` newest first, as the server sends them (fromTime at ``first``)."""
    events = [candle(k) for k in range(last, first - 1, -1)]
    if exact:
        events[-1] = events[-1]._replace(flags=end_flag)
    else:
        events.append(virtual_end(first - 1, end_flag | REMOVE_EVENT))
    events[0] = events[0]._replace(flags=events[0].flags | SNAPSHOT_BEGIN)
    return events


class Recorder:
    def __init__(self, series: CandleSeries) -> None:
        self.resets = 0
        self.updates: list[tuple[int, bool]] = []
        series.on_reset.connect(self.on_reset)
        series.on_update.connect(self.on_update)

    def on_reset(self) -> None:
        self.resets += 1

    def on_update(self, i: int, is_new: bool) -> None:
        self.updates.append((i, is_new))


def closes(series: CandleSeries) -> list[float]:
    return series.closes.tolist()


def assert_consistent(series: CandleSeries) -> None:
    idx = series.indices
    assert np.all(np.diff(idx) > 0), "indices must be strictly ascending (no duplicates)"
    assert np.all(np.diff(series.times) == STEP), "no gaps between 5-minute candles"


def test_a_descending_snapshot_becomes_an_ascending_series_only_when_complete() -> None:
    series = CandleSeries(SYM, T0)
    rec = Recorder(series)
    events = snapshot(0, 9)
    series.apply(events[:5])
    assert len(series) == 0 and series.loading and rec.resets == 0  # partial snapshot: wait
    series.apply(events[5:])
    assert len(series) == 10 and series.loaded and not series.loading
    assert closes(series) == [100.0 + k for k in range(10)]
    assert series.times[0] == T0 and rec.resets == 1
    assert_consistent(series)


def test_virtual_remove_end_marks_from_time_without_adding_a_candle() -> None:
    series = CandleSeries(SYM, T0 - STEP)
    series.apply(snapshot(0, 4, exact=False))
    assert len(series) == 5 and not any(math.isnan(c) for c in closes(series))


def test_an_empty_snapshot_loads_an_empty_series() -> None:
    series = CandleSeries(SYM, T0)
    rec = Recorder(series)
    series.apply([virtual_end(0, SNAPSHOT_BEGIN | SNAPSHOT_END | REMOVE_EVENT)])
    assert series.loaded and len(series) == 0 and rec.resets == 1


def test_live_updates_change_the_last_candle_then_append_the_next() -> None:
    series = CandleSeries(SYM, T0)
    series.apply(snapshot(0, 4))
    rec = Recorder(series)
    series.apply([candle(4, close=110.0)])
    series.apply([candle(4, close=111.0)])
    assert closes(series)[-1] == 111.0 and len(series) == 5
    series.apply([candle(5, close=112.0)])
    assert len(series) == 6 and closes(series)[-1] == 112.0
    assert rec.updates == [(4, False), (4, False), (5, True)] and rec.resets == 0
    assert_consistent(series)


def test_transactions_wait_for_tx_pending_to_clear() -> None:
    series = CandleSeries(SYM, T0)
    series.apply(snapshot(0, 2))
    series.apply([candle(3, close=50.0, flags=TX_PENDING)])
    assert len(series) == 3
    series.apply([candle(3, close=51.0)])
    assert len(series) == 4 and closes(series)[-1] == 51.0


def test_a_snapshot_whose_end_is_pending_waits_for_the_transaction() -> None:
    series = CandleSeries(SYM, T0)
    events = snapshot(0, 3)
    events[-1] = events[-1]._replace(flags=SNAPSHOT_END | TX_PENDING)
    series.apply(events)
    assert not series.loaded
    series.apply([candle(3, close=200.0)])
    assert series.loaded and closes(series)[-1] == 200.0 and len(series) == 4


def test_resync_after_reconnect_has_no_gap_and_no_duplicate() -> None:
    series = CandleSeries(SYM, T0)
    series.apply(snapshot(0, 9))
    series.connection_lost()
    assert series.resync_from_ms() == T0 + 9 * STEP  # only the tail needs to come again
    rec = Recorder(series)
    series.apply(snapshot(9, 14))  # four candles were missed while disconnected
    assert len(series) == 15 and rec.resets == 1
    assert closes(series) == [100.0 + k for k in range(15)]
    assert_consistent(series)


def test_a_half_received_snapshot_is_dropped_on_connection_loss() -> None:
    series = CandleSeries(SYM, T0)
    events = snapshot(0, 9)
    series.apply(events[:4])
    series.connection_lost()
    assert series.resync_from_ms() == T0  # still the original request
    series.apply(snapshot(0, 10))
    assert len(series) == 11
    assert_consistent(series)


def test_loading_older_history_merges_in_front() -> None:
    series = CandleSeries(SYM, T0 + 10 * STEP)
    asked: list[int] = []
    series.request_history = asked.append
    series.apply(snapshot(10, 19))
    assert series.load_older(T0)
    assert asked == [T0] and series.loading
    assert not series.load_older(T0 + 5 * STEP)  # already on its way
    series.apply(snapshot(0, 19))
    assert len(series) == 20 and not series.loading
    assert_consistent(series)
    assert not series.load_older(T0 + 2 * STEP)  # already covered


def test_a_snipped_snapshot_never_leaves_a_gap() -> None:
    series = CandleSeries(SYM, T0)
    series.apply(snapshot(0, 5))
    series.connection_lost()
    series.apply(snapshot(20, 25, end_flag=SNAPSHOT_SNIP))  # the server capped the catch-up
    assert len(series) == 6 and series.times[0] == T0 + 20 * STEP
    assert_consistent(series)


def test_remove_outside_a_snapshot_deletes_that_candle() -> None:
    series = CandleSeries(SYM, T0)
    series.apply(snapshot(0, 3))
    rec = Recorder(series)
    series.apply([candle(3)._replace(flags=REMOVE_EVENT)])
    assert len(series) == 3 and rec.resets == 1


def test_an_out_of_order_live_event_is_inserted_in_place() -> None:
    series = CandleSeries(SYM, T0)
    series.apply(snapshot(0, 2))
    series.apply([candle(4)])
    series.apply([candle(3)])
    assert closes(series) == [100.0, 101.0, 102.0, 103.0, 104.0]
    series.apply([candle(1, close=5.0)])
    assert closes(series)[1] == 5.0


def test_growth_beyond_capacity_keeps_every_candle() -> None:
    series = CandleSeries(SYM, T0, capacity=4)
    series.apply(snapshot(0, 99))
    for k in range(100, 150):
        series.apply([candle(k)])
    assert len(series) == 150 and series.candle(-1).close == 249.0
    assert series.candle(0) == candle(0)
    assert_consistent(series)


def test_a_failing_listener_does_not_stop_the_others() -> None:
    series = CandleSeries(SYM, T0)

    def broken() -> None:
        raise RuntimeError("boom")

    rec = Recorder(series)
    series.on_reset.connect(broken)
    series.on_reset.disconnect(rec.on_reset)
    series.on_reset.connect(rec.on_reset)
    series.apply(snapshot(0, 1))
    assert rec.resets == 1
