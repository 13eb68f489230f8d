"""The Option chain dock content: symbol box, header, strategy templates and ``chainTable``.

Expirations are header rows of the table (date, DTE, type, settlement); several can be
expanded at once, each showing ``strike count`` strikes centred on the money (re-centred when
the underlying moves to a new at-the-money strike). Only the rows on screen are subscribed;
scrolling, resizing and expanding adjust the subscriptions (debounced). Updates are drained
from the hub's dirty set at ~20 Hz and repaint only the changed rows.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.chains import ChainExpiration
from desktop.ui.context import SymbolSelection, UiContext, describe_error
from desktop.ui.refresh import RefreshTimer
from desktop.ui.ticket import ticket_draft

from .header import header_text
from .live import ChainMarket
from .loader import LoadedChain, chain_key, load_chain, load_metrics, normalize_symbol
from .model import ChainModel
from .rows import ChainRow, ExpirationRow, StrikeRow
from .strategy_bar import StrategyBar
from .symbol_box import SymbolBox
from .trading import DEFAULT_DTE, ChainTrading
from .view import ChainTableView

log = logging.getLogger(__name__)

__all__ = ["STRIKE_COUNTS", "ChainPanel"]

STRIKE_COUNTS = (6, 10, 16, 20, 30, 50, 0)  # 0 = all
_DEFAULT_COUNT = 16


class ChainPanel(ChainTrading, QWidget):
    """The chain panel (see the module docstring). ``loaded`` is the current chain."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chainView")
        self.ctx = ctx
        self.draft = ticket_draft(ctx)
        self.market = ChainMarket(ctx.hub, self)
        self.loaded: LoadedChain | None = None
        self.metrics: Any = None
        self.load_error = ""
        self.expanded: set[tuple[str, ...]] = set()
        self._generation = 0
        self._windows: dict[tuple[str, ...], tuple[int, int]] = {}
        self._itm: dict[tuple[str, ...], int] = {}
        self._rows_of: dict[str, set[tuple[str, ...]]] = {}
        self._scroll_to: tuple[str, ...] | None = None
        self._defaults_set = False
        self._centred_for = ""
        self._auto_centre = True  # until the user scrolls sideways
        self._build_widgets()
        self.view.resized.connect(self.centre_strike_column)
        self.view.horizontalScrollBar().actionTriggered.connect(self._scrolled_sideways)
        self._sub_timer = QTimer(self)
        self._sub_timer.setSingleShot(True)
        self._sub_timer.setInterval(80)
        self._sub_timer.timeout.connect(self.update_subscriptions)
        self.view.visible_changed.connect(self._sub_timer.start)
        self._refresh = RefreshTimer(self.market.drain, self._apply_updates, 50, self)
        self._refresh.start()
        self.view.leg_requested.connect(self.add_leg)
        self.view.opposite_requested.connect(self.add_opposite)
        self.view.expiration_toggled.connect(self.toggle_expiration)
        self.strategy.build_requested.connect(self.build_strategy)
        self.draft.legs_changed.connect(self.model.repaint_backgrounds)
        ctx.readiness.add("option chain", self.readiness)
        ctx.session.signed_in.connect(lambda *_: self.load(self.symbol_box.text() or self._saved_symbol()))
        ctx.bus.connect_linked("chainPanel", self._selected)
        if getattr(ctx.session, "is_ready", False):
            self.load(self._saved_symbol())
        else:
            self.symbol_box.setText(self._saved_symbol())

    # ---- widgets ------------------------------------------------------------------------
    def _build_widgets(self) -> None:
        self.symbol_box = SymbolBox(self._search, self.ctx.spawn, self)
        self.symbol_box.symbol_chosen.connect(self.load)
        self.count_combo = QComboBox(self)
        self.count_combo.setObjectName("strikeCountCombo")
        self.count_combo.setToolTip("How many strikes each expanded expiration shows, centred on the money")
        for n in STRIKE_COUNTS:
            self.count_combo.addItem(f"{n} strikes" if n else "All strikes", n)
        saved = int(self.ctx.settings.value("chainPanel/strikes", _DEFAULT_COUNT) or _DEFAULT_COUNT)
        self.count_combo.setCurrentIndex(max(self.count_combo.findData(saved), 0))
        self.count_combo.currentIndexChanged.connect(self._count_changed)
        link = QToolButton(self)
        link.setDefaultAction(self.ctx.bus.link_action("chainPanel", self))
        link.setText("Link")
        self.header = QLabel("", self)
        self.header.setObjectName("chainHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.strategy = StrategyBar(self)
        self.model = ChainModel(self.market.read, self._spot_of_row, self._leg_side, self)
        self.view = ChainTableView(self.model, self)
        top = QHBoxLayout()
        top.setContentsMargins(4, 4, 4, 0)
        top.addWidget(self.symbol_box)
        top.addWidget(self.count_combo)
        top.addWidget(link)
        top.addWidget(self.header, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.strategy)
        lay.addWidget(self.view, 1)
        self.symbol_box.setMaximumWidth(160)

    def _saved_symbol(self) -> str:
        return str(self.ctx.settings.value("chainPanel/symbol", "SPY") or "SPY")

    async def _search(self, prefix: str) -> list[Any]:
        client = self.ctx.session.client
        return [] if client is None else await client.search_symbols(prefix)

    @property
    def strike_count(self) -> int:
        return int(self.count_combo.currentData() or 0)

    # ---- loading ------------------------------------------------------------------------
    def _selected(self, selection: SymbolSelection) -> None:
        self.load(selection.underlying or selection.symbol)

    def load(self, text: str) -> None:
        """Load the chain of ``text`` (``SPY``, ``/ES``, ``/ESZ5``), replacing the current one."""
        symbol = normalize_symbol(text)
        if not symbol:
            return
        self.symbol_box.setText(symbol)
        self.ctx.settings.setValue("chainPanel/symbol", symbol)
        client = self.ctx.session.client
        if client is None:
            return  # loaded when signed in
        self._generation += 1
        self.load_error = ""
        self.header.setText(f"<b>{symbol}</b> &nbsp; loading the option chain…")
        self.ctx.spawn(self._load(client, symbol, self._generation), f"Loading the {symbol} option chain")

    async def _load(self, client: Any, symbol: str, generation: int) -> None:
        try:
            loaded = await load_chain(client, symbol)
        except Exception as exc:
            if generation == self._generation:
                self.loaded, self.metrics = None, None
                self.rebuild_rows()
                self.market.show((), ())
                self.load_error = f"{symbol}: {describe_error(exc)}"
                self.header.setText(f"<b>{symbol}</b> &nbsp; no option chain: {describe_error(exc)}")
            raise
        if generation != self._generation:
            return
        self.loaded, self.metrics = loaded, None  # subscriptions follow the new rows (diffed)
        default = loaded.chain.expiration_by_dte(DEFAULT_DTE)
        self.expanded = {("exp", *chain_key(default))}
        self._scroll_to = ("exp", *chain_key(default))
        self._itm.clear()
        self._defaults_set = False
        self.rebuild_rows()
        self.update_header()
        QTimer.singleShot(0, self.centre_strike_column)
        self.ctx.messages.info(
            "Loaded the %s option chain: %d expirations.", loaded.symbol, len(loaded.chain.expirations)
        )
        try:
            metrics = await load_metrics(client, symbol)
        except Exception as exc:
            log.warning("Market metrics for %s are not available: %s", symbol, describe_error(exc))
            return
        if generation == self._generation:
            self.metrics = metrics
            self.update_header()

    # ---- rows ---------------------------------------------------------------------------
    def _spot(self, exp: ChainExpiration) -> float | None:
        if self.loaded is None:
            return None
        return self.market.price(self.loaded.info(exp).underlying_streamer)

    def _spot_of_row(self, row: StrikeRow) -> float | None:
        return self.market.price(row.info.underlying_streamer)

    def _window(self, exp: ChainExpiration) -> tuple[int, int]:
        n, count = len(exp.strikes), self.strike_count
        if count <= 0 or count >= n:
            return 0, n
        spot = self._spot(exp)
        if spot is None:
            start = max((n - count) // 2, 0)
        else:
            start = min(max(exp.atm_index(spot) - (count - 1) // 2, 0), n - count)
        return start, start + count

    def _needs_recentre(self, exp: ChainExpiration, key: tuple[str, ...]) -> bool:
        """Re-centre when the money moved at least two strikes (one for tiny windows), so a
        price hovering between two strikes does not make the rows jump back and forth."""
        current, wanted = self._windows.get(key), self._window(exp)
        if current is None or current == wanted:
            return current is None
        if current[1] - current[0] != wanted[1] - wanted[0]:
            return True
        return abs(wanted[0] - current[0]) >= (2 if self.strike_count > 6 else 1)

    def rebuild_rows(self) -> None:
        """Header rows for every expiration, strikes under the expanded ones."""
        if self.loaded is None:
            self.model.set_rows([])
            return
        rows: list[ChainRow] = []
        rows_of: dict[str, set[tuple[str, ...]]] = {}
        windows: dict[tuple[str, ...], tuple[int, int]] = {}
        for exp in self.loaded.chain.expirations:
            head = ExpirationRow(exp, self.loaded.info(exp), False, self.loaded.symbol)
            expanded = head.key in self.expanded
            rows.append(ExpirationRow(exp, head.info, expanded, self.loaded.symbol))
            if not expanded:
                continue
            start, stop = windows[head.key] = self._window(exp)
            for strike in exp.strikes[start:stop]:
                row = StrikeRow(exp, head.info, strike)
                rows.append(row)
                for side in ("C", "P"):
                    rows_of.setdefault(row.streamer(side), set()).add(row.key)
        self._rows_of, self._windows = rows_of, windows
        self.model.set_rows(rows)
        self._scroll_if_asked()

    def _scroll_if_asked(self) -> None:
        key = self._scroll_to
        if key is None or self.loaded is None:
            return
        exp = next((e for e in self.loaded.chain.expirations if ("exp", *chain_key(e)) == key), None)
        spot = self._spot(exp) if exp is not None else None
        target = self.model.index_of(key)
        if exp is not None and spot is not None and key in self.expanded and exp.strikes:
            atm = exp.nearest_strike(spot)
            target = self.model.index_of(("strike", *chain_key(exp), str(atm.strike)))
            self._scroll_to = None
        if target >= 0:
            hint = (
                self.view.ScrollHint.PositionAtCenter
                if self._scroll_to is None
                else self.view.ScrollHint.PositionAtTop
            )
            self.view.scrollTo(self.model.index(target, self.model.strike_column), hint)

    def centre_strike_column(self) -> None:
        """Scroll sideways so the strike column is in the middle: bids and asks of both sides
        show first when the dock is narrower than the whole chain."""
        if not self.view.isVisible() or self.loaded is None or not self._auto_centre:
            return  # done when it is first shown; never against the user's own scrolling
        self._centred_for = self.loaded.symbol
        header = self.view.horizontalHeader()
        column = self.model.strike_column
        middle = header.sectionPosition(column) + header.sectionSize(column) // 2
        self.view.horizontalScrollBar().setValue(max(middle - self.view.viewport().width() // 2, 0))

    def _scrolled_sideways(self, *_: object) -> None:
        self._auto_centre = False

    def toggle_expiration(self, key: tuple[str, ...]) -> None:
        if key in self.expanded:
            self.expanded.discard(key)
        else:
            self.expanded.add(key)
            self._scroll_to = key
        self.rebuild_rows()

    def expand(self, exp: ChainExpiration) -> None:
        key = ("exp", *chain_key(exp))
        if key not in self.expanded:
            self.toggle_expiration(key)

    def _count_changed(self, *_: object) -> None:
        self.ctx.settings.setValue("chainPanel/strikes", self.strike_count)
        self.rebuild_rows()

    # ---- live data ----------------------------------------------------------------------
    def update_subscriptions(self) -> None:
        """Subscribe the strikes on screen and the expanded expirations' underlyings."""
        if self.loaded is None:
            self.market.show((), ())
            return
        options: set[str] = set()
        for r in self.view.visible_rows():
            row = self.model.row(r)
            if isinstance(row, StrikeRow):
                options.update((row.streamer("C"), row.streamer("P")))
        underlyings = {
            self.loaded.info(exp).underlying_streamer
            for exp in self.loaded.chain.expirations
            if ("exp", *chain_key(exp)) in self.expanded
        }
        underlyings.add(self.loaded.default_info.underlying_streamer)
        self.market.show(options, underlyings)

    def _apply_updates(self, changed: set[Any]) -> None:
        keys: set[tuple[str, ...]] = set()
        moved = False
        for symbol in changed:
            keys.update(self._rows_of.get(symbol, ()))
            moved = moved or symbol in self.market.underlyings
        if keys:
            self.model.refresh(keys)
        if moved:
            self._underlying_moved()

    def _underlying_moved(self) -> None:
        self.update_header()
        if self.loaded is None:
            return
        if not self._defaults_set:
            self._defaults_set = self.set_strike_defaults()
        recentre, itm_moved = False, False
        for exp in self.loaded.chain.expirations:
            key = ("exp", *chain_key(exp))
            if key not in self.expanded:
                continue
            recentre = recentre or self._needs_recentre(exp, key)
            spot = self._spot(exp)
            below = sum(1 for s in exp.strikes if spot is not None and float(s.strike) < spot)
            itm_moved = itm_moved or self._itm.get(key) != below
            self._itm[key] = below
        if recentre:
            self.rebuild_rows()
        elif itm_moved or self._scroll_to is not None:
            self.model.repaint_backgrounds()
            self._scroll_if_asked()

    def update_header(self) -> None:
        if self.loaded is None:
            return
        info = self.loaded.default_info
        self.header.setText(header_text(self.loaded, self.market, info.underlying_streamer, self.metrics))

    def readiness(self) -> str | None:
        """Smoke-test check: a chain is loaded and shows live option quotes."""
        if self.loaded is None:
            return self.load_error or "no option chain loaded"
        if self.market.quoted_options() == 0:
            return f"no live option quotes in the {self.loaded.symbol} chain yet"
        return None

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.loaded is not None and self._centred_for != self.loaded.symbol:
            QTimer.singleShot(0, self.centre_strike_column)

    def closeEvent(self, event: Any) -> None:
        self.market.release()
        super().closeEvent(event)
