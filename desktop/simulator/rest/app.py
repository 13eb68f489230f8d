"""The REST application: middlewares (errors, faults, User-Agent, Accept-Version, auth) and routes.

Middleware order, outermost first: error envelopes (404/405/500 and ``ApiError``), fault knobs
(latency, injected 429/500), the User-Agent requirement (nginx's HTML 401), ``Accept-Version``
(406 for an unsupported version), then Bearer authentication for every non-public route.
Websocket routes (``/dxlink``, ``/account-streamer``) and ``/__admin`` bypass all of it.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from desktop.simulator.context import ExchangeContext
from desktop.simulator.rest.envelope import (
    ApiError,
    error,
    error_body,
    json_response,
    support_id,
    unauthorized,
)

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

CTX_KEY = web.AppKey("ctx", ExchangeContext)
API_VERSION = web.RequestKey("api_version", object)
CUSTOMER = web.RequestKey("customer_id", str)
PUBLIC_PATHS = frozenset({"/oauth/token", "/margin-requirements-public-configuration"})
BYPASS_PREFIXES = ("/__admin", "/dxlink", "/account-streamer")
EARLIEST_VERSION = 20230101
_VERSION = re.compile(r"\d{8}")
_NGINX_401 = (
    "<html>\r\n<head><title>401 Authorization Required</title></head>\r\n<body>\r\n"
    "<center><h1>401 Authorization Required</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def ctx_of(request: web.Request) -> ExchangeContext:
    return request.app[CTX_KEY]


def customer_of(request: web.Request) -> str:
    """The customer id of the request's (valid) access token."""
    return request[CUSTOMER]


def api_version(request: web.Request) -> int | None:
    """The ``Accept-Version`` date as an int (None when the header was not sent)."""
    value = request.get(API_VERSION)
    return value if isinstance(value, int) else None


def _bypass(request: web.Request) -> bool:
    return request.path.startswith(BYPASS_PREFIXES)


@web.middleware
async def errors_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        body = error_body(exc.code, exc.message, exc.errors)
        if exc.data is not None:
            body = {"data": exc.data, **body}
        return json_response(body, exc.status)
    except web.HTTPNotFound:
        if _bypass(request):
            raise
        return error(404, "not_found", f"No route matches {request.method} {request.path}")
    except web.HTTPMethodNotAllowed:
        return error(405, "method_not_allowed", f"{request.method} is not allowed on {request.path}")
    except web.HTTPException:
        raise
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("REST %s %s failed", request.method, request.path)
        return error(
            500,
            "internal_server_error",
            f"Internal Server Error. Unique customer support identifier: {support_id()}",
        )


@web.middleware
async def faults_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _bypass(request):
        return await handler(request)
    faults = ctx_of(request).faults
    latency_s = faults.latency_ms / 1000 if faults.latency_ms else 0.0
    status = faults.roll_rest_error()
    if status is not None:
        if status == 429:
            headers = {"Retry-After": str(faults.retry_after_s)} if faults.retry_after_s is not None else None
            return error(429, "too_many_requests", "Too many requests, please slow down.", headers=headers)
        return error(
            status,
            "internal_server_error",
            f"Internal Server Error. Unique customer support identifier: {support_id()}",
        )
    if not latency_s:
        return await handler(request)
    # A slow network: the request is processed at once and its answer arrives late, so a client
    # that times out on a submit meets an order that does exist (and must not be sent twice).
    await request.read()
    response = await handler(request)
    await asyncio.sleep(latency_s)
    return response


@web.middleware
async def protocol_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    """User-Agent and Accept-Version checks."""
    if _bypass(request):
        return await handler(request)
    if not request.headers.get("User-Agent", "").strip():
        return web.Response(status=401, text=_NGINX_401, content_type="text/html")
    raw = request.headers.get("Accept-Version")
    request[API_VERSION] = None
    if raw is not None:
        raw = raw.strip()
        if not _VERSION.fullmatch(raw) or int(raw) < EARLIEST_VERSION:
            return error(406, 406, "The requested version is not supported.")
        request[API_VERSION] = int(raw)
    return await handler(request)


@web.middleware
async def auth_mw(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _bypass(request) or request.path in PUBLIC_PATHS:
        return await handler(request)
    if request.match_info.http_exception is not None:  # unknown route: 404 (or 405) first
        return await handler(request)
    header = request.headers.get("Authorization", "").strip()
    token = header[7:].strip() if header.lower().startswith("bearer ") else header
    customer = ctx_of(request).tokens.validate_access(token)
    if customer is None:
        return unauthorized()
    request[CUSTOMER] = customer
    return await handler(request)


def build_app(ctx: ExchangeContext) -> web.Application:
    """The aiohttp application serving REST (websocket and admin routes are added by the runner)."""
    app = web.Application(
        middlewares=[errors_mw, faults_mw, protocol_mw, auth_mw], client_max_size=4 * 1024 * 1024
    )
    app[CTX_KEY] = ctx
    from desktop.simulator.rest import (  # the routes import ctx_of from here
        auth,
        routes_accounts,
        routes_instruments,
        routes_market,
        routes_orders,
        routes_watchlists,
    )

    for module in (
        auth,
        routes_accounts,
        routes_orders,
        routes_instruments,
        routes_market,
        routes_watchlists,
    ):
        module.register(app)
    return app
