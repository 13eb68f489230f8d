"""Chart renderer benchmark: first paint, pan/zoom repaint and live-update cost.

Runs offscreen with the chart widget shown at 1600x900, for 1,000 and 100,000 one-minute
candles (US regular hours, so the index axis skips nights and weekends) with SMA(20) and
Bollinger(20, 2) on. Figures (milliseconds unless named ``_us``):

* ``chart_first_paint_ms_<n>``: a new chart gets its candles (``set_candles``: arrays, range
  trees, indicators, local times) and is rendered whole with ``grab()``. Median of 3 charts.
  The ``_cpu_`` variants of this and the repaint figure are the process's CPU time for the same
  work: on a shared, loaded machine they show the cost without the waiting.
* ``chart_repaint_ms_<n>``: one pan or zoom step (a new visible range, so the geometry cache
  misses) rendered whole with ``grab()``. Median over 40 steps across the history.
  ``chart_repaint_ms_<n>_all_visible``: the same with every candle on screen (aggregated LOD).
* ``chart_live_update_us_<n>``: CPU time of one tick on the live candle: apply it to the model
  and indicators, flush to the items and let Qt repaint the dirty region of the shown window
  (the live candle, its volume bar, indicator tails, the last-price line and tag). Median of
  400 ticks. The script checks that these were real partial repaints: the finished-history
  geometry was not rebuilt, and the live item painted once per tick.
* ``chart_live_update_ratio_100k_vs_1k``: the 100k live-update cost over the 1k cost.

Absolute times depend on machine load; nothing is asserted here.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np
from PySide6.QtWidgets import QApplication

from desktop.ui.charts.chart_view import CandleChart
from desktop.ui.charts.indicators import IndicatorSpec
from desktop.ui.charts.local_time import zone_by_name

WIDTH, HEIGHT = 1600, 900
SPECS = [IndicatorSpec("sma", 20), IndicatorSpec("bollinger", 20, 2.0)]
ZONE = zone_by_name("America/New_York")


def synthetic_candles(n: int, seed: int = 11) -> tuple[np.ndarray, ...]:
    """``n`` one-minute candles over US regular sessions (weekdays 14:30-21:00 UTC)."""
    rng = np.random.default_rng(seed)
    per_day = 390
    days = np.arange(np.datetime64("2019-01-07"), np.datetime64("2019-01-07") + 3 * (n // per_day + 10))
    weekdays = days[((days.astype(np.int64) + 3) % 7) < 5]
    day_ms = weekdays.astype("datetime64[ms]").astype(np.int64) + 52_200_000  # 14:30 UTC
    t = (day_ms[:, None] + np.arange(per_day)[None, :] * 60_000).ravel()[:n]
    c = 100 + np.cumsum(rng.normal(0, 0.08, n))
    o = np.r_[c[0], c[:-1]] + rng.normal(0, 0.02, n)
    h = np.maximum(o, c) + rng.exponential(0.04, n)
    lo = np.minimum(o, c) - rng.exponential(0.04, n)
    v = rng.lognormal(7, 0.7, n)
    return t, o, h, lo, c, v


def settle(app: QApplication) -> None:
    """Let the scene's deferred updates reach the window (several event-loop rounds)."""
    for _ in range(5):
        app.processEvents()


def new_chart(app: QApplication) -> CandleChart:
    chart = CandleChart(ZONE)
    chart.resize(WIDTH, HEIGHT)
    chart.show()
    app.processEvents()
    chart.set_indicators(SPECS)
    return chart


def first_paint_ms(app: QApplication, cols: tuple[np.ndarray, ...]) -> tuple[float, float]:
    """(wall, CPU) milliseconds, medians of 3 new charts."""
    wall, cpu = [], []
    for _ in range(3):
        chart = new_chart(app)
        t0, c0 = time.perf_counter(), time.process_time()
        chart.set_candles(*cols)
        chart.grab()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        chart.close()
        chart.deleteLater()
        app.processEvents()
    return statistics.median(wall), statistics.median(cpu)


def repaint_ms(app: QApplication, chart: CandleChart, n: int) -> tuple[float, float, float]:
    """(wall, CPU, all-visible wall) milliseconds."""
    chart.set_following(False)
    width = 200.0
    times, cpu = [], []
    rng = np.random.default_rng(5)
    for k in range(40):
        if k % 4 == 3:
            width = float(np.clip(width * rng.choice([0.7, 1.4]), 40, 1500))
        left = float(rng.uniform(0, max(1.0, n - width)))
        builds = chart.history_item.build_count
        t0, c0 = time.perf_counter(), time.process_time()
        chart.ranges.set_x(left, left + width)  # includes the y-range fit for the new span
        chart.grab()
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        assert chart.history_item.build_count == builds + 1, "a pan/zoom step must rebuild (cache miss)"
        settle(app)
    chart.ranges.set_x(-0.5, n - 0.5)
    settle(app)
    all_times = []
    for _ in range(10):
        chart.history_item._cache_key = None  # force a real rebuild of the same view
        chart.lines_item._cache_key = None
        t0 = time.perf_counter()
        chart.grab()
        all_times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), statistics.median(cpu), statistics.median(all_times)


def live_update_us(app: QApplication, chart: CandleChart) -> float:
    chart.set_following(True)
    chart.flush()
    settle(app)
    a = chart.data.arrays
    t_live, o, h, lo, c, v = a.row(len(a) - 1)
    rng = np.random.default_rng(9)
    builds = chart.history_item.build_count
    live_paints = chart.live_item.paint_count
    times = []
    ticks = 400
    for _ in range(ticks):
        c = float(np.clip(c + rng.normal(0, 0.01), lo, h))  # inside the candle's range: no refit
        v += float(rng.integers(1, 50))
        t0 = time.process_time()
        chart.upsert(t_live, o, h, lo, c, v)
        chart.flush()
        app.processEvents()
        times.append((time.process_time() - t0) * 1e6)
    assert chart.history_item.build_count == builds, "live ticks rebuilt the history geometry"
    painted = chart.live_item.paint_count - live_paints
    assert painted >= ticks * 0.95, f"live candle painted {painted} times for {ticks} ticks"
    return statistics.median(times)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    warm = new_chart(app)  # fonts, glyph caches, numpy code paths
    warm.set_candles(*synthetic_candles(2000))
    warm.grab()
    warm.close()
    live = {}
    for n, tag in ((1_000, "1k"), (100_000, "100k")):
        cols = synthetic_candles(n)
        fp_wall, fp_cpu = first_paint_ms(app, cols)
        print(f"chart_first_paint_ms_{tag}: {fp_wall:.2f}", flush=True)
        print(f"chart_first_paint_cpu_ms_{tag}: {fp_cpu:.2f}", flush=True)
        chart = new_chart(app)
        chart.set_candles(*cols)
        app.processEvents()
        live[tag] = live_update_us(app, chart)
        rep, rep_cpu, rep_all = repaint_ms(app, chart, n)
        print(f"chart_repaint_ms_{tag}: {rep:.2f}", flush=True)
        print(f"chart_repaint_cpu_ms_{tag}: {rep_cpu:.2f}", flush=True)
        print(f"chart_repaint_ms_{tag}_all_visible: {rep_all:.2f}", flush=True)
        print(f"chart_live_update_us_{tag}: {live[tag]:.1f}", flush=True)
        chart.close()
    print(f"chart_live_update_ratio_100k_vs_1k: {live['100k'] / live['1k']:.2f}", flush=True)


if __name__ == "__main__":
    main()
