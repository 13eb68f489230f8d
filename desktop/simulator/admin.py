"""The admin API (``/__admin/*``): fault knobs, market control, actions; JSON in and out.

Only served when ``ExchangeConfig.admin`` is true. Errors answer ``{"error": message}`` with
status 400 (bad input) or 404 (unknown action).
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from aiohttp import web

from desktop.simulator.context import ExchangeContext

log = logging.getLogger(__name__)

_CTX = web.AppKey("admin_ctx", ExchangeContext)


def _reply(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json(loads=json.loads)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the body is not JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _guard(fn):  # type: ignore[no-untyped-def]
    async def wrapper(request: web.Request) -> web.Response:
        try:
            return await fn(request, request.app[_CTX])
        except ValueError as exc:
            return _reply({"error": str(exc)}, 400)

    return wrapper


async def get_faults(request: web.Request, ctx: ExchangeContext) -> web.Response:
    return _reply(ctx.faults.to_dict())


async def post_faults(request: web.Request, ctx: ExchangeContext) -> web.Response:
    ctx.faults.merge(await _body(request))
    log.info("admin: fault knobs now %s", ctx.faults.to_dict())
    return _reply(ctx.faults.to_dict())


async def reset_faults(request: web.Request, ctx: ExchangeContext) -> web.Response:
    ctx.faults.reset()
    return _reply(ctx.faults.to_dict())


async def action(request: web.Request, ctx: ExchangeContext) -> web.Response:
    name = request.match_info["name"]
    fn = ctx.admin_actions.get(name)
    if fn is None:
        return _reply({"error": f"unknown action {name!r}; known: {sorted(ctx.admin_actions)}"}, 404)
    result = await fn(await _body(request))
    log.info("admin: action %s -> %s", name, result)
    return _reply(result)


async def market_price(request: web.Request, ctx: ExchangeContext) -> web.Response:
    body = await _body(request)
    symbol, price = body.get("symbol"), body.get("price")
    if not isinstance(symbol, str) or price is None:
        raise ValueError('expected {"symbol": "AAPL", "price": "190.00"}')
    try:
        value = float(price)
    except (TypeError, ValueError):
        raise ValueError(f"price must be a number, not {price!r}") from None
    inst = ctx.market.set_price(symbol, value)
    if ctx.ledger is not None:
        await ctx.ledger.on_market_jump()
    t = ctx.market.ticker(inst.streamer_symbol)
    return _reply({"symbol": inst.symbol, "bid": t.bid if t else None, "ask": t.ask if t else None})


async def market_freeze(request: web.Request, ctx: ExchangeContext) -> web.Response:
    body = await _body(request)
    frozen = body.get("frozen", True)
    if not isinstance(frozen, bool):
        raise ValueError('expected {"frozen": true|false}')
    ctx.market.freeze(frozen)
    return _reply({"frozen": frozen})


async def clock(request: web.Request, ctx: ExchangeContext) -> web.Response:
    """``{"now": ISO-8601}`` moves the exchange clock forward; ``GET`` reads it."""
    if request.method == "POST":
        body = await _body(request)
        raw = body.get("now")
        if not isinstance(raw, str):
            raise ValueError('expected {"now": "2026-08-08T15:00:00Z"}')
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        if when.tzinfo is None:
            raise ValueError("now needs a time zone (e.g. a trailing Z)")
        ctx.clock.advance_to(int(when.timestamp() * 1000))
    return _reply(
        {"now_ms": ctx.clock.now_ms(), "now": ctx.clock.now().isoformat(), "offset_ms": ctx.clock.offset_ms}
    )


async def _expire_access_tokens(body: dict[str, Any], ctx: ExchangeContext) -> dict[str, Any]:
    return {"expired": ctx.tokens.expire_all_access()}


def register(app: web.Application, ctx: ExchangeContext) -> None:
    app[_CTX] = ctx

    async def expire(body: dict[str, Any]) -> dict[str, Any]:
        return await _expire_access_tokens(body, ctx)

    ctx.admin_actions["expire-access-tokens"] = expire
    r = app.router
    r.add_get("/__admin/faults", _guard(get_faults))
    r.add_post("/__admin/faults", _guard(post_faults))
    r.add_post("/__admin/faults/reset", _guard(reset_faults))
    r.add_post("/__admin/actions/{name}", _guard(action))
    r.add_post("/__admin/market/price", _guard(market_price))
    r.add_post("/__admin/market/freeze", _guard(market_freeze))
    r.add_get("/__admin/clock", _guard(clock))
    r.add_post("/__admin/clock", _guard(clock))
