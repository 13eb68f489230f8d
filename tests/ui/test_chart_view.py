"""CandleChart offscreen: what it paints, how live ticks repaint, follow mode, ranges, LOD."""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication

from desktop.ui.charts.candle_arrays import Change
from desktop.ui.charts.chart_view import CandleChart
from desktop.ui.charts.crosshair import context_menu
from desktop.ui.charts.indicators import IndicatorSpec
from desktop.ui.charts.overlays import FillMarker, OrderLine
from tests.conftest import wait_for

NY = ZoneInfo("America/New_York")
T0 = 1_741_786_200_000  # 2025-03-12 13:30 UTC = 09:30 New York


def candles(n: int, seed: int = 2) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    t = T0 + np.arange(n, dtype=np.int64) * 60_000
    c = 100 + np.cumsum(rng.normal(0, 0.2, n))
    o = np.r_[c[0], c[:-1]]
    return t, o, np.maximum(o, c) + 0.1, np.minimum(o, c) - 0.1, c, rng.integers(100, 1000, n).astype(float)


def settle() -> None:
    for _ in range(5):
        QApplication.processEvents()


@pytest.fixture
def chart(qtbot) -> Iterator[CandleChart]:
    w = CandleChart(NY)
    qtbot.addWidget(w)
    w.resize(1200, 700)
    w.show()
    settle()
    yield w  # qtbot closes and deletes it


def colour_count(img: QImage, colour: QColor, step: int = 2) -> int:
    target = colour.rgb() & 0xFFFFFF
    return sum(
        1
        for y in range(0, img.height(), step)
        for x in range(0, img.width(), step)
        if img.pixel(x, y) & 0xFFFFFF == target
    )


def test_candles_volume_and_indicator_are_painted(chart: CandleChart) -> None:
    chart.set_indicators([IndicatorSpec("sma", 20)])
    chart.set_candles(*candles(500))
    settle()
    img = chart.grab().toImage()
    s = chart.style_
    assert colour_count(img, s.up) > 200 and colour_count(img, s.down) > 200
    sma_colour = s.indicator_colour(0)
    assert colour_count(img, sma_colour, step=1) > 300  # a line across the plot
    vol = chart.volume_vb.sceneBoundingRect()
    volume_area = img.copy(int(vol.left()), int(vol.top()), int(vol.width()), int(vol.height()))
    bg = s.background.rgb() & 0xFFFFFF
    painted = sum(
        1
        for x in range(0, volume_area.width(), 3)
        if volume_area.pixel(x, volume_area.height() - 3) & 0xFFFFFF != bg
    )
    assert painted > volume_area.width() // 3 * 0.5, "volume bars should stand along the bottom"
    assert "SMA(20)" in chart.readout.text() and ">O<" in chart.readout.text()


class PaintRegions(QObject):
    """Records the region of every paint event of a widget."""

    def __init__(self) -> None:
        super().__init__()
        self.areas: list[int] = []

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.Paint:
            self.areas.append(sum(r.width() * r.height() for r in ev.region()))
        return False


def test_a_live_tick_repaints_a_small_region_from_the_cache(chart: CandleChart) -> None:
    t, o, h, lo, c, v = candles(2000)
    chart.set_candles(t, o, h, lo, c, v)
    settle()
    regions = PaintRegions()
    chart.viewport().installEventFilter(regions)
    builds, live_paints = chart.history_item.build_count, chart.live_item.paint_count
    y0, y1 = chart.ranges.y_fit
    fits: list[int] = []
    fit_y = chart.ranges.fit_y
    chart.ranges.fit_y = lambda: (fits.append(1), fit_y())[1]  # type: ignore[method-assign]
    change = chart.upsert(int(t[-1]), o[-1], h[-1], lo[-1], (c[-1] + lo[-1]) / 2, v[-1] + 5)
    assert change is Change.UPDATED_LIVE
    chart.flush()
    settle()
    assert chart.live_item.paint_count > live_paints
    assert chart.history_item.build_count == builds, "the finished history must come from the cache"
    full = chart.viewport().width() * chart.viewport().height()
    assert regions.areas and max(regions.areas) < full * 0.1, "only the live candle and price line repaint"
    assert not fits and chart.ranges.y_fit == (y0, y1), "a tick inside the range must not refit the y axis"
    up = chart.upsert(int(t[-1]), o[-1], y1 + 5, lo[-1], y1 + 4, v[-1] + 6)
    chart.flush()
    assert up is Change.UPDATED_LIVE and fits and chart.ranges.y_fit[1] > y1 + 5, "a breakout refits"


