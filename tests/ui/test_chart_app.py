"""The chart dock inside the whole app on the live exchange: orders, tickets, linking, windows."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from desktop.core.orders import NewOrder, OrderLeg
from desktop.ui.charts.indicators import IndicatorSpec
from desktop.ui.context import SymbolSelection
from tests.conftest import wait_for
from tests.ui.conftest import started

pytestmark = pytest.mark.slow
MAIN = "5WT00001"
LOAD_S = 30.0


async def test_chart_dock_draws_working_orders_and_starts_tickets(make_desk, tmp_path: Path) -> None:
    async with started(make_desk()) as desk:
        ctx = desk.ctx
        await wait_for(lambda: not ctx.readiness.missing(), LOAD_S)
        panel = desk.window.panels["chartPanel"]
        assert panel.feed.readiness() is None, "history and a live candle before the app says ready"

        panel.symbol_edit.clear()
        QTest.keyClicks(panel.symbol_edit, "aapl")
        QTest.keyClick(panel.symbol_edit, Qt.Key.Key_Return)
        await wait_for(lambda: panel.feed.title == "AAPL 5m" and panel.feed.series.loaded, LOAD_S)
        assert panel.status_label.text().startswith("AAPL 5m · ")
        assert ctx.settings.value("chartPanel/symbol") == "AAPL"

        last = float(panel.chart.data.arrays.close[-1])
        limit = Decimal(f"{last * 0.995:.2f}")
        ticket = NewOrder(
            order_type="Limit",
            time_in_force="Day",
            price=limit,
            price_effect="Debit",
            legs=(
                OrderLeg(instrument_type="Equity", symbol="AAPL", action="Buy to Open", quantity=Decimal(10)),
            ),
        )
        await desk.session.client.place_order(MAIN, ticket.to_json())
        await wait_for(
            lambda: any(abs(ln.price - float(limit)) < 1e-9 for ln in panel.chart.orders.lines), LOAD_S
        )
        line = next(ln for ln in panel.chart.orders.lines if abs(ln.price - float(limit)) < 1e-9)
        assert line.side == "Buy" and line.text == f"Buy to Open 10 Limit {limit:,.2f}"

        fills_before = panel.chart.fills.marker_count()

        def aapl_held() -> Decimal:
            return next((p.quantity for p in ctx.portfolio.positions if p.symbol == "AAPL"), Decimal(0))

        held_before = aapl_held()
        market = NewOrder(
            order_type="Market",
            time_in_force="Day",
            legs=(
                OrderLeg(instrument_type="Equity", symbol="AAPL", action="Buy to Open", quantity=Decimal(2)),
            ),
        )
        placed = await desk.session.client.place_order(MAIN, market.to_json())
        await wait_for(lambda: panel.chart.fills.marker_count() > fills_before, LOAD_S)
        order = ctx.portfolio.order(placed.order.id)
        fill = order.legs[0].fills[0]
        spots = [(s["x"], s["y"]) for s in panel.chart.fills._scatter.data]
        assert (len(panel.chart.data) - 1, pytest.approx(float(fill.fill_price))) in spots, (
            "on the live candle"
        )
        await wait_for(lambda: aapl_held() == held_before + 2, LOAD_S)

        requests: list = []
        ctx.bus.order_requested.connect(requests.append)
        panel.order_at_price("Buy", last * 0.99)
        panel.order_at_price("Sell", last * 1.01)
        buy, sell = requests
        assert buy.account_number == MAIN and buy.order_type == "Limit" and buy.price_effect == "Debit"
        assert (
            buy.legs[0].symbol == "AAPL" and buy.legs[0].action == "Buy to Open" and buy.legs[0].quantity == 1
        )
        assert buy.price == Decimal(f"{last * 0.99:.2f}")
        held = next(p for p in ctx.portfolio.positions if p.symbol == "AAPL")
        assert sell.legs[0].action == "Sell to Close" and sell.legs[0].quantity == held.quantity
        assert sell.price_effect == "Credit"
        await wait_for(lambda: desk.window.docks["orderTicket"].isVisible(), 5)

        other = panel.open_window()  # a second chart on the same symbol shares the series
        assert other.symbol == "AAPL" and other.feed.series is panel.feed.series
        other.chart.set_indicators([IndicatorSpec("sma", 20), IndicatorSpec("bollinger", 20, 2.0)])
        other.resize(1400, 800)
        await wait_for(lambda: other.feed.series.loaded and len(other.chart.data) > 0, LOAD_S)
        await wait_for(
            lambda: any(abs(ln.price - float(limit)) < 1e-9 for ln in other.chart.orders.lines), LOAD_S
        )
        other.chart.flush()
        shot = other.grab()
        target = Path(os.environ.get("TASTYDESK_CHART_SHOT", tmp_path / "chart.png"))
        assert shot.save(str(target))
        assert other.chart.history_item.rows_drawn > 100 and other.chart.lines_item.paint_count > 0
        y0, y1 = other.chart.ranges.y_fit
        assert y0 < float(limit) < y1, "the working order near the market is on the price scale"

        ctx.bus.select(SymbolSelection("MSFT", "MSFT", source="positionsPanel"))
        assert panel.symbol == "MSFT" and other.symbol == "AAPL", "only the dock follows the selection"
        ctx.bus.set_linked("chartPanel", False)
        ctx.bus.select(SymbolSelection("QQQ", "QQQ", source="watchlistPanel"))
        assert panel.symbol == "MSFT", "an unlinked chart keeps its symbol"
        await wait_for(lambda: panel.feed.series.loaded, LOAD_S)
        other.close()
        await wait_for(lambda: other not in panel._extra_windows, 5)
        assert desk.hub.client.candle_series("AAPL{=5m}") is None, "the last chart on AAPL let go of it"
