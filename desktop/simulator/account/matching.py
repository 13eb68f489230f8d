"""Matching: order lifecycles, fills against the market's quotes, stops, expiry, OCO.

Every new order walks ``Routed -> In Flight -> Live`` (~40 ms a step, each published); a
``Received`` one (market closed) waits for its session. On every market tick each live order
is checked: a marketable order fills at the quote when it arrives; a resting limit fills at
its limit once the market crosses it; stops trigger on the bid (sells) or ask (buys) and then
behave as market or limit orders; a limit resting at or better than the mid fills at its
limit after a few seconds (5 s at the mid); Day orders expire when their session ends; IOC orders that
cannot fill are cancelled. A fill of an OCO member cancels its siblings; a filled OTOCO/OTO
trigger releases its contingent children.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.simulator.account.pricing import leg_prices, leg_quotes, mid, natural, signed_limit
from desktop.simulator.account.sessions import session_info
from desktop.simulator.account.store import Batch
from desktop.simulator.market import TICK_S, Instrument

if TYPE_CHECKING:
    from desktop.simulator.account.ledger import Ledger
    from desktop.simulator.account.models import Order

log = logging.getLogger(__name__)
STEP_S = 0.04
MID_PATIENCE_S = 5.0  # a limit resting at the mid fills after this long
ZERO = Decimal(0)


class Matcher:
    """Drives orders of one ledger; runs on the exchange loop."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.market = ledger.market
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()
        self._routing: set[int] = set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="matching")

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._pending) if t is not None]
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        self._task = None

    def _spawn(self, coro: object) -> None:
        task = asyncio.get_running_loop().create_task(coro)  # type: ignore[arg-type]
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _run(self) -> None:
        from desktop.simulator.account.eod import housekeeping

        tick = self.market.tick
        last_housekeeping = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                async with asyncio.timeout(1.0):
                    tick = await self.market.wait_tick(tick)
            except TimeoutError:
                pass
            try:
                await self.run_once()
                if loop.time() - last_housekeeping > 5.0:
                    last_housekeeping = loop.time()
                    housekeeping(self.ledger)
            except Exception:
                log.exception("matching pass failed; continuing")

    # -- lifecycle ------------------------------------------------------------------------------

    def schedule(self, order: Order) -> None:
        """A just-placed order: walk it to Live (if its market is open)."""
        if order.status == "Routed":
            self._routing.add(order.id)  # type: ignore[arg-type]
            self._spawn(self._route(order))

    async def _route(self, order: Order) -> None:
        try:
            for status in ("In Flight", "Live"):
                await asyncio.sleep(STEP_S)
                if order.status not in ("Routed", "In Flight"):
                    return
                now = self.ledger.ctx.clock.now_ms()
                order.status = status
                order.updated_at = now
                if status == "In Flight":
                    order.in_flight_at = now
                else:
                    order.live_at = now
                batch = Batch()
                self.ledger.put_order(batch, order)
                self.ledger.commit(batch)
        finally:
            self._routing.discard(order.id)  # type: ignore[arg-type]
        await asyncio.sleep(0)
        self.check(order, arriving=True)

    def finish_cancel(self, order: Order) -> None:
        self._spawn(self._cancel_later(order))

    async def _cancel_later(self, order: Order, status_from: str = "Cancel Requested") -> None:
        await asyncio.sleep(STEP_S)
        if order.status != status_from:
            return
        self.terminate(order, "Cancelled")

    def finish_replace(self, old: Order, new: Order) -> None:
        async def run() -> None:
            await self._cancel_later(old, "Replace Requested")
            if new.status == "Received" or new.status == "Contingent":
                return
            self._routing.add(new.id)  # type: ignore[arg-type]
            await self._route(new)

        self._spawn(run())

    def terminate(self, order: Order, status: str, reason: str | None = None) -> None:
        """Move a working order to a terminal status (Cancelled, Expired, Rejected)."""
        ledger = self.ledger
        now = ledger.ctx.clock.now_ms()
        order.status, order.updated_at, order.terminal_at = status, now, now
        if status == "Cancelled":
            order.cancelled_at = now
        if reason:
            order.reject_reason = reason
        order.bp_reserved = ZERO
        batch = Batch()
        ledger.put_order(batch, order)
        self._complex_done(batch, order)
        ledger.commit(batch)
        ledger.publish_balance(order.account)

    # -- matching -------------------------------------------------------------------------------

    async def run_once(self) -> None:
        for order in sorted((o for o in self.ledger.orders.values() if o.working), key=lambda o: o.id or 0):
            if order.id in self._routing:
                continue
            try:
                self.check(order)
            except Exception:
                log.exception("checking order %s failed", order.id)

    def _instruments(self, order: Order) -> list[Instrument | None]:
        return [self.ledger.instrument(leg.symbol) for leg in order.legs]

    def check(self, order: Order, arriving: bool = False) -> None:
        """One matching step for one order; an ``arriving`` marketable order fills at the quote,
        a resting one at its limit once the market crosses it."""
        if not order.working or order.status == "Contingent":
            return
        ledger = self.ledger
        now = ledger.ctx.clock.now_ms()
        instruments = self._instruments(order)
        info = session_info(
            instruments[0], order.time_in_force, now, ledger.ctx.config.sessions == "always-open"
        )
        if self._expired(order, now):
            self.terminate(order, "Expired")
            return
        if order.status == "Received":
            if info.open_now:
                order.status, order.session_day, order.updated_at = "Routed", info.session_day, now
                batch = Batch()
                ledger.put_order(batch, order)
                ledger.commit(batch)
                self.schedule(order)
            return
        if order.status != "Live" or not info.open_now or any(i is None for i in instruments):
            return
        quotes = leg_quotes(self.market, instruments)
        nat = natural(order, quotes)
        if nat != nat:
            return
        if order.stop_trigger is not None and not order.triggered:
            if not self._stop_hit(order, quotes):
                return
            order.triggered = True
            order.updated_at = now
            batch = Batch()
            ledger.put_order(batch, order, publish=False)
            ledger.commit(batch)
            arriving = True  # from here on it behaves as a fresh market/limit order
        limit = signed_limit(order)
        if limit is None:
            self.fill(order, nat, quotes, instruments)
            return
        if nat <= float(limit) + 1e-9:
            self.fill(order, nat if arriving else float(limit), quotes, instruments)
        elif order.time_in_force == "IOC":
            self.terminate(order, "Cancelled", "IOC order could not be filled immediately")
        elif self._patient_fill(order, float(limit), nat, mid(order, quotes), now):
            self.fill(order, float(limit), quotes, instruments)

    @staticmethod
    def _patient_fill(order: Order, limit: float, nat: float, mid_price: float, now: int) -> bool:
        """A limit at or better than the mid gets filled after resting a while (like a market
        maker meeting it): ``MID_PATIENCE_S`` at the mid, sooner the closer it is to the quote."""
        if order.live_at is None or not nat > mid_price or limit < mid_price - 1e-9:
            return False
        share = (nat - limit) / (nat - mid_price)  # 1 at the mid, 0 at the natural price
        return now - order.live_at >= MID_PATIENCE_S * 1000 * share

    def _stop_hit(self, order: Order, quotes: list[tuple[float, float]]) -> bool:
        leg = order.legs[0]
        bid, ask = quotes[0]
        trigger = float(order.stop_trigger or 0)
        return ask >= trigger if leg.is_buy else bid <= trigger

    def _expired(self, order: Order, now: int) -> bool:
        if order.time_in_force in ("GTC", "GTC Ext", "GTC Ext Overnight"):
            return False
        if order.time_in_force == "GTD" and order.gtc_date:
            from desktop.simulator.market.hours import et_date

            return et_date(now).isoformat() > order.gtc_date
        if order.status == "Received":
            return False
        inst = self.ledger.instrument(order.legs[0].symbol)
        info = session_info(inst, order.time_in_force, now, self.ledger.ctx.config.sessions == "always-open")
        return bool(order.session_day) and info.session_day > order.session_day

    def fill(
        self,
        order: Order,
        net: float,
        quotes: list[tuple[float, float]],
        instruments: list[Instrument | None],
    ) -> None:
        ledger = self.ledger
        now = ledger.ctx.clock.now_ms()
        prices = leg_prices(order, quotes, net, instruments)
        batch = Batch()
        positions: list[dict[str, Any]] = []
        for leg, px in zip(order.legs, prices, strict=True):
            if leg.remaining > 0:
                ledger.fill_leg(batch, order, leg, leg.remaining, px, now, positions)
        order.status, order.updated_at, order.terminal_at = "Filled", now, now
        order.bp_reserved = ZERO
        ledger.put_order(batch, order)
        for position in positions:  # Order (Filled), then CurrentPosition, then AccountBalance
            ledger.ctx.bus.publish(order.account, "CurrentPosition", position)
        self._complex_done(batch, order)
        ledger.commit(batch)
        ledger.publish_balance(order.account)
        log.info("order %s filled at %s (%s)", order.id, round(abs(net), 4), "debit" if net > 0 else "credit")

    # -- complex orders -------------------------------------------------------------------------

    def _complex_done(self, batch: Batch, order: Order) -> None:
        """React to a terminal member of a complex order (OCO cancels, OTO releases)."""
        if order.complex_order_id is None:
            return
        co = self.ledger.complex_orders.get(order.complex_order_id)
        if co is None:
            return
        orders = self.ledger.orders
        now = self.ledger.ctx.clock.now_ms()
        if order.id == co.trigger_order_id:
            children = [orders[i] for i in co.order_ids]
            if order.status == "Filled":
                for child in children:
                    if child.status == "Contingent":
                        child.status, child.contingent_status, child.updated_at = "Routed", None, now
                        child.received_at = now
                        self.ledger.put_order(batch, child)
                        self._spawn(self._route_later(child))
            else:
                for child in children:
                    if child.working:
                        self._cancel_now(batch, child, now)
        elif order.status == "Filled" and co.type in ("OCO", "OTOCO"):
            for i in co.order_ids:
                sibling = orders[i]
                if sibling.id != order.id and sibling.working:
                    self._cancel_now(batch, sibling, now)
        members = [orders[i] for i in ([co.trigger_order_id] if co.trigger_order_id else []) + co.order_ids]
        if all(m.terminal for m in members) and co.terminal_at is None:
            co.terminal_at = now
        self.ledger.put_complex(batch, co)

    def _cancel_now(self, batch: Batch, order: Order, now: int) -> None:
        order.status, order.updated_at, order.terminal_at, order.cancelled_at = "Cancelled", now, now, now
        order.bp_reserved = ZERO
        self.ledger.put_order(batch, order)

    async def _route_later(self, order: Order) -> None:
        await asyncio.sleep(0)
        if order.status == "Routed":
            self._routing.add(order.id)  # type: ignore[arg-type]
            await self._route(order)


__all__ = ["TICK_S", "Matcher"]
