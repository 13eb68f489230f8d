"""Market data over REST: quote tokens, market metrics, quotes by type, market sessions."""

from __future__ import annotations

from aiohttp import web

from desktop.simulator.rest.app import ctx_of
from desktop.simulator.rest.envelope import ok
from desktop.simulator.tokens import iso_ms


async def api_quote_tokens(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    token, expires = ctx.tokens.issue_quote_token(request.get("customer_id", ""))
    return ok(
        request,
        {
            "token": token,
            "dxlink-url": f"ws://{request.host}/dxlink",
            "level": "api",
            "expires-at": iso_ms(expires),
        },
    )


def register(app: web.Application) -> None:
    app.router.add_get("/api-quote-tokens", api_quote_tokens)