def test_a_new_period_rolls_the_candle_and_follow_keeps_it_in_view(chart: CandleChart) -> None:
    t, o, h, lo, c, v = candles(300)
    chart.set_candles(t, o, h, lo, c, v)
    x1_before = chart.ranges.x_range()[1]
    assert chart.upsert(int(t[-1]) + 60_000, c[-1], c[-1], c[-1], c[-1], 1) is Change.APPENDED
    chart.flush()
    assert len(chart.data) == 301 and chart.data.arrays.finished_count == 300
    assert chart.ranges.x_range()[1] == pytest.approx(x1_before + 1)
    chart.ranges.pan_by(-50)
    assert not chart.following
    assert chart.upsert(int(t[-1]) + 120_000, 1, 1, 1, 1, 1) is Change.APPENDED
    x_before = chart.ranges.x_range()
    chart.flush()
    assert chart.ranges.x_range() == x_before, "a panned chart stays where the user put it"
    followed: list[bool] = []
    chart.followChanged.connect(followed.append)
    chart.setFocus()
    from PySide6.QtTest import QTest

    QTest.keyClick(chart, Qt.Key.Key_End)
    assert chart.following and followed == [True]
    assert chart.ranges.x_range()[1] == pytest.approx(len(chart.data) - 0.5 + 3)


def test_a_roll_extends_the_indicator_bounds_like_a_full_recompute(chart: CandleChart) -> None:
    chart.set_indicators([IndicatorSpec("bollinger", 20, 2.0)])
    t, o, h, lo, c, v = candles(300)
    chart.set_candles(t[:250], o[:250], h[:250], lo[:250], c[:250], v[:250])
    for k in range(250, 300):  # new candles, some far outside the old range
        price = float(c[k]) + (30.0 if k == 280 else 0.0)
        chart.upsert(int(t[k]), price, price + 0.1, price - 0.1, price, float(v[k]))
        chart.flush()
    rolled = chart.lines_item.boundingRect()
    chart.lines_item.history_changed()
    assert rolled == chart.lines_item.boundingRect()


async def test_a_burst_of_ticks_is_one_repaint(chart: CandleChart) -> None:
    t, o, h, lo, c, v = candles(200)
    chart.set_candles(t, o, h, lo, c, v)
    before = chart.repaint_count
    for k in range(200):
        chart.upsert(int(t[-1]), o[-1], h[-1], lo[-1], c[-1], v[-1] + k)
    assert chart.repaint_count == before, "ticks are coalesced, not painted one by one"
    await wait_for(lambda: chart.repaint_count == before + 1, timeout=5)
    assert chart.data.arrays.volume[-1] == v[-1] + 199


def test_dense_views_draw_aggregated_buckets(chart: CandleChart) -> None:
    chart.set_candles(*candles(100_000))
    chart.ranges.set_following(False)
    chart.ranges.set_x(-0.5, 100_000 - 0.5)
    chart.grab()
    width = chart.price_vb.width()
    assert chart.history_item.bucket_size >= 32
    assert chart.history_item.rows_drawn <= 2 * width + 4, "at most one bar per pixel column (or two)"
    chart.ranges.set_x(99_800, 99_900)
    chart.grab()
    assert chart.history_item.bucket_size == 1 and 180 <= chart.history_item.rows_drawn <= 210


def test_older_history_keeps_the_same_candles_on_screen(chart: CandleChart) -> None:
    t, o, h, lo, c, v = candles(600)
    chart.set_candles(t[300:], o[300:], h[300:], lo[300:], c[300:], v[300:])
    chart.ranges.pan_by(-100)
    assert chart.ranges.x_range()[0] > 0
    left_time = chart.ranges.left_time()
    added = chart.prepend_candles([(int(t[k]), o[k], h[k], lo[k], c[k], v[k]) for k in range(300)])
    assert added == 300 and chart.ranges.left_time() == left_time


