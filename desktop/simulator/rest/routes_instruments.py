"""Instruments: equities, equity options, option chains, futures, future options, crypto, search."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from desktop.simulator.market import Instrument, MarketModel
from desktop.simulator.rest import instrument_json as J
from desktop.simulator.rest.app import api_version, ctx_of
from desktop.simulator.rest.envelope import ApiError, items, list_param, ok, paginate

PAGINATED_VERSION = 20250715


def market_of(request: web.Request) -> MarketModel:
    return ctx_of(request).market


def _now(request: web.Request) -> int:
    return ctx_of(request).clock.now_ms()


def _collection(request: web.Request, rows: list[dict[str, Any]]) -> web.Response:
    version = api_version(request)
    if version is not None and version >= PAGINATED_VERSION:
        page, pagination = paginate(request, rows, 1000)
        return items(request, page, pagination)
    return items(request, rows)


def _missing(kind: str, symbol: str) -> ApiError:
    return ApiError(404, "record_not_found", f"{kind} {symbol} not found")


# -- equities ------------------------------------------------------------------------------------


async def equities(request: web.Request) -> web.Response:
    universe = market_of(request).universe.underlyings
    wanted = list_param(request, "symbol")
    rows = (
        [J.equity(universe[s]) for s in wanted if s in universe]
        if wanted
        else [J.equity(u) for u in universe.values()]
    )
    if request.query.get("is-index"):
        flag = request.query["is-index"].lower() == "true"
        rows = [r for r in rows if r["is-index"] == flag]
    if request.query.get("is-etf"):
        flag = request.query["is-etf"].lower() == "true"
        rows = [r for r in rows if r["is-etf"] == flag]
    return _collection(request, rows)


async def active_equities(request: web.Request) -> web.Response:
    rows = [J.equity(u) for u in market_of(request).universe.underlyings.values() if u.kind == "Equity"]
    page, pagination = paginate(request, rows, 1000)
    return items(request, page, pagination)


async def one_equity(request: web.Request) -> web.Response:
    symbol = request.match_info["symbol"].strip().upper()
    u = market_of(request).universe.underlyings.get(symbol)
    if u is None:
        raise _missing("Equity", symbol)
    return ok(request, J.equity(u))


# -- equity options and chains -------------------------------------------------------------------


def _option(request: web.Request, symbol: str) -> Instrument:
    inst = market_of(request).resolve_rest(symbol)
    if inst is None or inst.kind != "Equity Option":
        raise _missing("Equity option", symbol)
    return inst


async def one_equity_option(request: web.Request) -> web.Response:
    return ok(request, J.equity_option(_option(request, request.match_info["symbol"]), _now(request)))


async def equity_options(request: web.Request) -> web.Response:
    now = _now(request)
    rows = []
    for s in list_param(request, "symbol"):
        inst = market_of(request).resolve_rest(s)
        if inst is not None and inst.kind == "Equity Option":
            rows.append(J.equity_option(inst, now))
    return _collection(request, rows)


async def option_chain(request: web.Request) -> web.Response:
    """``/option-chains/{symbol}`` with an optional ``/nested`` or ``/compact`` suffix."""
    path = request.match_info["rest"]
    symbol, _, flavour = path.partition("/")
    if flavour not in ("", "nested", "compact"):
        raise ApiError(404, "not_found", f"No route matches GET {request.path}")
    market = market_of(request)
    u = market.universe.underlyings.get(symbol.upper())
    chain = market.chain(u.symbol) if u is not None else None
    if u is None or chain is None:
        raise _missing("Option chain for", symbol)
    if flavour == "nested":
        return items(request, J.nested_chain(chain, u, _now(request)))
    if flavour == "compact":
        return items(request, J.compact_chain(chain, u))
    now = _now(request)
    return items(request, [J.equity_option(i, now) for i in chain.instruments])


# -- crypto --------------------------------------------------------------------------------------


async def cryptocurrencies(request: web.Request) -> web.Response:
    market = market_of(request)
    wanted = set(list_param(request, "symbol"))
    rows = []
    for pair in market.universe.crypto.values():
        if wanted and pair.symbol not in wanted:
            continue
        inst = market.registry.by_rest[pair.symbol]
        rows.append(J.crypto(inst, pair.instrument_id, pair.short_description))
    return items(request, rows)


async def one_crypto(request: web.Request) -> web.Response:
    symbol = request.match_info["symbol"].upper()
    market = market_of(request)
    pair = market.universe.crypto.get(symbol)
    if pair is None:
        raise _missing("Cryptocurrency", symbol)
    return ok(
        request, J.crypto(market.registry.by_rest[pair.symbol], pair.instrument_id, pair.short_description)
    )


# -- search and misc -----------------------------------------------------------------------------


async def symbol_search(request: web.Request) -> web.Response:
    prefix = request.match_info["prefix"].strip().upper()
    market = market_of(request)
    rows = []
    for u in market.universe.underlyings.values():
        if u.symbol.startswith(prefix) or prefix in u.description.upper():
            rows.append(
                {
                    "symbol": u.symbol,
                    "description": u.description,
                    "listed-market": u.listed_market,
                    "instrument-type": "Index" if u.kind == "Index" else "Equity",
                    "options": u.optionable,
                    "price-increments": "0.01",
                    "trading-hours": "",
                }
            )
    for code, p in market.universe.futures.items():
        if ("/" + code).startswith(prefix) or code.startswith(prefix.lstrip("/")):
            rows.append(
                {
                    "symbol": "/" + code,
                    "description": p.description,
                    "instrument-type": "Future",
                    "listed-market": p.exchange,
                    "options": p.has_options,
                }
            )
    for pair in market.universe.crypto.values():
        if pair.symbol.startswith(prefix):
            rows.append(
                {"symbol": pair.symbol, "description": pair.description, "instrument-type": "Cryptocurrency"}
            )
    rows.sort(key=lambda r: (not r["symbol"].startswith(prefix), len(r["symbol"]), r["symbol"]))
    return items(request, rows[:20])


async def precisions(request: web.Request) -> web.Response:
    rows = [
        {"instrument-type": "Equity", "value": 5, "minimum-increment-precision": 0},
        {"instrument-type": "Equity Option", "value": 0, "minimum-increment-precision": 0},
        {"instrument-type": "Future", "value": 0, "minimum-increment-precision": 0},
        {"instrument-type": "Future Option", "value": 0, "minimum-increment-precision": 0},
    ] + [
        {"instrument-type": "Cryptocurrency", "symbol": p, "value": 8, "minimum-increment-precision": 8}
        for p in market_of(request).universe.crypto
    ]
    return items(request, rows)


def register(app: web.Application) -> None:
    r = app.router
    r.add_get("/instruments/equities", equities)
    r.add_get("/instruments/equities/active", active_equities)
    r.add_get("/instruments/equities/{symbol}", one_equity)
    r.add_get("/instruments/equity-options", equity_options)
    r.add_get("/instruments/equity-options/{symbol:.+}", one_equity_option)
    r.add_get("/option-chains/{rest:.+}", option_chain)
    r.add_get("/instruments/cryptocurrencies", cryptocurrencies)
    r.add_get("/instruments/cryptocurrencies/{symbol:.+}", one_crypto)
    r.add_get("/symbols/search/{prefix:.+}", symbol_search)
    r.add_get("/instruments/quantity-decimal-precisions", precisions)
    from desktop.simulator.rest import routes_futures

    routes_futures.register(app)
