"""The option chain and the order ticket under streaming load (offscreen, real views attached).

A synthetic SPY-like chain (30 expirations x 200 strikes) in the real ``ChainPanel`` over a real
``MarketDataHub`` (events injected as the DXLink client would deliver them). Figures:

* ``chain_rebuild_rows_ms``: expanding three expirations of 50 strikes (rows diffed in place);
* ``chain_tick_visible_ms``: one ~20 Hz refresh tick in which every visible option's Quote and
  Greeks moved (hub batch + dirty drain + changed cells only);
* ``chain_tick_idle_ms``: a refresh tick with nothing new;
* ``chain_scroll_resubscribe_ms``: scrolling a page and re-subscribing the visible strikes;
* ``chain_paint_ms``: one full repaint of the visible table;
* ``ticket_reprice_4_legs_us``: an iron condor's mid/natural from new quotes;
* ``ticket_risk_profile_ms``: the risk graph's curves (401 prices, today and at expiration).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QApplication

from desktop.api.dxlink import DXLinkClient
from desktop.api.dxlink.events import Greeks, Quote
from desktop.core.chains import build_chain
from desktop.core.money import TickSize
from desktop.core.orders import PriceEffect
from desktop.services.market_data import MarketDataHub
from desktop.ui.chain.loader import ExpirationInfo, LoadedChain, chain_key
from desktop.ui.chain.panel import ChainPanel
from desktop.ui.chain.rows import StrikeRow
from desktop.ui.context import UiContext
from desktop.ui.ticket.draft import TicketDraft
from desktop.ui.ticket.legs import TicketLeg
from desktop.ui.ticket.pricing import LegQuote
from desktop.ui.ticket.risk import risk_profile

SPOT = 600.0


class Session(QObject):
    """Signed out: the panel waits for a chain we hand it directly."""

    signed_in = Signal(object)
    is_ready = False
    client = None


def timed(fn, repeat: int = 20) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def chain() -> LoadedChain:
    today = date.today()
    days = [today + timedelta(days=7 * i + 3) for i in range(30)]
    strikes = [Decimal(500 + i) for i in range(200)]
    ticks = (TickSize(Decimal("0.01"), Decimal(3)), TickSize(Decimal("0.05")))
    built = build_chain("SPY", dict.fromkeys(days, strikes), today, tick_sizes=ticks)
    info = ExpirationInfo("SPY", "SPY", "Equity", "Equity Option", Decimal(100), ticks)
    return LoadedChain("SPY", built, info)


def quote(symbol: str, rng: random.Random) -> Quote:
    bid = rng.uniform(0.5, 20.0)
    return Quote(symbol, bid, bid + 0.05, 10.0, 12.0, 0, 0)


def greeks(symbol: str, rng: random.Random) -> Greeks:
    return Greeks(symbol, 1.0, 0.18, rng.uniform(-1, 1), 0.01, -0.05, 0.01, 0.2, 0)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    rng = random.Random(7)
    hub = MarketDataHub(DXLinkClient(lambda: None))
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "bench.ini"), QSettings.Format.IniFormat)
    ctx = UiContext(session=Session(), hub=hub, portfolio=None, orders=None, settings=settings)
    panel = ChainPanel(ctx)
    panel.resize(900, 700)
    panel.show()
    panel.count_combo.setCurrentIndex(panel.count_combo.findData(50))
    panel.loaded = chain()
    hub._apply("Quote", [Quote("SPY", SPOT - 0.01, SPOT + 0.01, 100, 100, 0, 0)])
    exps = panel.loaded.chain.expirations[4:7]

    def rebuild() -> None:
        panel.expanded = set()
        panel.rebuild_rows()
        panel.expanded = {("exp", *chain_key(e)) for e in exps}
        panel.rebuild_rows()

    print(f"chain_rebuild_rows_ms: {timed(rebuild, 10):.2f}")
    app.processEvents()
    panel.update_subscriptions()
    visible = sorted(panel.market.options)

    def tick_visible() -> None:
        hub._apply("Quote", [quote(s, rng) for s in visible])
        hub._apply("Greeks", [greeks(s, rng) for s in visible])
        panel._refresh.tick()

    print(f"chain_tick_visible_ms: {timed(tick_visible):.2f}")
    changed: list[int] = []
    panel.model.dataChanged.connect(lambda top, _bottom, _roles=(): changed.append(top.row()))
    tick_visible()
    print(f"chain_visible_options: {len(visible)}")
    print(f"chain_rows_repainted_per_tick: {len(set(changed))}")
    print(f"chain_tick_idle_ms: {timed(panel._refresh.tick, 50):.3f}")
    bar = panel.view.verticalScrollBar()

    def scroll() -> None:
        bar.setValue((bar.value() + panel.view.viewport().height()) % max(bar.maximum(), 1))
        panel.update_subscriptions()

    print(f"chain_scroll_resubscribe_ms: {timed(scroll):.2f}")
    print(f"chain_paint_ms: {timed(lambda: panel.view.viewport().grab(), 10):.2f}")

    rows = [r for r in panel.model.rows() if isinstance(r, StrikeRow)][:40]
    picks = [(rows[5], "P", False), (rows[10], "P", True), (rows[30], "C", True), (rows[35], "C", False)]
    legs = [
        TicketLeg(r.symbol(side), "Equity Option", "Sell to Open" if not buy else "Buy to Open", Decimal(1),
                  r.streamer(side), "SPY", "SPY", "Equity", side, r.strike.strike, r.expiration.expiration,
                  Decimal(100), r.info.tick_sizes)
        for r, side, buy in picks
    ]  # fmt: skip
    draft = TicketDraft()
    draft.set_legs(legs)

    def reprice() -> None:
        draft.update_quotes({leg.symbol: LegQuote(rng.uniform(1, 2), rng.uniform(2, 3)) for leg in legs})

    print(f"ticket_reprice_4_legs_us: {timed(reprice, 200) * 1000:.1f}")
    q = {leg.symbol: LegQuote(1.0, 1.1) for leg in legs}

    def profile() -> None:
        risk_profile(legs, Decimal(1), Decimal("1.00"), PriceEffect.CREDIT, q, lambda _l: 0.2, SPOT)

    print(f"ticket_risk_profile_ms: {timed(profile):.2f}")
    panel.close()


if __name__ == "__main__":
    main()
