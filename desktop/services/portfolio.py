"""Accounts, balances, positions and orders, kept live from REST and the account streamer.

After sign-in the service loads the accounts, selects one (the first that can trade),
loads its balances, positions and today's orders, and starts the account streamer for all
accounts. Streamer events update the state as they come; after every (re)connect the
streamer holds events while the service resyncs over REST, so nothing is missed and no older
snapshot overwrites a newer event (orders and positions also keep whichever is newer).
Positions are joined with live quotes and greeks from the market data hub (see
:mod:`~desktop.services.position_metrics` for the math).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.api.errors import ApiError
from desktop.api.models import Account, Balance, ComplexOrder, Order, Position
from desktop.services.portfolio_quotes import BENCHMARK, HubLike, PositionQuotes
from desktop.services.position_metrics import NEW_YORK, PositionValues, Totals, position_values, totals
from desktop.services.session import SessionService

log = logging.getLogger(__name__)

StreamerFactory = Callable[..., Any]


def _newer(old: Any, new: Any) -> bool:
    """True unless ``old`` carries a later ``updated_at`` than ``new``."""
    a, b = getattr(old, "updated_at", None), getattr(new, "updated_at", None)
    return a is None or b is None or b >= a


class PortfolioService(QObject):
    """The selected account's balances, positions (with live values) and orders.

    Signals: ``accounts_changed(list)``, ``account_changed(object)`` (Account or None),
    ``balances_changed(object)`` (Balance), ``positions_changed(list)`` (the selected account's
    positions, on any structural change), ``orders_changed(list)`` (today's orders),
    ``order_updated(object)`` (every Order event, any account), ``complex_order_updated(object)``,
    ``metrics_changed()`` (betas loaded), ``streamer_state_changed(str, str)``, ``error(str)``,
    ``loaded()`` (the selected account's first full load finished).
    """

    accounts_changed = Signal(list)
    account_changed = Signal(object)
    balances_changed = Signal(object)
    positions_changed = Signal(list)
    orders_changed = Signal(list)
    order_updated = Signal(object)
    complex_order_updated = Signal(object)
    metrics_changed = Signal()
    streamer_state_changed = Signal(str, str)
    error = Signal(str)
    loaded = Signal()

    def __init__(
        self,
        session: SessionService,
        hub: HubLike | None = None,
        *,
        streamer_factory: StreamerFactory | None = None,
        streamer_options: dict[str, Any] | None = None,
        auto_load: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.hub = hub
        self._streamer_factory = streamer_factory
        self._streamer_options = dict(streamer_options or {})
        self._streamer: Any = None
        self.quotes = PositionQuotes(hub, owner=self)
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing: set[asyncio.Task[Any]] = set()
        self._reset()
        if auto_load:
            session.signed_in.connect(self._on_signed_in)
        session.signed_out.connect(self._on_signed_out)

    def _reset(self) -> None:
        self.accounts: list[Account] = []
        self._selected: str | None = None
        self._balances: dict[str, Balance] = {}
        self._positions: dict[str, dict[str, Position]] = {}
        self._orders: dict[str, dict[int, Order]] = {}
        self._betas: dict[str, Decimal] = {}
        self._loaded: set[str] = set()
        self.streamer_state = "closed"

    # --- what views read ------------------------------------------------------------------

    @property
    def selected_account(self) -> Account | None:
        return next((a for a in self.accounts if a.account_number == self._selected), None)

    @property
    def balance(self) -> Balance | None:
        return self._balances.get(self._selected or "")

    @property
    def positions(self) -> list[Position]:
        return sorted(
            self._positions.get(self._selected or "", {}).values(),
            key=lambda p: (p.underlying_symbol, p.symbol),
        )

    @property
    def todays_orders(self) -> list[Order]:
        """Today's orders of the selected account, newest first (working and finished)."""
        orders = self._orders.get(self._selected or "", {}).values()
        return sorted(orders, key=lambda o: o.id or 0, reverse=True)

    @property
    def live_orders(self) -> list[Order]:
        """The selected account's working orders."""
        return [o for o in self.todays_orders if o.is_working]

    def order(self, order_id: int, account_number: str | None = None) -> Order | None:
        return self._orders.get(account_number or self._selected or "", {}).get(order_id)

    def beta(self, underlying: str) -> Decimal | None:
        return Decimal(1) if underlying == BENCHMARK else self._betas.get(underlying)

    def values(self, position: Position, today: date | None = None) -> PositionValues:
        """Live mark, P/L, greeks, beta-weighted delta and DTE of ``position``."""
        today = today or _today()
        return position_values(
            position, self.quotes.inputs(position, self.beta(position.underlying_symbol)), today
        )

    def totals(self, positions: Iterable[Position] | None = None) -> Totals:
        today = _today()
        return totals([self.values(p, today) for p in (self.positions if positions is None else positions)])

    def positions_affected_by(self, streamer_symbols: Iterable[str]) -> list[Position]:
        """Positions of the selected account whose values move with ``streamer_symbols``."""
        symbols = self.quotes.affected(streamer_symbols)
        current = self._positions.get(self._selected or "", {})
        return [current[s] for s in symbols if s in current]

    # --- loading --------------------------------------------------------------------------

    def _client(self) -> Any:
        client = self.session.client
        if client is None:
            raise ApiError("Not signed in.")
        return client

    async def load(self) -> None:
        """Load the accounts, select one, load it and start the account streamer."""
        client = self._client()
        self.accounts = await client.accounts()
        self.accounts_changed.emit(list(self.accounts))
        if not self.accounts:
            self.error.emit("This login has no open accounts.")
            return
        preferred = self._selected if self.selected_account else None
        default = (
            preferred or next((a for a in self.accounts if a.can_trade), self.accounts[0]).account_number
        )
        await self.select_account(default)
        self._start_streamer()

    async def select_account(self, account_number: str) -> None:
        """Make ``account_number`` the selected account and load it (if not loaded yet)."""
        if not any(a.account_number == account_number for a in self.accounts):
            raise ApiError(f"Unknown account {account_number}.")
        changed = account_number != self._selected
        self._selected = account_number
        if changed:
            self.account_changed.emit(self.selected_account)
        if account_number in self._loaded:
            self._emit_all()
        else:
            await self.refresh(account_number)

    async def refresh(self, account_number: str | None = None) -> None:
        """Reload balances, positions and today's orders over REST."""
        number = account_number or self._selected
        if number is None:
            return
        client = self._client()
        balance, positions, orders = await asyncio.gather(
            client.balances(number), client.positions(number), client.live_orders(number)
        )
        self._balances[number] = balance
        self._merge_positions(number, positions)
        self._merge_orders(number, orders)
        first = number not in self._loaded
        self._loaded.add(number)
        if number == self._selected:
            self._emit_all()
            await self._load_betas()
            if first:
                self.loaded.emit()

    def _merge_positions(self, number: str, fresh: list[Position]) -> None:
        old = self._positions.get(number, {})
        merged: dict[str, Position] = {}
        for p in fresh:
            keep = old.get(p.symbol)
            chosen = keep if keep is not None and not _newer(keep, p) else p
            if not chosen.is_closed:
                merged[p.symbol] = chosen
        self._positions[number] = merged

    def _merge_orders(self, number: str, fresh: list[Order]) -> None:
        book = self._orders.setdefault(number, {})
        for o in fresh:
            if o.id is None:
                continue
            keep = book.get(o.id)
            if keep is None or _newer(keep, o):
                book[o.id] = o

    async def _load_betas(self) -> None:
        wanted = {p.underlying_symbol for p in self.positions if p.underlying_symbol} - set(self._betas)
        wanted.discard(BENCHMARK)
        if not wanted:
            return
        try:
            metrics = await self._client().market_metrics(sorted(wanted))
        except ApiError as exc:
            log.warning("Could not load betas: %s", exc)
            return
        for m in metrics:
            if m.beta is not None:
                self._betas[m.symbol] = m.beta
        self.metrics_changed.emit()

    def _emit_all(self) -> None:
        if self.balance is not None:
            self.balances_changed.emit(self.balance)
        positions = self.positions
        self.quotes.track(positions)
        self.positions_changed.emit(positions)
        self.orders_changed.emit(self.todays_orders)

    # --- the account streamer -------------------------------------------------------------

    def _start_streamer(self) -> None:
        env, client = self.session.environment, self.session.client
        if env is None or client is None or self._streamer is not None:
            return
        options = {"resync_on_first_connect": True, **self._streamer_options}
        factory = self._streamer_factory
        if factory is None:
            from desktop.api.account_streamer import AccountStreamer

            factory = AccountStreamer
        self._streamer = factory(
            env.streamer_url,
            client.authorization,
            [a.account_number for a in self.accounts],
            self._on_event,
            self._on_streamer_state,
            self._resync,
            **options,
        )
        self._streamer.start()

    async def _resync(self) -> None:
        """After a (re)connect: reload every loaded account (events are held meanwhile)."""
        for number in sorted(self._loaded, key=lambda n: n != self._selected):
            try:
                await self.refresh(number)
            except ApiError as exc:
                log.warning("Resync of %s failed: %s", number, exc)
                self.error.emit(f"Could not refresh account {number}: {exc.message}")

    def _on_streamer_state(self, state: str, detail: str) -> None:
        self.streamer_state = state
        self.streamer_state_changed.emit(state, detail)

    def _on_event(self, event_type: str, event: Any) -> None:
        if self._streamer is None:  # a late event from a streamer that is closing
            return
        try:
            if isinstance(event, Order):
                self._apply_order(event)
            elif isinstance(event, ComplexOrder):
                for child in event.all_orders:
                    self._apply_order(child)
                self.complex_order_updated.emit(event)
            elif isinstance(event, Position):
                self._apply_position(event)
            elif isinstance(event, Balance):
                self._balances[event.account_number] = event
                if event.account_number == self._selected:
                    self.balances_changed.emit(event)
        except Exception:  # an event handler's bug is logged, never fatal to the stream
            log.exception("Handling a %s event failed", event_type)

    def _apply_order(self, order: Order) -> None:
        if order.id is None:
            return
        book = self._orders.setdefault(order.account_number, {})
        keep = book.get(order.id)
        if keep is not None and not _newer(keep, order):
            return
        book[order.id] = order
        self.order_updated.emit(order)
        if order.account_number == self._selected:
            self.orders_changed.emit(self.todays_orders)

    def _apply_position(self, position: Position) -> None:
        book = self._positions.setdefault(position.account_number, {})
        keep = book.get(position.symbol)
        if keep is not None and not _newer(keep, position):
            return
        if position.is_closed:
            book.pop(position.symbol, None)
        else:
            book[position.symbol] = position
        if position.account_number == self._selected:
            positions = self.positions
            self.quotes.track(positions)
            self.positions_changed.emit(positions)
            if position.underlying_symbol and position.underlying_symbol not in self._betas:
                self._spawn(self._load_betas(), "Loading betas")

    # --- lifecycle ------------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, Any], what: str) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if not t.cancelled() and t.exception() is not None:
                exc = t.exception()
                message = exc.message if isinstance(exc, ApiError) else str(exc) or type(exc).__name__
                log.warning("%s failed: %s", what, message)
                self.error.emit(f"{what} failed: {message}")

        task.add_done_callback(done)

    def _on_signed_in(self, _customer: object) -> None:
        self._spawn(self.load(), "Loading the accounts")

    def _on_signed_out(self) -> None:
        for t in list(self._tasks):
            if not t.done():
                t.cancel()
        streamer, self._streamer = self._streamer, None
        if streamer is not None:  # closed in the background; close() waits for it
            task = asyncio.ensure_future(streamer.close())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)
        self.quotes.release()
        self._reset()
        self.accounts_changed.emit([])
        self.account_changed.emit(None)

    async def close(self) -> None:
        """Stop the streamer and background work (application exit)."""
        streamer, self._streamer = self._streamer, None
        if streamer is not None:
            await streamer.close()
        pending = [t for t in self._tasks if not t.done()]
        for t in pending:
            t.cancel()
        await asyncio.gather(*pending, *self._closing, return_exceptions=True)
        self.quotes.release()


def _today() -> date:
    return datetime.now(NEW_YORK).date()
