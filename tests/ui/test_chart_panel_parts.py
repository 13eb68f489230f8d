"""Chart panel parts: order lines and fills from wire orders, indicator settings and dialog."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QToolButton

from desktop.api.models.orders import Order
from desktop.ui.charts.indicator_dialog import IndicatorDialog, specs_from_text, specs_to_text
from desktop.ui.charts.indicators import IndicatorSpec
from desktop.ui.charts.panel import ChartPanel
from desktop.ui.charts.trading_marks import fill_markers, order_lines
from desktop.ui.context import UiContext

FIXTURES = Path(__file__).resolve().parents[1] / "api" / "fixtures" / "reference"


def wire_order(**changes: object) -> Order:
    data = json.loads((FIXTURES / "streamer_order_filled.json").read_text())["data"]
    data.update(changes)
    return Order.from_wire(data)


def test_fills_of_the_charted_symbol_become_markers() -> None:
    filled = wire_order()
    marks = fill_markers("AAPL", [filled])
    assert len(marks) == 1
    assert marks[0].side == "Buy" and marks[0].price == 1.0 and marks[0].quantity == 1
    assert marks[0].time_ms == 1748448001953  # 2025-05-28T16:00:01.953Z
    assert fill_markers("MSFT", [filled]) == []


def test_working_single_leg_orders_become_price_lines() -> None:
    leg = {
        "action": "Sell to Close",
        "instrument-type": "Equity",
        "quantity": 100,
        "remaining-quantity": 40,
        "symbol": "AAPL",
    }
    working = wire_order(
        status="Live", **{"order-type": "Limit", "price": "212.5", "price-effect": "Credit", "legs": [leg]}
    )
    stop = wire_order(
        status="Live",
        **{"order-type": "Stop", "stop-trigger": "180", "legs": [dict(leg, action="Sell to Close")]},
    )
    spread = wire_order(
        status="Live",
        **{"order-type": "Limit", "price": "1.5", "legs": [leg, dict(leg, symbol="AAPL  250620C00200000")]},
    )
    lines = order_lines("AAPL", [working, stop, spread, wire_order()])
    assert [(ln.price, ln.side) for ln in lines] == [(212.5, "Sell"), (180.0, "Sell")]
    assert lines[0].text == "Sell to Close 40 Limit 212.50"  # what is left to fill
    assert lines[0].order_id == "270602"


def test_indicator_settings_survive_a_round_trip_and_junk() -> None:
    specs = [IndicatorSpec("ema", 50), IndicatorSpec("bollinger", 30, 2.5), IndicatorSpec("vwap")]
    assert specs_from_text(specs_to_text(specs)) == specs
    assert specs_from_text("") == [IndicatorSpec("sma", 20)]
    assert specs_from_text("not json") == [IndicatorSpec("sma", 20)]
    junk = (
        '[{"kind": "sma", "period": 10, "deviations": 2}, {"kind": "macd", "period": 1, "deviations": 2}, 7]'
    )
    assert specs_from_text(junk) == [IndicatorSpec("sma", 10)]


def test_the_indicator_dialog_adds_edits_and_removes(qtbot) -> None:
    dialog = IndicatorDialog([IndicatorSpec("sma", 20), IndicatorSpec("vwap")])
    qtbot.addWidget(dialog)
    assert dialog.specs() == [IndicatorSpec("sma", 20), IndicatorSpec("vwap")]
    dialog.add_row(IndicatorSpec("bollinger", 20, 2.0))
    period = dialog._rows[-1][1]
    width = dialog._rows[-1][2]
    period.setValue(34)
    width.setValue(3.0)
    dialog._remove(dialog._rows[0])
    assert dialog.specs() == [IndicatorSpec("vwap"), IndicatorSpec("bollinger", 34, 3.0)]


class SignedOut(QObject):
    """A session nobody signed in to: the chart panel builds but loads nothing."""

    signed_in = Signal(object)
    environment = None


class NoOrders(QObject):
    orders_changed = Signal()
    order_updated = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.todays_orders: list[Order] = []
        self.positions: list[object] = []


def test_the_indicators_button_opens_a_window_modal_dialog_and_applies_it(qtbot, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(session=SignedOut(), hub=None, portfolio=NoOrders(), orders=None, settings=settings)
    panel = ChartPanel(ctx)
    qtbot.addWidget(panel)
    panel.show()
    nested: list[bool] = []

    def close_a_blocking_dialog() -> None:  # runs inside exec()'s nested loop, if there is one
        for dialog in panel.findChildren(IndicatorDialog):
            if dialog.isVisible():
                nested.append(True)
                dialog.reject()

    QTimer.singleShot(0, panel, close_a_blocking_dialog)
    QTest.mouseClick(panel.findChild(QToolButton, "chartIndicators"), Qt.MouseButton.LeftButton)
    assert not nested, "the dialog ran a nested event loop (exec()) inside the app's asyncio loop"
    (dialog,) = [d for d in panel.findChildren(IndicatorDialog) if d.isVisible()]
    assert dialog.isModal()
    dialog.add_row(IndicatorSpec("ema", 9))
    dialog.accept()
    chosen = [IndicatorSpec("sma", 20), IndicatorSpec("ema", 9)]
    assert [ind.spec for ind in panel.chart.data.indicators] == chosen
    assert specs_from_text(settings.value("chartPanel/indicators")) == chosen
