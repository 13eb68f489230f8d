"""Complex orders: OCO (two closing orders, one fill cancels the other), OTOCO (a trigger
order whose fill releases an OCO pair) and OTO (a trigger releasing up to three orders)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from desktop.simulator.account.desk import Evaluation, preflight_error
from desktop.simulator.account.intake import parse_order, perr
from desktop.simulator.account.models import ComplexOrder, Order
from desktop.simulator.account.store import Batch
from desktop.simulator.rest.envelope import ApiError

if TYPE_CHECKING:
    from desktop.simulator.account.desk import OrderDesk

TYPES = ("OCO", "OTOCO", "OTO")


def _bad(domain: str, reason: str) -> ApiError:
    return ApiError(
        400, "validation_error", "Request validation failed", [{"domain": domain, "reason": reason}]
    )


def _parse(
    desk: OrderDesk, account: str, body: dict[str, Any]
) -> tuple[str, Evaluation | None, list[Evaluation]]:
    kind = body.get("type") or ("OTOCO" if body.get("trigger-order") else "OCO")
    if kind not in TYPES:
        raise _bad("type", f"must be one of {', '.join(TYPES)}")
    trigger_body = body.get("trigger-order")
    children = body.get("orders")
    if not isinstance(children, list) or not children or not all(isinstance(c, dict) for c in children):
        raise _bad("orders", "is missing")
    if kind == "OCO" and trigger_body is not None:
        raise _bad("trigger-order", "is not allowed for OCO orders")
    if kind != "OCO" and not isinstance(trigger_body, dict):
        raise _bad("trigger-order", f"is required for {kind} orders")
    if kind in ("OCO", "OTOCO") and len(children) != 2:
        raise _bad("orders", f"{kind} orders have exactly two orders")
    if kind == "OTO" and len(children) > 3:
        raise _bad("orders", "OTO orders have at most three orders")
    trigger = None
    if isinstance(trigger_body, dict):
        order, instruments = parse_order(trigger_body, account, desk.market)
        trigger = desk.evaluate(order, instruments)
    evs = []
    for child_body in children:
        order, instruments = parse_order(child_body, account, desk.market)
        ev = desk.evaluate(order, instruments, flip_effects=False)
        if kind == "OCO":
            book = desk.ledger.positions.get(account, {})
            for leg in order.legs:
                held = book.get(leg.symbol)
                qty = held.quantity if held else Decimal(0)
                if not leg.action.endswith("Close") or not (
                    (qty > 0 and not leg.is_buy) or (qty < 0 and leg.is_buy)
                ):
                    ev.errors.append(
                        perr("invalid_complex_order", "OCO orders can only close existing positions.")
                    )
                    break
        evs.append(ev)
    return kind, trigger, evs


def _wire(co: ComplexOrder, trigger: Order | None, orders: list[Order]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if co.id is not None:
        out["id"] = co.id
    out.update({"account-number": co.account, "type": co.type})
    if trigger is not None:
        out["trigger-order"] = trigger.to_wire()
    out["orders"] = [o.to_wire() for o in orders]
    return out


def place_complex(desk: OrderDesk, account: str, body: dict[str, Any], dry_run: bool) -> dict[str, Any]:
    kind, trigger, children = _parse(desk, account, body)
    main = trigger if trigger is not None else max(children, key=lambda e: e.change_bp)
    errors = [e for ev in ([trigger] if trigger else []) + children for e in ev.errors]  # type: ignore[union-attr]
    warnings = [w for ev in ([trigger] if trigger else []) + children for w in ev.warnings]  # type: ignore[union-attr]
    warnings = [dict(t) for t in {tuple(sorted(w.items())) for w in warnings}]
    tag_child = {"OCO": "OCO::order", "OTOCO": "OTOCO::oco-1-order", "OTO": "OTO::order"}[kind]
    for i, ev in enumerate(children, start=1):
        ev.order.complex_order_tag, ev.order.preflight_id = tag_child, i
        if trigger is not None:
            ev.order.status, ev.order.contingent_status = "Contingent", "Pending Order"
    if trigger is not None:
        trigger.order.complex_order_tag, trigger.order.preflight_id = f"{kind}::trigger-order", 0
    co = ComplexOrder(None, account, kind, None, [])
    summary = {
        "warnings": warnings,
        "buying-power-effect": main.bp_wire,
        "fee-calculation": main.fees.to_wire(),
    }
    if errors:
        data = (
            {
                "complex-order": _wire(co, trigger.order if trigger else None, [e.order for e in children]),
                **summary,
            }
            if dry_run
            else None
        )
        raise preflight_error(errors, data)
    if dry_run:
        return {
            "complex-order": _wire(co, trigger.order if trigger else None, [e.order for e in children]),
            **summary,
        }
    ledger = desk.ledger
    batch = Batch()
    co.id = ledger.next_id("complex", batch)
    placed_trigger = None
    if trigger is not None:
        trigger.order.complex_order_id = co.id
        placed_trigger = desk.place(batch, trigger)
        co.trigger_order_id = placed_trigger.id
    for ev in children:
        ev.order.complex_order_id = co.id
        status = "Contingent" if trigger is not None else None
        placed = desk.place(batch, ev, status=status)
        if trigger is not None:
            placed.contingent_status = "Pending Order"
            placed.bp_reserved = Decimal(0)
        co.order_ids.append(placed.id)  # type: ignore[arg-type]
    ledger.complex_orders[co.id] = co
    ledger.put_complex(batch, co)
    ledger.commit(batch)
    assert ledger.matcher is not None
    if placed_trigger is not None:
        ledger.matcher.schedule(placed_trigger)
    else:
        for oid in co.order_ids:
            ledger.matcher.schedule(ledger.orders[oid])
    ledger.publish_balance(account)
    return {"complex-order": ledger.complex_wire(co), **summary}


def cancel_complex(desk: OrderDesk, account: str, complex_id: str) -> dict[str, Any]:
    ledger = desk.ledger
    co = complex_of(desk, account, complex_id)
    members = [
        ledger.orders[i] for i in ([co.trigger_order_id] if co.trigger_order_id else []) + co.order_ids
    ]
    working = [m for m in members if m.working]
    if not working:
        raise ApiError(422, "cannot_update_order", "the complex order could not be cancelled")
    batch = Batch()
    now = ledger.ctx.clock.now_ms()
    for m in working:
        m.status, m.updated_at = "Cancel Requested", now
        ledger.put_order(batch, m)
    ledger.put_complex(batch, co)
    ledger.commit(batch)
    assert ledger.matcher is not None
    for m in working:
        ledger.matcher.finish_cancel(m)
    return ledger.complex_wire(co)


def complex_of(desk: OrderDesk, account: str, complex_id: str | int) -> ComplexOrder:
    try:
        cid = int(complex_id)
    except (TypeError, ValueError):
        raise ApiError(404, "not_found", f"Complex order {complex_id} not found") from None
    co = desk.ledger.complex_orders.get(cid)
    if co is None or co.account != account:
        raise ApiError(404, "not_found", f"Complex order {complex_id} not found")
    return co