def test_hover_readout_and_price_menu(chart: CandleChart) -> None:
    t, o, h, lo, c, v = candles(300)
    chart.set_candles(t, o, h, lo, c, v)
    settle()
    x0, x1 = chart.ranges.x_range()
    target = int((x0 + x1) / 2)
    scene_pos = chart.price_vb.mapViewToScene(QPointF(target, float(c[target])))
    chart.crosshair.mouse_moved(scene_pos)
    assert chart.crosshair.hover == target
    text = chart.readout.text()
    assert f"{c[target]:,.2f}" in text and "Wed Mar 12 2025" in text  # New York wall clock
    asked: list[tuple[str, float]] = []
    menu = context_menu(chart, 101.234, lambda s, p: asked.append((s, p)), lambda: None)
    actions = {a.objectName(): a for a in menu.actions()}
    assert actions["chartBuyAtPrice"].text() == "Buy limit at 101.23"
    actions["chartSellAtPrice"].trigger()
    assert asked == [("Sell", 101.234)]


def test_orders_and_fills_are_drawn(chart: CandleChart) -> None:
    t, o, h, lo, c, v = candles(300)
    chart.set_candles(t, o, h, lo, c, v)
    chart.set_order_lines(
        [OrderLine(99.5, "Buy", "Buy to Open 10 Limit 99.50"), OrderLine(101, "Sell", "Sell")]
    )
    chart.set_fills(
        [FillMarker(int(t[100]) + 5000, float(c[100]), "Buy", 10), FillMarker(int(t[0]) - 10**6, 1.0, "Sell")]
    )
    assert len(chart.orders._items) == 2 and chart.orders._items[0].value() == 99.5
    assert chart.fills.marker_count() == 1  # the fill before the loaded history is not drawn
    spot = chart.fills._scatter.data[0]
    assert (spot["x"], spot["y"]) == (100, pytest.approx(c[100]))


def test_clearing_and_reloading_keeps_the_plots(chart: CandleChart) -> None:
    chart.set_candles(*candles(300))
    chart.clear_candles()
    assert len(chart.data) == 0 and chart.price_plot.scene() is chart.scene()
    chart.set_candles(*candles(200, seed=5))
    chart.grab()
    assert chart.history_item.rows_drawn > 100, "candles are painted after a clear"


def test_resizing_shows_more_candles_at_the_same_width(chart: CandleChart) -> None:
    chart.set_candles(*candles(2000))
    settle()
    x0, x1 = chart.ranges.x_range()
    px_per_candle = chart.price_vb.width() / (x1 - x0)
    chart.resize(2000, 700)
    settle()
    y0, y1 = chart.ranges.x_range()
    assert chart.price_vb.width() / (y1 - y0) == pytest.approx(px_per_candle, rel=0.02)
    assert y1 == pytest.approx(x1), "still anchored on the newest candle"


def test_working_orders_near_the_market_stay_on_scale(chart: CandleChart) -> None:
    t, o, h, lo, c, v = candles(300)
    chart.set_candles(t, o, h, lo, c, v)
    near = float(c[-1]) * 1.015  # 1.5 % above the last price
    chart.set_order_lines([OrderLine(near, "Sell", "near"), OrderLine(float(c[-1]) * 1.6, "Sell", "far")])
    assert chart.ranges.y_fit[0] < near < chart.ranges.y_fit[1]
    assert chart.ranges.y_fit[1] < float(c[-1]) * 1.3, "a far-away order does not squash the candles"


def test_dark_palette_restyles_the_chart(chart: CandleChart) -> None:
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Base, QColor("#101418"))
    pal.setColor(QPalette.ColorRole.Text, QColor("#e0e0e0"))
    chart.setPalette(pal)
    assert chart.style_.dark and chart.style_.background == QColor("#101418")
    assert chart.backgroundBrush().color() == QColor("#101418")
