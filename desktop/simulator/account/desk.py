"""The order desk: dry-run, submit, cancel and cancel-replace of single orders.

``evaluate`` runs every preflight check on a parsed order and computes its buying-power
effect (valuation before and after a hypothetical fill at the order's price) and its fees;
dry-run returns that, submit persists the order and hands it to the matcher. Complex orders
(OCO, OTOCO, OTO) are in ``complex_orders`` and reuse ``evaluate``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.simulator.account.balances import HUGE, Valuation, bp_wire, mark_positions, value
from desktop.simulator.account.fees import Fees
from desktop.simulator.account.intake import (
    parse_order,
    perr,
    replacement_body,
    static_checks,
    strict_position_effect,
)
from desktop.simulator.account.ledger import new_request_id
from desktop.simulator.account.models import Order, Position, apply_quantity
from desktop.simulator.account.pricing import leg_prices, leg_quotes, natural, signed_limit
from desktop.simulator.account.sessions import session_info
from desktop.simulator.account.store import Batch
from desktop.simulator.market import Instrument
from desktop.simulator.rest.envelope import ApiError

if TYPE_CHECKING:
    from desktop.simulator.account.ledger import Ledger

ZERO = Decimal(0)
NEXT_SESSION = {
    "code": "tif_next_valid_sesssion",
    "message": "Your order will begin working during next valid session.",
}


@dataclass
class Evaluation:
    order: Order
    instruments: list[Instrument | None]
    warnings: list[dict[str, str]] = field(default_factory=list)
    errors: list[dict[str, str]] = field(default_factory=list)
    fees: Fees = field(default_factory=Fees)
    change_bp: Decimal = ZERO
    bp_wire: dict[str, Any] = field(default_factory=dict)
    open_now: bool = True
    session_day: str = ""

    def data(self) -> dict[str, Any]:
        return {
            "order": self.order.to_wire(),
            "warnings": self.warnings,
            "buying-power-effect": self.bp_wire,
            "fee-calculation": self.fees.to_wire(),
        }


def preflight_error(errors: list[dict[str, str]], data: dict[str, Any] | None = None) -> ApiError:
    return ApiError(422, "preflight_check_failure", "One or more preflight checks failed", errors, data)


def not_permitted() -> ApiError:
    return ApiError(403, "not_permitted", "User not permitted access")


class OrderDesk:
    """Order intake for every account of the ledger."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.market = ledger.market

    # -- access ---------------------------------------------------------------------------------

    def check_account(self, customer: str, account: str, write: bool) -> None:
        if account not in self.ledger.account_numbers(customer):
            raise not_permitted()
        if write and self.ledger.authority(account) not in ("owner", "trade-only"):
            raise not_permitted()

    def order_of(self, account: str, order_id: str | int) -> Order:
        try:
            oid = int(order_id)
        except (TypeError, ValueError):
            raise ApiError(404, "not_found", f"Order {order_id} not found") from None
        order = self.ledger.orders.get(oid)
        if order is None or order.account != account:
            raise ApiError(404, "not_found", f"Order {order_id} not found")
        return order

    # -- evaluation -----------------------------------------------------------------------------

    def evaluate(
        self,
        order: Order,
        instruments: list[Instrument | None],
        strict: bool = False,
        exclude_order: int | None = None,
        flip_effects: bool = True,
    ) -> Evaluation:
        ledger = self.ledger
        now = ledger.ctx.clock.now_ms()
        ev = Evaluation(order, instruments)
        ev.errors += static_checks(order, instruments, ledger.is_cash_account(order.account))
        if flip_effects:
            ev.errors += self._position_effects(order, strict)
        info = session_info(
            instruments[0] if instruments else None,
            order.time_in_force,
            now,
            ledger.ctx.config.sessions == "always-open",
        )
        ev.open_now, ev.session_day = info.open_now, info.session_day
        if not info.open_now:
            if order.order_type in ("Market", "Notional Market") and any(leg.is_open for leg in order.legs):
                ev.errors.append(
                    perr(
                        "market_closed", "Opening market orders are not accepted while the market is closed."
                    )
                )
            elif order.time_in_force == "IOC":
                ev.errors.append(
                    perr("market_closed", "IOC orders are not accepted while the market is closed.")
                )
            else:
                ev.warnings.append(dict(NEXT_SESSION))
        if any(i is None for i in instruments):
            ev.bp_wire = bp_wire(ZERO, ZERO, ZERO, ZERO, ZERO, len(order.legs) > 1)
            return ev
        quotes = leg_quotes(self.market, instruments)
        if order.order_type == "Notional Market" and order.value is not None:
            bid, ask = quotes[0]
            px = ask if order.legs[0].is_buy else bid
            if px == px and px > 0:
                qty = (order.value / Decimal(repr(px))).quantize(Decimal("0.00000001"))
                for leg in order.legs:
                    leg.quantity = leg.remaining = qty
        net = self.fill_net(order, quotes)
        if net != net:
            ev.errors.append(perr("no_quote", "There is no quote for this instrument right now."))
            ev.bp_wire = bp_wire(ZERO, ZERO, ZERO, ZERO, ZERO, len(order.legs) > 1)
            return ev
        prices = leg_prices(order, quotes, net, instruments)
        fees = Fees()
        for leg, px in zip(order.legs, prices, strict=True):
            fees = fees + ledger.fees_of(leg, leg.quantity, px)
        ev.fees = fees
        before = ledger.valuation(order.account, exclude_order=exclude_order)
        positions, cash = self._after(order, instruments, prices, fees)
        after = ledger.valuation(order.account, positions=positions, cash=cash, exclude_order=exclude_order)
        isolated = self._isolated(order, instruments, prices)
        ev.change_bp = before.option_bp - after.option_bp
        ev.bp_wire = bp_wire(
            before.option_bp,
            after.option_bp,
            after.requirement - before.requirement,
            isolated,
            ev.change_bp,
            len(order.legs) > 1,
        )
        if after.requirement >= HUGE / 2:
            ev.errors.append(
                perr(
                    "option_strategy_not_permitted",
                    "Uncovered short calls are not permitted in a cash account.",
                )
            )
        elif ev.change_bp > 0 and after.option_bp < 0:
            ev.errors.append(
                perr(
                    "margin_check_failed",
                    "Account does not have sufficient buying power available for this order.",
                )
            )
        return ev

    def fill_net(self, order: Order, quotes: list[tuple[float, float]]) -> float:
        """The signed net debit per unit a fill would have now (limit orders: the limit)."""
        limit = signed_limit(order)
        nat = natural(order, quotes)
        if limit is None:
            return nat
        if nat == nat and nat <= float(limit):
            return nat
        return float(limit)

    def _position_effects(self, order: Order, strict: bool) -> list[dict[str, str]]:
        """Flip "to Close" legs without a matching position to "to Open" (unless strict)."""
        errors = []
        book = self.ledger.positions.get(order.account, {})
        for leg in order.legs:
            if not leg.action.endswith("Close"):
                continue
            held = book.get(leg.symbol)
            qty = held.quantity if held else ZERO
            ok = (qty < 0 and leg.is_buy) or (qty > 0 and not leg.is_buy)
            if ok:
                continue
            if strict:
                errors.append(
                    perr(
                        "invalid_position_effect",
                        f"There is no {('short' if leg.is_buy else 'long')} "
                        f"position in {leg.symbol} to close.",
                    )
                )
            else:
                leg.action = leg.action.replace("to Close", "to Open")
        return errors

    def _after(
        self, order: Order, instruments: list[Instrument | None], prices: list[Decimal], fees: Fees
    ) -> tuple[list[Position], Decimal]:
        ledger = self.ledger
        book = {s: p.copy() for s, p in ledger.positions[order.account].items()}
        cash = ledger.cash[order.account] - fees.rounded().total
        for leg, inst, px in zip(order.legs, instruments, prices, strict=True):
            assert inst is not None
            mult = Decimal(repr(inst.multiplier))
            signed = leg.quantity if leg.is_buy else -leg.quantity
            p = book.get(leg.symbol) or Position(
                order.account,
                leg.symbol,
                leg.instrument_type,
                inst.underlying_symbol,
                ZERO,
                px,
                mult,
                px,
                0,
                0,
            )
            q1, avg1, realized = apply_quantity(p.quantity, p.average_open_price, signed, px)
            p.quantity, p.average_open_price = q1, avg1
            book[leg.symbol] = p
            cash += realized * mult if inst.kind == "Future" else -signed * px * mult
        return list(book.values()), cash

    def _isolated(self, order: Order, instruments: list[Instrument | None], prices: list[Decimal]) -> Decimal:
        legs_only = []
        for leg, inst, px in zip(order.legs, instruments, prices, strict=True):
            assert inst is not None
            signed = leg.quantity if leg.is_buy else -leg.quantity
            legs_only.append(
                Position(
                    order.account,
                    leg.symbol,
                    leg.instrument_type,
                    inst.underlying_symbol,
                    signed,
                    px,
                    Decimal(repr(inst.multiplier)),
                    px,
                    0,
                    0,
                )
            )
        marked = mark_positions(legs_only, self.market, self.ledger.instrument)
        val: Valuation = value(ZERO, marked, self.market, self.ledger.is_cash_account(order.account), ZERO)
        return val.requirement

    # -- single orders --------------------------------------------------------------------------

    def dry_run(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        order, instruments = parse_order(body, account, self.market)
        ev = self.evaluate(order, instruments, strict_position_effect(body))
        if ev.errors:
            raise preflight_error(ev.errors, {"buying-power-effect": ev.bp_wire, **ev.data()})
        return ev.data()

    def submit(self, account: str, body: dict[str, Any]) -> dict[str, Any]:
        order, instruments = parse_order(body, account, self.market)
        ev = self.evaluate(order, instruments, strict_position_effect(body))
        if ev.errors:
            raise preflight_error(ev.errors)
        batch = Batch()
        self.place(batch, ev)
        self.ledger.commit(batch)
        assert self.ledger.matcher is not None
        self.ledger.matcher.schedule(order)
        if order.bp_reserved:
            self.ledger.publish_balance(account)
        return ev.data()

    def place(self, batch: Batch, ev: Evaluation, status: str | None = None) -> Order:
        """Give the evaluated order an id and its first status, reserve buying power."""
        ledger = self.ledger
        order = ev.order
        now = ledger.ctx.clock.now_ms()
        order.id = ledger.next_id("order", batch)
        order.status = status or ("Routed" if ev.open_now else "Received")
        order.received_at = order.updated_at = now
        order.session_day = ev.session_day
        order.global_request_id = new_request_id()
        order.bp_reserved = max(ev.change_bp, ZERO) if any(leg.is_open for leg in order.legs) else ZERO
        ledger.orders[order.id] = order
        ledger.put_order(batch, order)
        return order

    def cancel(self, account: str, order_id: str | int) -> dict[str, Any]:
        order = self.order_of(account, order_id)
        if not order.working:
            raise ApiError(422, "cannot_update_order", "the order could not be cancelled")
        batch = Batch()
        order.status = "Cancel Requested"
        order.updated_at = self.ledger.ctx.clock.now_ms()
        self.ledger.put_order(batch, order)
        self.ledger.commit(batch)
        assert self.ledger.matcher is not None
        self.ledger.matcher.finish_cancel(order)
        return order.to_wire()

    def replace(
        self, account: str, order_id: str | int, body: dict[str, Any], partial: bool, dry_run: bool
    ) -> dict[str, Any]:
        old = self.order_of(account, order_id)
        if not old.working or (old.status == "Contingent" and old.complex_order_id is None):
            raise ApiError(422, "cannot_update_order", "the order could not be replaced")
        merged = replacement_body(old, body, partial)
        order, instruments = parse_order(merged, account, self.market)
        if [(leg.symbol, leg.quantity) for leg in order.legs] != [
            (leg.symbol, leg.quantity) for leg in old.legs
        ]:
            raise ApiError(
                400,
                "validation_error",
                "Request validation failed",
                [{"domain": "legs", "reason": "must match the legs of the order being replaced"}],
            )
        for new_leg, old_leg in zip(order.legs, old.legs, strict=True):
            new_leg.action = old_leg.action
        ev = self.evaluate(order, instruments, exclude_order=old.id, flip_effects=False)
        if ev.errors:
            raise preflight_error(
                ev.errors, {"buying-power-effect": ev.bp_wire, **ev.data()} if dry_run else None
            )
        if dry_run:
            return ev.data()
        batch = Batch()
        order.replaces_order_id = old.id
        order.complex_order_id, order.complex_order_tag, order.preflight_id = (
            old.complex_order_id,
            old.complex_order_tag,
            old.preflight_id,
        )
        new = self.place(batch, ev, status="Contingent" if old.status == "Contingent" else None)
        if old.status == "Contingent":
            new.contingent_status = old.contingent_status
        old.status, old.replacing_order_id, old.edited = "Replace Requested", new.id, True
        old.updated_at = new.received_at
        self.ledger.put_order(batch, old)
        if old.complex_order_id is not None:
            co = self.ledger.complex_orders.get(old.complex_order_id)
            if co is not None:
                if co.trigger_order_id == old.id:
                    co.trigger_order_id = new.id
                co.order_ids = [new.id if i == old.id else i for i in co.order_ids]  # type: ignore[misc]
                self.ledger.put_complex(batch, co, publish=False)
        self.ledger.commit(batch)
        assert self.ledger.matcher is not None
        self.ledger.matcher.finish_replace(old, new)
        self.ledger.publish_balance(account)
        return new.to_wire()
