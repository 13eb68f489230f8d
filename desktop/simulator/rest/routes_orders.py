"""Orders: dry-run, submit, search, live, one, cancel, replace/edit; complex orders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from desktop.simulator.account.complex_orders import cancel_complex, complex_of, place_complex
from desktop.simulator.account.desk import OrderDesk
from desktop.simulator.account.models import Order
from desktop.simulator.market.hours import et_date
from desktop.simulator.rest.app import api_version, ctx_of, customer_of
from desktop.simulator.rest.envelope import (
    ApiError,
    date_param,
    datetime_param,
    items,
    json_body,
    list_param,
    ok,
    paginate,
)
from desktop.simulator.rest.routes_accounts import account_param, ledger_of

LIVE_PAGINATED_VERSION = 20250813


def desk_of(request: web.Request, write: bool) -> tuple[OrderDesk, str]:
    account = account_param(request)
    desk: OrderDesk = ledger_of(request).desk
    desk.check_account(customer_of(request), account, write)
    return desk, account


async def dry_run(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=True)
    return ok(request, desk.dry_run(account, await json_body(request)))


async def submit(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=True)
    return ok(request, desk.submit(account, await json_body(request)), status=201)


def _filter(request: web.Request, orders: list[Order]) -> list[Order]:
    start, end = date_param(request, "start-date"), date_param(request, "end-date")
    start_at, end_at = datetime_param(request, "start-at"), datetime_param(request, "end-at")
    under = request.query.get("underlying-symbol")
    statuses = set(list_param(request, "status"))
    futures_symbol = request.query.get("futures-symbol")
    under_type = request.query.get("underlying-instrument-type")
    out = []
    for o in orders:
        received = datetime.fromtimestamp(o.received_at / 1000, tz=UTC)
        day = et_date(o.received_at)
        if (start and day < start) or (end and day > end):
            continue
        if (start_at and received < start_at) or (end_at and received > end_at):
            continue
        if under and o.underlying_symbol != under:
            continue
        if statuses and o.status not in statuses:
            continue
        if under_type and o.underlying_instrument_type != under_type:
            continue
        if futures_symbol and not any(
            leg.symbol == futures_symbol or leg.symbol.startswith(f".{futures_symbol} ") for leg in o.legs
        ):
            continue
        out.append(o)
    return out


async def search(request: web.Request) -> web.Response:
    _, account = desk_of(request, write=False)
    orders = _filter(request, ledger_of(request).account_orders(account))
    desc = request.query.get("sort", "Desc") != "Asc"
    orders.sort(key=lambda o: (o.received_at, o.id or 0), reverse=desc)
    page, pagination = paginate(request, [o.to_wire() for o in orders], 10)
    return items(request, page, pagination)


def _today(request: web.Request, orders: list[Order]) -> list[Order]:
    today = et_date(ctx_of(request).clock.now_ms())
    return [o for o in orders if o.working or et_date(o.updated_at or o.received_at) == today]


async def live(request: web.Request) -> web.Response:
    _, account = desk_of(request, write=False)
    orders = sorted(
        _today(request, ledger_of(request).account_orders(account)), key=lambda o: o.id or 0, reverse=True
    )
    rows = [o.to_wire() for o in orders]
    version = api_version(request)
    if version is not None and version >= LIVE_PAGINATED_VERSION:
        page, pagination = paginate(request, rows, 1000)
        return items(request, page, pagination)
    return items(request, rows)


async def one(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=False)
    return ok(request, desk.order_of(account, request.match_info["id"]).to_wire())


async def cancel(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=True)
    return ok(request, desk.cancel(account, request.match_info["id"]))


async def replace(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=True)
    body = await json_body(request)
    partial = request.method == "PATCH"
    return ok(request, desk.replace(account, request.match_info["id"], body, partial, dry_run=False))


async def replace_dry_run(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=True)
    body = await json_body(request)
    return ok(request, desk.replace(account, request.match_info["id"], body, partial=True, dry_run=True))


async def reconfirm(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=True)
    desk.order_of(account, request.match_info["id"])
    raise ApiError(422, "cannot_reconfirm_order", "This order does not need to be reconfirmed.")


async def complex_submit(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=True)
    return ok(request, place_complex(desk, account, await json_body(request), dry_run=False), status=201)


async def complex_dry_run(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=True)
    return ok(request, place_complex(desk, account, await json_body(request), dry_run=True))


def _complex_rows(request: web.Request, account: str, live_only: bool) -> list[dict[str, Any]]:
    ledger = ledger_of(request)
    today = et_date(ctx_of(request).clock.now_ms())
    out = []
    for co in sorted(ledger.complex_orders.values(), key=lambda c: c.id or 0, reverse=True):
        if co.account != account:
            continue
        members = [
            ledger.orders[i] for i in ([co.trigger_order_id] if co.trigger_order_id else []) + co.order_ids
        ]
        if live_only and not any(m.working or et_date(m.updated_at) == today for m in members):
            continue
        out.append(ledger.complex_wire(co))
    return out


async def complex_list(request: web.Request) -> web.Response:
    _, account = desk_of(request, write=False)
    page, pagination = paginate(request, _complex_rows(request, account, False), 10)
    return items(request, page, pagination)


async def complex_live(request: web.Request) -> web.Response:
    _, account = desk_of(request, write=False)
    return items(request, _complex_rows(request, account, True))


async def complex_one(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=False)
    return ok(request, ledger_of(request).complex_wire(complex_of(desk, account, request.match_info["id"])))


async def complex_cancel(request: web.Request) -> web.Response:
    desk, account = desk_of(request, write=True)
    return ok(request, cancel_complex(desk, account, request.match_info["id"]))


async def customer_orders(request: web.Request) -> web.Response:
    numbers = list_param(request, "account-numbers")
    if not numbers:
        raise ApiError(
            400,
            "validation_error",
            "Request validation failed",
            [{"domain": "account-numbers", "reason": "is missing"}],
        )
    ledger = ledger_of(request)
    mine = ledger.account_numbers(customer_of(request))
    if any(n not in mine for n in numbers):
        raise ApiError(403, "not_permitted", "User not permitted access")
    orders = [o for n in numbers for o in ledger.account_orders(n)]
    if request.path.endswith("/live"):
        return items(
            request,
            [o.to_wire() for o in sorted(_today(request, orders), key=lambda o: o.id or 0, reverse=True)],
        )
    orders = _filter(request, orders)
    orders.sort(key=lambda o: (o.received_at, o.id or 0), reverse=request.query.get("sort", "Desc") != "Asc")
    page, pagination = paginate(request, [o.to_wire() for o in orders], 10)
    return items(request, page, pagination)


def register(app: web.Application) -> None:
    r = app.router
    base = "/accounts/{account}"
    r.add_post(f"{base}/orders/dry-run", dry_run)
    r.add_post(f"{base}/orders", submit)
    r.add_get(f"{base}/orders", search)
    r.add_get(f"{base}/orders/live", live)
    r.add_get(f"{base}/orders/{{id}}", one)
    r.add_delete(f"{base}/orders/{{id}}", cancel)
    r.add_put(f"{base}/orders/{{id}}", replace)
    r.add_patch(f"{base}/orders/{{id}}", replace)
    r.add_post(f"{base}/orders/{{id}}/dry-run", replace_dry_run)
    r.add_post(f"{base}/orders/{{id}}/reconfirm", reconfirm)
    r.add_post(f"{base}/complex-orders/dry-run", complex_dry_run)
    r.add_post(f"{base}/complex-orders", complex_submit)
    r.add_get(f"{base}/complex-orders", complex_list)
    r.add_get(f"{base}/complex-orders/live", complex_live)
    r.add_get(f"{base}/complex-orders/{{id}}", complex_one)
    r.add_delete(f"{base}/complex-orders/{{id}}", complex_cancel)
    r.add_get("/customers/{customer}/orders", customer_orders)
    r.add_get("/customers/{customer}/orders/live", customer_orders)
