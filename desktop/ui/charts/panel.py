"""The chart dock: symbol, timeframe, extended hours, indicators, follow and link toggles, the chart.

``ChartPanel(ctx)`` is what ``create_chart_panel`` returns for the ``chartPanel`` dock; "Open
in a new window" makes more (independent) charts. The dock's panel remembers its symbol,
timeframe, session and indicators, registers the smoke-test readiness check, draws the
selected account's working orders and fills on the symbol, and turns a right-click on a price
into a prefilled order ticket.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.symbols import InstrumentType, instrument_type_of, to_streamer_symbol

from .axes import price_text
from .chart_view import CandleChart
from .indicator_dialog import IndicatorDialog, specs_from_text, specs_to_text
from .indicators import IndicatorSpec
from .local_time import system_zone, zone_by_name
from .series_feed import SeriesFeed
from .timeframes import DEFAULT, TIMEFRAMES, timeframe
from .trading_marks import fill_markers, order_lines

log = logging.getLogger(__name__)

PANEL = "chartPanel"
DEFAULT_SYMBOL = "SPY"
NO_DATA_AFTER_MS = 20_000


class ChartPanel(QWidget):
    """One chart with its toolbar; ``settings_key`` None for extra windows (not remembered)."""

    def __init__(
        self,
        ctx: Any,
        symbol: str | None = None,
        settings_key: str | None = PANEL,
        timeframe_label: str | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("chartPanelBody")
        self.ctx = ctx
        self._settings_key = settings_key
        self._extra_windows: list[ChartPanel] = []
        zone_name = self._setting("timeZone", "")
        self.chart = CandleChart(zone_by_name(zone_name) if zone_name else system_zone(), self)
        self.feed = SeriesFeed(ctx.hub, self.chart, self)
        self.symbol = (symbol or self._setting("symbol", DEFAULT_SYMBOL)).strip().upper()
        self._build_toolbar(timeframe_label)
        self.chart.set_indicators(specs_from_text(self._setting("indicators", "")))
        self._no_data = QTimer(self)
        self._no_data.setSingleShot(True)
        self._no_data.setInterval(NO_DATA_AFTER_MS)
        self._no_data.timeout.connect(self._no_data_yet)
        self.feed.status_changed.connect(self._status)
        self.feed.loading_changed.connect(self._loading)
        self.chart.followChanged.connect(self.follow_button.setChecked)
        self.chart.orderAtPrice.connect(self.order_at_price)
        ctx.bus.symbol_selected.connect(self._selection)
        ctx.session.signed_in.connect(self._signed_in)
        ctx.portfolio.orders_changed.connect(self.refresh_marks)
        ctx.portfolio.order_updated.connect(self.refresh_marks)
        if settings_key is not None:
            ctx.readiness.add("chart", self.feed.readiness)
            self.destroyed.connect(lambda *_: ctx.readiness.checks.pop("chart", None))
        if getattr(ctx.session, "environment", None) is not None:
            self.load()

    # ------------------------------------------------------------------ building
    def _build_toolbar(self, timeframe_label: str | None) -> None:
        self.symbol_edit = QLineEdit(self.symbol, self)
        self.symbol_edit.setObjectName("chartSymbol")
        self.symbol_edit.setPlaceholderText("Symbol")
        self.symbol_edit.setToolTip("Symbol to chart (AAPL, SPY, /ESZ5, BTC/USD); Enter loads it")
        self.symbol_edit.setMaximumWidth(130)
        self.symbol_edit.returnPressed.connect(lambda: self.set_symbol(self.symbol_edit.text()))
        self.timeframe_box = QComboBox(self)
        self.timeframe_box.setObjectName("chartTimeframe")
        self.timeframe_box.setToolTip("Candle period")
        for tf in TIMEFRAMES:
            self.timeframe_box.addItem(tf.label, tf.label)
        self.timeframe_box.setCurrentText(timeframe_label or self._setting("timeframe", DEFAULT.label))
        self.timeframe_box.currentTextChanged.connect(lambda _t: self.load())
        self.extended_box = QCheckBox("Extended hours", self)
        self.extended_box.setObjectName("chartExtendedHours")
        self.extended_box.setToolTip("Include pre-market and after-hours candles (off: regular session only)")
        self.extended_box.setChecked(self._setting("extendedHours", "true") == "true")
        self.extended_box.toggled.connect(lambda _on: self.load())
        indicators = QToolButton(self)
        indicators.setObjectName("chartIndicators")
        indicators.setText("Indicators…")
        indicators.setToolTip("SMA, EMA, VWAP, Bollinger Bands and their settings")
        indicators.clicked.connect(self.edit_indicators)
        self.follow_button = QToolButton(self)
        self.follow_button.setObjectName("chartFollow")
        self.follow_button.setText("Follow")
        self.follow_button.setCheckable(True)
        self.follow_button.setChecked(True)
        self.follow_button.setToolTip("Keep the newest candle in view (End key); panning back turns it off")
        self.follow_button.toggled.connect(self.chart.set_following)
        link = QToolButton(self)
        link.setObjectName("chartLink")
        link.setDefaultAction(self.ctx.bus.link_action(PANEL, self))
        link.setText("Link")
        window = QToolButton(self)
        window.setObjectName("chartNewWindow")
        window.setText("New window")
        window.setToolTip("Open another chart in its own window")
        window.clicked.connect(self.open_window)
        self.status_label = QLabel("", self)
        self.status_label.setObjectName("chartStatus")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("chartProgress")
        self.progress.setRange(0, 0)  # busy: the feed does not say how much is left
        self.progress.setMaximumWidth(120)
        self.progress.setTextVisible(False)
        self.progress.hide()
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        for w in (
            self.symbol_edit,
            self.timeframe_box,
            self.extended_box,
            indicators,
            self.follow_button,
            link,
            window,
        ):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.status_label)
        bar.addWidget(self.progress)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.chart, 1)

    # ------------------------------------------------------------------ loading
    @property
    def timeframe(self) -> str:
        return self.timeframe_box.currentText()

    def set_symbol(self, symbol: str) -> None:
        symbol = symbol.strip().upper()
        if not symbol:
            return
        self.symbol = symbol
        self.symbol_edit.setText(symbol)
        self.load()

    def set_timeframe(self, label: str) -> None:
        timeframe(label)  # ValueError for an unknown label
        self.timeframe_box.setCurrentText(label)

    def load(self) -> None:
        """Subscribe the current symbol/timeframe/session (replacing the previous one)."""
        tf = timeframe(self.timeframe)
        extended = self.extended_box.isChecked()
        try:
            streamer = to_streamer_symbol(self.symbol)
        except ValueError as exc:
            self._status(f"{self.symbol}: {exc}")
            self.ctx.messages.warning("Chart: %s is not a symbol we can chart (%s)", self.symbol, exc)
            return
        title = f"{self.symbol} {tf.label}" + ("" if extended else " RTH")
        self.feed.open(tf.candle_symbol(streamer, extended), tf, title)
        self._remember()
        self.refresh_marks()
        self._no_data.start()
        self._loading(bool(self.feed.series is not None and self.feed.series.loading))

    def _signed_in(self, _customer: object) -> None:
        # Drop the old environment's series now; subscribe again once every chart has let go.
        self.feed.close()
        QTimer.singleShot(0, self.load)

    def _selection(self, sel: Any) -> None:
        if self._settings_key is None or not self.ctx.bus.is_linked(PANEL):
            return  # extra windows keep their own symbol
        option = sel.instrument_type in (InstrumentType.EQUITY_OPTION, InstrumentType.FUTURE_OPTION)
        self.set_symbol(sel.underlying if option and sel.underlying else sel.symbol)

    # ------------------------------------------------------------------ status
    def _status(self, text: str) -> None:
        self.status_label.setText(text)
        if self.feed.series is not None and self.feed.series.loaded:
            self._no_data.stop()

    def _loading(self, loading: bool) -> None:
        self.progress.setVisible(loading)

    def _no_data_yet(self) -> None:
        if self.feed.series is not None and not self.feed.series.loaded:
            self._status(f"No candles for {self.feed.title} yet: is {self.symbol} a valid symbol?")
            self.ctx.messages.warning(
                "Chart: no candle data for %s after %d s", self.feed.title, NO_DATA_AFTER_MS // 1000
            )

    # ------------------------------------------------------------------ orders
    def refresh_marks(self, *_args: object) -> None:
        orders = list(getattr(self.ctx.portfolio, "todays_orders", []) or [])
        self.chart.set_order_lines(order_lines(self.symbol, orders))
        self.chart.set_fills(fill_markers(self.symbol, orders))

    def order_at_price(self, side: str, price: float) -> None:
        """Prefill the order ticket with a limit order at ``price`` (closing first if we hold it)."""
        from desktop.ui.context import OrderLegRequest, OrderRequest

        account = self.ctx.account.account_number
        if not account:
            self.ctx.messages.warning("Chart: choose an account before starting an order")
            return
        held = next((p for p in self.ctx.portfolio.positions if p.symbol == self.symbol), None)
        held_qty = held.signed_quantity if held is not None else Decimal(0)
        closing = (side == "Sell" and held_qty > 0) or (side == "Buy" and held_qty < 0)
        action = f"{side} to {'Close' if closing else 'Open'}"
        quantity = abs(held_qty) if closing else Decimal(1)
        limit = Decimal(price_text(price).replace(",", ""))
        leg = OrderLegRequest(self.symbol, instrument_type_of(self.symbol).value, action, quantity)
        self.ctx.bus.request_order(
            OrderRequest(
                account_number=account,
                legs=(leg,),
                underlying=self.symbol,
                order_type="Limit",
                price=limit,
                price_effect="Debit" if side == "Buy" else "Credit",
                reason=f"From the chart: {action} {self.symbol} at {price_text(price)}",
                source=PANEL,
            )
        )

    # ------------------------------------------------------------------ extras
    def edit_indicators(self) -> IndicatorDialog:
        """Open the indicator settings (window-modal, never ``exec()``: no nested event loop)."""
        dialog = IndicatorDialog([ind.spec for ind in self.chart.data.indicators], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._indicators_chosen(dialog.specs()))
        dialog.open()
        return dialog

    def _indicators_chosen(self, specs: list[IndicatorSpec]) -> None:
        self.chart.set_indicators(specs)
        self._remember()

    def open_window(self) -> ChartPanel:
        """Another chart (same symbol to start with) in its own top-level window."""
        other = ChartPanel(self.ctx, symbol=self.symbol, settings_key=None, timeframe_label=self.timeframe)
        other.setObjectName("chartWindow")
        other.setWindowFlag(Qt.WindowType.Window, True)
        other.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        other.setWindowTitle(f"Chart · {self.symbol}")
        other.resize(1100, 650)
        other.show()
        self._extra_windows.append(other)
        other.destroyed.connect(
            lambda *_: self._extra_windows.remove(other) if other in self._extra_windows else None
        )
        return other

    def closeEvent(self, ev: Any) -> None:
        self.feed.close()
        super().closeEvent(ev)

    def _setting(self, name: str, default: str) -> str:
        if self._settings_key is None:
            return default
        value = self.ctx.settings.value(f"{self._settings_key}/{name}", default)
        return str(value) if value is not None else default

    def _remember(self) -> None:
        if self._settings_key is None:
            return
        s, key = self.ctx.settings, self._settings_key
        s.setValue(f"{key}/symbol", self.symbol)
        s.setValue(f"{key}/timeframe", self.timeframe)
        s.setValue(f"{key}/extendedHours", "true" if self.extended_box.isChecked() else "false")
        s.setValue(f"{key}/indicators", specs_to_text([ind.spec for ind in self.chart.data.indicators]))
