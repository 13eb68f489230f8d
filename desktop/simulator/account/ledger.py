"""The ledger: accounts' cash, positions, orders, transactions and watchlists, persisted.

Every mutation goes through a ``Batch`` committed to SQLite before the caller answers (so a
``kill -9`` after an HTTP response loses nothing) and is published on the account bus in
the REST shapes. Order intake and matching live in ``desk`` and ``matching``; this module
owns state, fills and valuation.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.simulator.account import identity
from desktop.simulator.account.balances import Valuation, balance_wire, mark_positions, value
from desktop.simulator.account.fees import Fees, leg_fees
from desktop.simulator.account.models import ComplexOrder, Fill, Leg, Order, Position, apply_quantity
from desktop.simulator.account.store import Batch, Store
from desktop.simulator.account.transactions import trade_row
from desktop.simulator.market import Instrument
from desktop.simulator.market.hours import et_date
from desktop.simulator.wire import iso

if TYPE_CHECKING:
    from desktop.simulator.account.matching import Matcher
    from desktop.simulator.context import ExchangeContext

log = logging.getLogger(__name__)
ZERO = Decimal(0)


class Ledger:
    """All account state of the exchange (one customer, several accounts)."""

    def __init__(self, ctx: ExchangeContext, store: Store) -> None:
        self.ctx = ctx
        self.market = ctx.market
        self.store = store
        self.cash: dict[str, Decimal] = {}
        self.positions: dict[str, dict[str, Position]] = {a.number: {} for a in identity.ACCOUNTS}
        self.orders: dict[int, Order] = {}
        self.complex_orders: dict[int, ComplexOrder] = {}
        self.transactions: dict[str, list[dict[str, Any]]] = {a.number: [] for a in identity.ACCOUNTS}
        self.watchlists: dict[str, dict[str, Any]] = {}
        self.snapshots: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.counters = {"order": 270_000, "complex": 2_000_010_000, "transaction": 250_000_000, "fill": 1}
        self.last_day = ""
        self._instruments: dict[str, Instrument | None] = {}
        self._valuations: dict[str, tuple[int, int, Valuation]] = {}
        self.version = 0  # bumped by every commit (valuation cache key)
        self.matcher: Matcher | None = None
        from desktop.simulator.account.desk import OrderDesk

        self.desk = OrderDesk(self)

    # -- lifecycle ----------------------------------------------------------------------------

    @classmethod
    def open(cls, ctx: ExchangeContext) -> Ledger:
        store = Store(ctx.config.state_path)
        ledger = cls(ctx, store)
        if store.get_meta("seeded") is None:
            from desktop.simulator.account.seed import seed

            seed(ledger)
            log.info(
                "state: seeded the demo accounts%s", f" in {store.path}" if store.path else " (in memory)"
            )
        else:
            ledger.load()
            log.info(
                "state: loaded %d orders and %d positions from %s",
                len(ledger.orders),
                sum(len(p) for p in ledger.positions.values()),
                store.path,
            )
        return ledger

    def load(self) -> None:
        s = self.store
        for row in s.load("accounts"):
            self.cash[row["number"]] = Decimal(row["cash"])
        for row in s.load("positions"):
            p = Position.from_store(row)
            self.positions.setdefault(p.account, {})[p.symbol] = p
        for row in s.load("orders"):
            o = Order.from_store(row)
            self.orders[o.id] = o  # type: ignore[index]
        for row in s.load("complex_orders"):
            c = ComplexOrder.from_store(row)
            self.complex_orders[c.id] = c  # type: ignore[index]
        for row in sorted(s.load("transactions"), key=lambda r: r["id"]):
            self.transactions.setdefault(row["account-number"], []).append(row)
        for row in s.load("watchlists"):
            self.watchlists[row["name"]] = row
        for row in s.load("snapshots"):
            self.snapshots[(row["account-number"], row["snapshot-date"], row["time-of-day"])] = row
        for key in self.counters:
            raw = s.get_meta(f"next_{key}")
            if raw is not None:
                self.counters[key] = int(raw)
        self.last_day = s.get_meta("last_day") or ""
        self._recover_in_flight()

    def _recover_in_flight(self) -> None:
        """Orders caught mid-lifecycle by a crash continue as working (or finish cancelling)."""
        batch = Batch()
        now = self.ctx.clock.now_ms()
        for o in self.orders.values():
            if o.status in ("Routed", "In Flight"):
                o.status, o.live_at, o.updated_at = "Live", o.live_at or now, now
            elif o.status in ("Cancel Requested", "Replace Requested"):
                o.status, o.cancelled_at, o.terminal_at, o.updated_at = "Cancelled", now, now, now
            else:
                continue
            self.put_order(batch, o)
        self.store.commit(batch)

    def start(self) -> None:
        from desktop.simulator.account.matching import Matcher

        self.matcher = Matcher(self)
        self.matcher.start()

    async def stop(self) -> None:
        if self.matcher is not None:
            await self.matcher.stop()

    def close(self) -> None:
        self.store.close()

    async def on_market_jump(self) -> None:
        if self.matcher is not None:
            await self.matcher.run_once()

    # -- identity -----------------------------------------------------------------------------

    def account_numbers(self, customer_id: str) -> set[str]:
        return {a.number for a in identity.ACCOUNTS} if customer_id == identity.CUSTOMER_ID else set()

    def authority(self, account: str) -> str | None:
        spec = identity.ACCOUNTS_BY_NUMBER.get(account)
        return spec.authority if spec else None

    def is_cash_account(self, account: str) -> bool:
        return identity.ACCOUNTS_BY_NUMBER[account].margin_or_cash == "Cash"

    # -- persistence and events ---------------------------------------------------------------

    def next_id(self, kind: str, batch: Batch) -> int:
        value = self.counters[kind]
        self.counters[kind] = value + 1
        batch.meta[f"next_{kind}"] = str(value + 1)
        return value

    def put_order(self, batch: Batch, order: Order, publish: bool = True) -> None:
        batch.put("orders", (order.id, order.account), order.to_store())
        if publish:
            self.ctx.bus.publish(order.account, "Order", order.to_wire())

    def put_complex(self, batch: Batch, co: ComplexOrder, publish: bool = True) -> None:
        batch.put("complex_orders", (co.id, co.account), co.to_store())
        if publish:
            self.ctx.bus.publish(co.account, "ComplexOrder", self.complex_wire(co))

    def put_cash(self, batch: Batch, account: str) -> None:
        batch.put("accounts", (account,), {"number": account, "cash": str(self.cash[account])})

    def put_position(self, batch: Batch, p: Position, publish: bool = True) -> None:
        """Store a position; a closed one (quantity 0) stays until the day roll, so
        ``include-closed-positions`` can show what was closed today."""
        batch.put("positions", (p.account, p.symbol), p.to_store())
        if publish:
            self.ctx.bus.publish(p.account, "CurrentPosition", p.to_wire())

    def commit(self, batch: Batch) -> None:
        self.store.commit(batch)
        self.version += 1

    def publish_balance(self, account: str) -> None:
        self.ctx.bus.publish(account, "AccountBalance", self.balance(account))

    # -- reads ----------------------------------------------------------------------------------

    def drop_closed_positions(self, batch: Batch) -> None:
        for account, book in self.positions.items():
            for symbol in [s for s, p in book.items() if p.quantity == 0]:
                del book[symbol]
                batch.delete("positions", (account, symbol))

    def instrument(self, symbol: str) -> Instrument | None:
        inst = self._instruments.get(symbol)
        if inst is None:
            inst = self.market.resolve_rest(symbol)
            if inst is not None:
                self._instruments[symbol] = inst
        return inst

    def account_orders(self, account: str) -> list[Order]:
        return [o for o in self.orders.values() if o.account == account]

    def complex_wire(self, co: ComplexOrder) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if co.id is not None:
            out["id"] = co.id
        out.update({"account-number": co.account, "type": co.type})
        if co.trigger_order_id is not None:
            out["trigger-order"] = self.orders[co.trigger_order_id].to_wire()
        out["orders"] = [self.orders[i].to_wire() for i in co.order_ids]
        if co.terminal_at:
            out["terminal-at"] = iso(co.terminal_at)
        return out

    def reserved(self, account: str, exclude: int | None = None) -> Decimal:
        return sum(
            (
                o.bp_reserved
                for o in self.orders.values()
                if o.account == account and o.working and o.id != exclude
            ),
            ZERO,
        )

    def valuation(
        self,
        account: str,
        positions: Iterable[Position] | None = None,
        cash: Decimal | None = None,
        exclude_order: int | None = None,
    ) -> Valuation:
        """The account valued at current marks (cached per market tick for the plain case)."""
        plain = positions is None and cash is None and exclude_order is None
        if plain:
            cached = self._valuations.get(account)
            if cached is not None and cached[0] == self.market.tick and cached[1] == self.version:
                return cached[2]
        marked = mark_positions(
            self.positions[account].values() if positions is None else positions, self.market, self.instrument
        )
        v = value(
            self.cash[account] if cash is None else cash,
            marked,
            self.market,
            self.is_cash_account(account),
            self.reserved(account, exclude_order),
        )
        if plain:
            self._valuations[account] = (self.market.tick, self.version, v)
        return v

    def balance(self, account: str) -> dict[str, Any]:
        now = self.ctx.clock.now_ms()
        return balance_wire(account, self.valuation(account), now, et_date(now).isoformat())

    def position_wire(self, p: Position, include_marks: bool) -> dict[str, Any]:
        mark = None
        if include_marks:
            inst = self.instrument(p.symbol)
            if inst is not None:
                _, _, mid = self.market.quote(inst)
                mark = Decimal(repr(round(mid, 6))) if mid == mid else p.close_price
        return p.to_wire(mark, include_marks)

    # -- fills ----------------------------------------------------------------------------------

    def fees_of(self, leg: Leg, qty: Decimal, price: Decimal) -> Fees:
        inst = self.instrument(leg.symbol)
        mult = Decimal(repr(inst.multiplier)) if inst else Decimal(1)
        exchange_fee = Decimal("1.38")
        if inst is not None and inst.product_code:
            product = self.market.universe.futures.get(inst.product_code)
            exchange_fee = Decimal(repr(product.exchange_fee)) if product else exchange_fee
        return leg_fees(
            leg.instrument_type, inst.root if inst else "", leg.action, qty, price, mult, exchange_fee
        )

    def fill_leg(
        self,
        batch: Batch,
        order: Order,
        leg: Leg,
        qty: Decimal,
        price: Decimal,
        now: int,
        positions_out: list[dict[str, Any]] | None = None,
    ) -> None:
        """Execute ``qty`` of ``leg`` at ``price``: fill record, position, cash, transaction.

        With ``positions_out`` the position event is collected there instead of published, so
        the caller can publish it after the ``Filled`` order (the order a client sees).
        """
        inst = self.instrument(leg.symbol)
        mult = Decimal(repr(inst.multiplier)) if inst else Decimal(1)
        fid = self.next_id("fill", batch)
        day = et_date(now)
        leg.fills.append(
            Fill(f"{fid}_TW::SIM{order.id}::{day:%Y%m%d}.{fid}-SIM_FILL", qty, price, now, str(fid))
        )
        leg.remaining -= qty
        signed = qty if leg.is_buy else -qty
        fees = self.fees_of(leg, qty, price)
        account = order.account
        realized = self._apply_position(account, leg, inst, signed, price, mult, now, batch, positions_out)
        flow = realized if leg.instrument_type == "Future" else -signed * price * mult  # futures: P/L only
        total_fees = fees.rounded().total
        self.cash[account] += flow - total_fees
        self.put_cash(batch, account)
        row = trade_row(order, leg, inst, qty, price, mult, fees, flow, now)
        row["id"] = self.next_id("transaction", batch)
        self.add_transaction(batch, row)

    def _apply_position(
        self,
        account: str,
        leg: Leg,
        inst: Instrument | None,
        signed: Decimal,
        price: Decimal,
        mult: Decimal,
        now: int,
        batch: Batch,
        positions_out: list[dict[str, Any]] | None = None,
    ) -> Decimal:
        """Update the position; returns realized P/L (futures: the cash that changes hands)."""
        book = self.positions.setdefault(account, {})
        p = book.get(leg.symbol)
        today = et_date(now).isoformat()
        if p is None:
            underlying = inst.underlying_symbol if inst else leg.symbol
            p = Position(
                account,
                leg.symbol,
                leg.instrument_type,
                underlying,
                ZERO,
                price,
                mult,
                price,
                now,
                now,
                ZERO,
                today,
                inst.expires_ms if inst and (inst.is_option or inst.is_future) else None,
                inst.streamer_symbol if inst else "",
            )
            book[leg.symbol] = p
        if p.quantity == 0:  # (re)opened: a closed position from earlier today starts afresh
            p.created_at, p.average_open_price = now, price
        closed = p.quantity != 0 and (p.quantity > 0) != (signed > 0)
        q1, avg1, realized_points = apply_quantity(p.quantity, p.average_open_price, signed, price)
        realized = realized_points * mult
        p.quantity, p.average_open_price = q1, avg1
        if closed:
            if p.realized_date != today:
                p.realized_today, p.realized_date = ZERO, today
            p.realized_today += realized
        p.updated_at = now
        self.put_position(batch, p, publish=positions_out is None)
        if positions_out is not None:
            positions_out.append(p.to_wire())
        return realized

    def add_transaction(self, batch: Batch, row: dict[str, Any]) -> None:
        self.transactions.setdefault(row["account-number"], []).append(row)
        batch.put("transactions", (row["id"], row["account-number"]), row)


def new_request_id() -> str:
    return secrets.token_hex(16)
