"""User watchlists (CRUD, persisted) and public watchlists."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from desktop.simulator.account.store import Batch
from desktop.simulator.account.watchlists import PUBLIC_WATCHLISTS, make_watchlist
from desktop.simulator.rest.app import ctx_of
from desktop.simulator.rest.envelope import ApiError, bool_param, items, json_body, json_response, ok
from desktop.simulator.rest.routes_accounts import ledger_of


def _public(w: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in w.items() if k != "id"}


async def list_watchlists(request: web.Request) -> web.Response:
    rows = sorted(ledger_of(request).watchlists.values(), key=lambda w: (w["order-index"], w["name"]))
    return items(request, rows)


async def one_watchlist(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    wl = ledger_of(request).watchlists.get(name)
    if wl is None:
        raise ApiError(404, "record_not_found", f"Watchlist {name!r} not found")
    return ok(request, wl)


def _make(request: web.Request, body: dict[str, Any]) -> dict[str, Any]:
    try:
        return make_watchlist(body, ctx_of(request).clock.now_ms())
    except ValueError as exc:
        raise ApiError(
            400,
            "validation_error",
            "Request validation failed",
            [{"domain": "watchlist", "reason": str(exc)}],
        ) from None


async def create_watchlist(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    wl = _make(request, await json_body(request))
    if wl["name"] in ledger.watchlists:
        raise ApiError(422, "watchlist_already_exists", f"A watchlist named {wl['name']!r} already exists")
    batch = Batch()
    ledger.watchlists[wl["name"]] = wl
    batch.put("watchlists", (wl["name"],), wl)
    ledger.commit(batch)
    return ok(request, wl, status=201)


async def update_watchlist(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    name = request.match_info["name"]
    old = ledger.watchlists.get(name)
    if old is None:
        raise ApiError(404, "record_not_found", f"Watchlist {name!r} not found")
    body = await json_body(request)
    body.setdefault("name", name)
    wl = _make(request, body)
    wl["created-at"] = old.get("created-at", wl["created-at"])
    batch = Batch()
    if wl["name"] != name:
        if wl["name"] in ledger.watchlists:
            raise ApiError(
                422, "watchlist_already_exists", f"A watchlist named {wl['name']!r} already exists"
            )
        del ledger.watchlists[name]
        batch.delete("watchlists", (name,))
    ledger.watchlists[wl["name"]] = wl
    batch.put("watchlists", (wl["name"],), wl)
    ledger.commit(batch)
    return ok(request, wl)


async def delete_watchlist(request: web.Request) -> web.Response:
    ledger = ledger_of(request)
    name = request.match_info["name"]
    wl = ledger.watchlists.pop(name, None)
    if wl is None:
        raise ApiError(404, "record_not_found", f"Watchlist {name!r} not found")
    batch = Batch()
    batch.delete("watchlists", (name,))
    ledger.commit(batch)
    # the real API answers the deleted record un-enveloped and in snake_case
    return json_response(
        {
            "name": wl["name"],
            "user_id": 1563674,
            "created_at": wl.get("created-at"),
            "updated_at": wl.get("updated-at"),
            "watchlist_entries": wl["watchlist-entries"],
            "cms_id": None,
            "group_name": wl["group-name"],
            "order_index": wl["order-index"],
        }
    )


async def public_watchlists(request: web.Request) -> web.Response:
    if bool_param(request, "counts-only"):
        return items(
            request,
            [
                {"name": w["name"], "id": w["id"], "watchlist-entry-count": len(w["watchlist-entries"])}
                for w in PUBLIC_WATCHLISTS
            ],
        )
    return items(request, [_public(w) for w in PUBLIC_WATCHLISTS])


async def one_public_watchlist(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    for w in PUBLIC_WATCHLISTS:
        if w["name"] == name:
            return ok(request, _public(w))
    raise ApiError(404, "record_not_found", f"Public watchlist {name!r} not found")


async def pairs_watchlists(request: web.Request) -> web.Response:
    return items(
        request,
        [
            {
                "name": "Index Futures",
                "order-index": 1,
                "pairs-equations": [
                    {
                        "left-action": "Buy",
                        "left-symbol": "/ES",
                        "left-quantity": 1,
                        "right-action": "Sell",
                        "right-symbol": "/NQ",
                        "right-quantity": 1,
                    }
                ],
            }
        ],
    )


def register(app: web.Application) -> None:
    r = app.router
    r.add_get("/watchlists", list_watchlists)
    r.add_post("/watchlists", create_watchlist)
    r.add_get("/watchlists/{name:.+}", one_watchlist)
    r.add_put("/watchlists/{name:.+}", update_watchlist)
    r.add_delete("/watchlists/{name:.+}", delete_watchlist)
    r.add_get("/public-watchlists", public_watchlists)
    r.add_get("/public-watchlists/{name:.+}", one_public_watchlist)
    r.add_get("/pairs-watchlists", pairs_watchlists)
