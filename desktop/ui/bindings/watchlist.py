"""Watchlist dock <-> watchlist store (REST) and live quotes (hub)."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QWidget

from desktop.ui.context import SymbolSelection, UiContext
from desktop.ui.docks.watchlist import PUBLIC, USER, WatchlistPanel, watchlist_columns
from desktop.ui.live_quotes import LiveQuotes
from desktop.ui.table import RefreshTimer
from desktop.ui.watchlist_store import WatchlistStore

log = logging.getLogger(__name__)


def bind_watchlist_panel(ctx: UiContext) -> QWidget:
    store = WatchlistStore(lambda: ctx.session.client)
    quotes = LiveQuotes(ctx.hub)
    panel = WatchlistPanel(watchlist_columns(quotes.quote, lambda s: store.iv_rank.get(s)))
    store.setParent(panel)
    quotes.setParent(panel)
    refresher = RefreshTimer(quotes.drain, panel.model.refresh, parent=panel)
    refresher.start()

    def show_current() -> None:
        cur = panel.current()
        wl = store.find(cur[1], public=cur[0] == PUBLIC) if cur else None
        entries = [(e.symbol, e.instrument_type or "") for e in wl.entries] if wl else []
        panel.set_symbols(entries)
        quotes.set_symbols(entries)
        if entries:
            ctx.spawn(store.load_metrics(s for s, _ in entries), "Loading IV ranks")
            ctx.spawn(_stream_front_months(entries), "Finding futures front months")

    async def _stream_front_months(entries: list[tuple[str, str]]) -> None:
        fronts = await store.front_months(s for s, _ in entries)
        if fronts and set(panel.model.keys()) == {s for s, _ in entries}:  # still the same list (any sort)
            quotes.set_symbols(entries, fronts)

    def lists_changed() -> None:
        panel.set_lists(store.user, store.public)
        show_current()

    def run(coro, what: str) -> None:  # user edits: a ValueError is a message, not a crash
        async def guarded() -> None:
            try:
                await coro
            except ValueError as exc:
                ctx.messages.warning("%s", exc)

        ctx.spawn(guarded(), what)

    store.changed.connect(lists_changed)
    store.metrics_changed.connect(lambda: panel.model.refresh())
    panel.list_chosen.connect(lambda *_: show_current())
    panel.create_requested.connect(
        lambda name: run(_create_and_select(store, panel, name), "Creating a watchlist")
    )
    panel.rename_requested.connect(
        lambda old, new: run(_rename_and_select(store, panel, old, new), "Renaming a watchlist")
    )
    panel.delete_requested.connect(lambda name: run(store.delete(name), "Deleting a watchlist"))
    panel.add_requested.connect(lambda name, sym: run(store.add_symbol(name, sym), f"Adding {sym}"))
    panel.remove_requested.connect(
        lambda name, syms: run(store.remove_symbols(name, syms), "Removing symbols")
    )
    panel.symbol_activated.connect(
        lambda sym, kind: ctx.bus.select(SymbolSelection(sym, sym, kind or "Equity", "watchlistPanel"))
    )

    def signed_in(*_: object) -> None:
        ctx.spawn(store.load(), "Loading watchlists")

    def signed_out() -> None:
        store.user, store.public, store.loaded = [], [], False
        quotes.set_symbols([])
        lists_changed()

    ctx.session.signed_in.connect(signed_in)
    ctx.session.signed_out.connect(signed_out)
    if ctx.session.is_ready:
        signed_in()

    def ready() -> str | None:
        if not store.loaded:
            return "watchlists not loaded"
        if not panel.model.rowCount():
            return "the selected watchlist shows no symbols"
        live = [r.symbol for r in panel.model.rows() if quotes.quote(r.symbol) is not None]
        return None if live else "no live quotes in the watchlist yet"

    ctx.readiness.add("watchlists with live quotes", ready)
    panel.store, panel.quotes = store, quotes
    return panel


async def _rename_and_select(store: WatchlistStore, panel: WatchlistPanel, old: str, new: str) -> None:
    if await store.rename(old, new):
        panel.select_list(USER, new)


async def _create_and_select(store: WatchlistStore, panel: WatchlistPanel, name: str) -> None:
    if await store.create(name) is not None:
        panel.select_list(USER, name)
