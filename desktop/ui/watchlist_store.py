"""Watchlists synced with the API, plus the IV ranks the Watchlist dock shows.

A small UI-side helper service over the REST client (``session.client``): user watchlists can
be created, renamed, edited and deleted; public watchlists are read-only. Every change is sent
to the API first and applied locally only when the API accepted it, so what the dock shows is
what the account has.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.api.models.watchlists import Watchlist, WatchlistEntry
from desktop.core.symbols import instrument_type_of, parse_future
from desktop.ui.context import describe_error

log = logging.getLogger(__name__)
messages = logging.getLogger("desktop.messages")

_METRICS_BATCH = 100


class WatchlistStore(QObject):
    """User and public watchlists; ``changed`` after every successful load or edit."""

    changed = Signal()
    failed = Signal(str)
    metrics_changed = Signal()

    def __init__(self, client: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client  # returns the current TastytradeClient (it changes on sign-in)
        self.user: list[Watchlist] = []
        self.public: list[Watchlist] = []
        self.loaded = False
        self.iv_rank: dict[str, Decimal | None] = {}
        self._metrics_pending: set[str] = set()
        self._front_months: dict[str, str] = {}

    # ---- reading -------------------------------------------------------------------------
    def find(self, name: str, public: bool = False) -> Watchlist | None:
        for w in self.public if public else self.user:
            if w.name == name:
                return w
        return None

    async def load(self) -> None:
        client = self._client()
        user, public = await asyncio.gather(
            client.watchlists(), client.public_watchlists(), return_exceptions=True
        )
        if isinstance(user, BaseException):
            self._fail("Loading your watchlists", user)
            user = self.user
        if isinstance(public, BaseException):
            log.warning("Public watchlists are unavailable: %s", describe_error(public))
            public = self.public
        self.user = sorted(user, key=lambda w: (w.order_index, w.name.casefold()))
        self.public = sorted(public, key=lambda w: (w.order_index, w.name.casefold()))
        self.loaded = True
        self.changed.emit()

    # ---- editing (API first, then local) ---------------------------------------------------
    async def create(self, name: str, symbols: Iterable[str] = ()) -> Watchlist | None:
        name = name.strip()
        if not name:
            raise ValueError("a watchlist needs a name")
        if self.find(name):
            raise ValueError(f"you already have a watchlist called {name!r}")
        wl = Watchlist(name=name, entries=tuple(_entry(s) for s in symbols), order_index=len(self.user) + 1)
        try:
            created = await self._client().create_watchlist(wl)
        except Exception as exc:
            self._fail(f"Creating watchlist {name!r}", exc)
            return None
        self.user.append(created if created.name else wl)
        messages.info("Created watchlist %r", name)
        self.changed.emit()
        return created

    async def rename(self, old: str, new: str) -> bool:
        new = new.strip()
        wl = self.find(old)
        if wl is None or not new or new == old:
            return False
        if self.find(new):
            raise ValueError(f"you already have a watchlist called {new!r}")
        return await self._save(old, replace(wl, name=new), f"Renamed watchlist {old!r} to {new!r}")

    async def add_symbol(self, name: str, symbol: str) -> bool:
        wl = self.find(name)
        symbol = symbol.strip().upper()
        if wl is None or not symbol:
            return False
        if symbol in wl.symbols:
            return True
        updated = replace(wl, entries=(*wl.entries, _entry(symbol)))
        return await self._save(name, updated, f"Added {symbol} to {name!r}")

    async def remove_symbols(self, name: str, symbols: Iterable[str]) -> bool:
        wl = self.find(name)
        drop = set(symbols)
        if wl is None or not drop:
            return False
        updated = replace(wl, entries=tuple(e for e in wl.entries if e.symbol not in drop))
        return await self._save(name, updated, f"Removed {', '.join(sorted(drop))} from {name!r}")

    async def delete(self, name: str) -> bool:
        if self.find(name) is None:
            return False
        try:
            await self._client().delete_watchlist(name)
        except Exception as exc:
            self._fail(f"Deleting watchlist {name!r}", exc)
            return False
        self.user = [w for w in self.user if w.name != name]
        messages.info("Deleted watchlist %r", name)
        self.changed.emit()
        return True

    async def _save(self, name: str, updated: Watchlist, done: str) -> bool:
        try:
            saved = await self._client().update_watchlist(name, updated)
        except Exception as exc:
            self._fail(f"Saving watchlist {name!r}", exc)
            return False
        saved = saved if saved.name else updated
        self.user = [saved if w.name == name else w for w in self.user]
        messages.info("%s", done)
        self.changed.emit()
        return True

    def _fail(self, what: str, exc: BaseException) -> None:
        text = f"{what} failed: {describe_error(exc)}"
        log.error("%s", text)
        self.failed.emit(text)

    # ---- futures products ("/ES") stream as their front month -------------------------------
    async def front_months(self, symbols: Iterable[str]) -> dict[str, str]:
        """``{"/ES": "/ESZ26:XCME"}``: the active contract's streamer symbol for product roots."""
        roots = sorted({s for s in symbols if s.startswith("/") and _is_product_root(s)})
        out: dict[str, str] = {}
        for root in roots:
            if root in self._front_months:
                out[root] = self._front_months[root]
                continue
            try:
                contracts = await self._client().futures(product_codes=[root])
            except Exception as exc:
                log.warning("No front month for %s: %s", root, describe_error(exc))
                continue
            live = [c for c in contracts if c.streamer_symbol and c.active]
            live.sort(key=lambda c: (not c.active_month, c.expiration_date or date.max))
            if live:
                out[root] = self._front_months[root] = live[0].streamer_symbol
        return out

    # ---- IV rank (REST market metrics, refreshed now and then, not streamed) -------------
    async def load_metrics(self, symbols: Iterable[str]) -> None:
        wanted = sorted({s for s in symbols if instrument_type_of(s) == "Equity"} - self._metrics_pending)
        if not wanted:
            return
        self._metrics_pending.update(wanted)
        try:
            for i in range(0, len(wanted), _METRICS_BATCH):
                batch = wanted[i : i + _METRICS_BATCH]
                metrics = await self._client().market_metrics(batch)
                found = {m.symbol: m.implied_volatility_index_rank for m in metrics}
                for s in batch:
                    self.iv_rank[s] = found.get(s)
            self.metrics_changed.emit()
        except Exception as exc:
            log.warning("IV ranks are unavailable right now: %s", describe_error(exc))
        finally:
            self._metrics_pending.difference_update(wanted)


def _is_product_root(symbol: str) -> bool:
    """``/ES`` (a product) rather than ``/ESZ6`` (a contract)."""
    try:
        parse_future(symbol)
    except ValueError:
        return True
    return False


def _entry(symbol: str) -> WatchlistEntry:
    s = symbol.strip().upper() if not symbol.startswith(".") else symbol.strip()
    return WatchlistEntry(symbol=s, instrument_type=str(instrument_type_of(s)))
