"""The chart's Qt-free parts: candle arrays, range trees, LOD, indicators, zones, timeframes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from desktop.ui.charts.candle_arrays import CandleArrays, Change
from desktop.ui.charts.indicators import Indicator, IndicatorSpec, bollinger, ema, sma, vwap
from desktop.ui.charts.local_time import ZoneOffsets
from desktop.ui.charts.lod import aggregate, decimate_line, lod_bucket
from desktop.ui.charts.range_tree import RangeTree
from desktop.ui.charts.time_axis import boundary_ids, choose_step, label_for, spaced_out
from desktop.ui.charts.timeframes import TIMEFRAMES, timeframe

T0 = 1_741_615_200_000  # 2025-03-10 14:00 UTC, a Monday


def walk(n: int, seed: int = 1) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    t = T0 + np.arange(n, dtype=np.int64) * 60_000
    c = 100 + np.cumsum(rng.normal(0, 0.3, n))
    o = np.r_[c[0], c[:-1]]
    h = np.maximum(o, c) + rng.random(n)
    lo = np.minimum(o, c) - rng.random(n)
    v = rng.integers(0, 5000, n).astype(float)
    return t, o, h, lo, c, v


# ---------------------------------------------------------------- candle arrays
def test_updates_are_classified_so_a_tick_costs_one_row() -> None:
    a = CandleArrays(capacity=16)
    t, o, h, lo, c, v = walk(40)
    a.set_all(t[:30], o[:30], h[:30], lo[:30], c[:30], v[:30])
    version = a.history_version
    assert a.upsert(int(t[29]), o[29], h[29] + 1, lo[29], c[29], v[29] + 5) is Change.UPDATED_LIVE
    assert a.history_version == version, "a live tick must not invalidate the finished history"
    assert a.high[-1] == h[29] + 1 and len(a) == 30
    assert a.upsert(int(t[30]), o[30], h[30], lo[30], c[30], v[30]) is Change.APPENDED
    assert len(a) == 31 and a.finished_count == 30 and a.history_version == version + 1
    assert a.upsert(int(t[5]), 1, 2, 0.5, 1.5, 10) is Change.REBUILT  # an old candle corrected
    assert a.close[5] == 1.5
    assert a.upsert(int(t[5]) + 30_000, 1, 2, 0.5, 1.5, 10) is Change.REBUILT  # inserted in order
    assert len(a) == 32 and np.all(np.diff(a.time) > 0)
    assert a.remove(int(t[5]) + 30_000) is Change.REBUILT and len(a) == 31
    assert a.remove(123) is Change.NONE
    for k in range(31, 40):  # growth past the capacity keeps every row
        a.upsert(int(t[k]), o[k], h[k], lo[k], c[k], v[k])
    assert len(a) == 40 and np.array_equal(a.time, t)


def test_snapshots_drop_duplicates_and_repair_missing_numbers() -> None:
    a = CandleArrays()
    nan = float("nan")
    a.set_all(
        [1, 2, 2, 3, 4],
        [1, 2, 2.5, nan, 4],
        [1, 2, 3, nan, 4],
        [1, 2, 2, nan, 4],
        [1, 2, 2.8, 3, nan],
        [1, nan, 5, 5, 5],
    )
    assert list(a.time) == [1, 2, 3]  # the later duplicate wins, a candle without a close is dropped
    assert a.close[1] == 2.8 and a.volume[1] == 5
    assert (a.open[2], a.high[2], a.low[2]) == (3, 3, 3)  # NaN prices filled from the close


def test_older_history_is_prepended_in_order() -> None:
    a = CandleArrays()
    t, o, h, lo, c, v = walk(20)
    a.set_all(t[10:], o[10:], h[10:], lo[10:], c[10:], v[10:])
    rows = [(int(t[k]), o[k], h[k], lo[k], c[k], v[k]) for k in (3, 1, 2, 0, 4, 5, 6, 7, 8, 9, 10)]
    assert a.prepend(rows) == 10  # the overlapping row (t[10]) is not duplicated
    assert np.array_equal(a.time, t) and np.allclose(a.close, c)


# ---------------------------------------------------------------- range tree
@pytest.mark.parametrize("op", ["min", "max"])
def test_range_tree_answers_like_numpy_while_growing(op: str) -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=1000)
    tree = RangeTree(op)
    tree.build(values[:300])
    for x in values[300:]:
        tree.append(float(x))
    ref = np.min if op == "min" else np.max
    for _ in range(500):
        a, b = sorted(rng.integers(0, 1001, 2))
        expected = ref(values[a:b]) if b > a else (np.inf if op == "min" else -np.inf)
        assert tree.query(int(a), int(b)) == expected
    tree.set(500, 1e9 if op == "max" else -1e9)
    assert tree.query(0, 1000) == (1e9 if op == "max" else -1e9)


# ---------------------------------------------------------------- level of detail
def test_lod_switches_to_buckets_above_two_candles_per_pixel() -> None:
    assert lod_bucket(0.5) == 1 and lod_bucket(2.0) == 1
    assert lod_bucket(2.5) == 2 and lod_bucket(7.9) == 4 and lod_bucket(64) == 64


def test_aggregated_buckets_keep_every_extreme() -> None:
    _t, o, h, lo, c, v = walk(1000)
    b = aggregate(o, h, lo, c, v, 37, 901, 16)
    assert b.first[0] == 32 and b.first[-1] == 896  # aligned to the bucket size, not the view
    for k, first in enumerate(b.first):
        stop = min(first + 16, 901)
        assert b.high[k] == h[first:stop].max() and b.low[k] == lo[first:stop].min()
        assert b.open[k] == o[first] and b.close[k] == c[stop - 1]
        assert b.volume_max[k] == v[first:stop].max()
    idx, vals = decimate_line(c, 37, 901, 16)
    assert idx[0] == 32 and idx[-1] == 900 and np.array_equal(vals, c[idx])


# ---------------------------------------------------------------- indicators
def reference_ema(x: np.ndarray, period: int) -> np.ndarray:
    out = np.full(x.size, np.nan)
    alpha = 2 / (period + 1)
    value = x[:period].mean()
    out[period - 1] = value
    for i in range(period, x.size):
        value = alpha * x[i] + (1 - alpha) * value
        out[i] = value
    return out


def test_indicators_match_textbook_definitions() -> None:
    t, _o, h, lo, c, v = walk(3000)
    np.testing.assert_allclose(sma(c, 20)[19:], np.convolve(c, np.ones(20) / 20, "valid"), rtol=1e-12)
    assert np.isnan(sma(c, 20)[:19]).all()
    for period in (1, 5, 50, 200):
        np.testing.assert_allclose(ema(c, period), reference_ema(c, period), rtol=1e-11, equal_nan=True)
    upper, mid, lower = bollinger(c, 20, 2.0)
    for i in (19, 500, 2999):
        window = c[i - 19 : i + 1]
        assert mid[i] == pytest.approx(window.mean(), rel=1e-12)
        assert upper[i] == pytest.approx(window.mean() + 2 * window.std(), rel=1e-12)
        assert lower[i] == pytest.approx(window.mean() - 2 * window.std(), rel=1e-12)
    sessions = (t - T0) // (390 * 60_000)  # a new anchor every 390 candles
    got = vwap(h, lo, c, v, sessions)
    tp = (h + lo + c) / 3
    for i in (0, 389, 390, 391, 2999):
        start = int(np.flatnonzero(sessions == sessions[i])[0])
        expected = (tp[start : i + 1] * v[start : i + 1]).sum() / v[start : i + 1].sum()
        assert got[i] == pytest.approx(expected, rel=1e-12)


def test_live_ticks_and_new_candles_update_indicators_like_a_full_recompute() -> None:
    t, o, h, lo, c, v = walk(1500, seed=7)
    anchors = (t - T0) // (390 * 60_000)
    specs = [
        IndicatorSpec("sma", 20),
        IndicatorSpec("ema", 9),
        IndicatorSpec("bollinger", 20, 2.5),
        IndicatorSpec("vwap"),
    ]
    arr = CandleArrays()
    arr.set_all(t[:50], o[:50], h[:50], lo[:50], c[:50], v[:50])
    live = [Indicator(s) for s in specs]
    for ind in live:
        ind.recompute(arr, anchors[:50])
    for i in range(50, 1500):
        for frac in (0.3, 1.0):  # an early tick of the new candle, then its final values
            cc = o[i] + (c[i] - o[i]) * frac
            change = arr.upsert(int(t[i]), o[i], max(h[i], cc), min(lo[i], cc), cc, v[i] * frac)
            for ind in live:
                ind.update(change, arr, anchors[: len(arr)])
    for spec, ind in zip(specs, live, strict=True):
        full = Indicator(spec)
        full.recompute(arr, anchors)
        for name in spec.line_names:
            np.testing.assert_allclose(ind.line(name), full.line(name), rtol=1e-10, equal_nan=True)


def test_indicators_can_be_chosen_before_any_candle_arrives() -> None:
    arr = CandleArrays()
    inds = [Indicator(IndicatorSpec(k)) for k in ("sma", "ema", "vwap", "bollinger")]
    for ind in inds:
        ind.recompute(arr, np.zeros(0, dtype=np.int64))
    t, o, h, lo, c, v = walk(30)
    for i in range(30):
        change = arr.upsert(int(t[i]), o[i], h[i], lo[i], c[i], v[i])
        for ind in inds:
            ind.update(change, arr, np.zeros(i + 1, dtype=np.int64))
    np.testing.assert_allclose(inds[2].line("vwap")[-1], ((h + lo + c) / 3 * v).sum() / v.sum(), rtol=1e-12)
    np.testing.assert_allclose(inds[0].line("sma")[-1], c[-20:].mean(), rtol=1e-12)


def test_bad_indicator_settings_are_refused_in_words() -> None:
    with pytest.raises(ValueError, match="SMA period"):
        IndicatorSpec("sma", 0)
    with pytest.raises(ValueError, match="unknown indicator"):
        IndicatorSpec("macd")
    assert IndicatorSpec("bollinger", 20, 2).label == "BB(20, 2)"


# ---------------------------------------------------------------- time zones and axis
@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata"])
def test_local_times_match_zoneinfo_across_dst_changes(zone: str) -> None:
    tz = ZoneInfo(zone)
    times = np.arange(1_704_067_200_000, 1_735_689_600_000, 3_517_000, dtype=np.int64)  # 2024, odd step
    local = ZoneOffsets(tz).to_local_ms(times)
    for i in range(0, times.size, 7):
        dt = datetime.fromtimestamp(times[i] / 1000, tz)
        assert local[i] == times[i] + int(dt.utcoffset().total_seconds() * 1000)


def test_axis_ticks_sit_on_calendar_boundaries_with_readable_labels() -> None:
    ny = ZoneOffsets(ZoneInfo("America/New_York"))
    # two regular sessions of 5-minute candles (09:30-16:00 New York), Thursday and Friday
    days = [datetime(2025, 3, 13, 13, 30, tzinfo=UTC), datetime(2025, 3, 14, 13, 30, tzinfo=UTC)]
    t = np.concatenate([int(d.timestamp() * 1000) + np.arange(78) * 300_000 for d in days]).astype(np.int64)
    local = ny.to_local_ms(t)
    unit, amount = choose_step(local, max_labels=20)
    assert (unit, amount) == ("h", 1)
    ids = boundary_ids(local, unit, amount)
    ticks = np.flatnonzero(ids[1:] != ids[:-1]) + 1
    labels = [label_for(local[i], local[i - 1], unit) for i in ticks]
    assert labels[:2] == ["10:00", "11:00"]
    assert "Mar 14" in labels  # the new day is labelled by its date, not "09:30"
    assert label_for(local[0], None, "D") == "Mar 13"
    assert (
        label_for(
            int(datetime(2025, 1, 2).timestamp() * 1000), int(datetime(2024, 12, 31).timestamp() * 1000), "D"
        )
        == "2025"
    )


def test_colliding_axis_labels_keep_the_date() -> None:
    labelled = [(10, "14:00"), (60, "15:00"), (70, "Mar 14"), (120, "11:00"), (125, "12:00"), (300, "2025")]
    kept = spaced_out(labelled, px_per_index=2.0, min_px=84)  # 42 candles between labels at least
    assert kept == [(10, "14:00"), (70, "Mar 14"), (120, "11:00"), (300, "2025")]  # the date beat 15:00
    assert [i for i, _ in spaced_out(labelled, px_per_index=10.0, min_px=84)] == [10, 60, 70, 120, 300]


# ---------------------------------------------------------------- timeframes
def test_timeframes_load_the_recommended_history() -> None:
    now = int(datetime(2025, 3, 12, 15, 7, 33, tzinfo=UTC).timestamp() * 1000)  # a Wednesday
    expected = {"1m": 1441, "5m": 2017, "15m": 1345, "30m": 1441, "1h": 2185, "2h": 2185, "4h": 2191}
    for tf in TIMEFRAMES:
        start = tf.history_start_ms(now)
        if tf.period_ms < 86_400_000:
            assert start % tf.period_ms == 0, tf.label
        else:  # daily and weekly candles start at New York midnight
            local = datetime.fromtimestamp(start / 1000, ZoneInfo("America/New_York"))
            assert (local.hour, local.minute) == (0, 0) and (tf.label == "1d" or local.weekday() == 0)
        if tf.label in expected:
            assert tf.expected_candles(start, now) == expected[tf.label], tf.label
    assert timeframe("1d").expected_candles(timeframe("1d").history_start_ms(now), now) >= 366
    saturday = int(datetime(2025, 3, 15, 12, 0, tzinfo=UTC).timestamp() * 1000)
    assert timeframe("1m").history_start_ms(saturday) == int(
        datetime(2025, 3, 14, 0, 0, tzinfo=UTC).timestamp() * 1000
    )
    assert timeframe("5m").candle_symbol("AAPL", extended_hours=True) == "AAPL{=5m}"
    assert timeframe("1h").candle_symbol("SPY", extended_hours=False) == "SPY{=h,tho=true}"
    with pytest.raises(ValueError, match="choose one of 1m, 5m"):
        timeframe("3m")
