"""Futures, futures products, future-option products and futures option chains."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiohttp import web

from desktop.core.futures_symbols import parse_future
from desktop.simulator.market.hours import et_date
from desktop.simulator.market.listing import FutureContract
from desktop.simulator.market.universe import FutureProduct
from desktop.simulator.rest import instrument_json as J
from desktop.simulator.rest.envelope import ApiError, items, list_param, ok
from desktop.simulator.rest.routes_instruments import _collection, _missing, _now, market_of
from desktop.simulator.wire import dec, iso


def _contracts(request: web.Request, product: FutureProduct) -> list[dict[str, Any]]:
    market = market_of(request)
    contracts = market.registry.contracts.get(product.code, [])
    return [_future(request, c, contracts) for c in contracts]


def _future(request: web.Request, c: FutureContract, contracts: list[FutureContract]) -> dict[str, Any]:
    i = contracts.index(c)
    nxt = contracts[i + 1] if i + 1 < len(contracts) else None
    return J.future(c, market_of(request), i == 0, i == 1, nxt)


async def futures(request: web.Request) -> web.Response:
    market = market_of(request)
    codes = [c.lstrip("/").upper() for c in list_param(request, "product-code")]
    symbols = list_param(request, "symbol")
    rows = []
    for code, product in market.universe.futures.items():
        if codes and code not in codes:
            continue
        for row in _contracts(request, product):
            if symbols and row["symbol"] not in {("/" + s.lstrip("/")) for s in symbols}:
                continue
            rows.append(row)
    return _collection(request, rows)


async def one_future(request: web.Request) -> web.Response:
    raw = request.match_info["symbol"].strip()
    market = market_of(request)
    try:
        parsed = parse_future("/" + raw.lstrip("/"), et_date(_now(request)))
    except ValueError:
        raise _missing("Future", raw) from None
    product = market.universe.futures.get(parsed.product_code)
    contracts = market.registry.contracts.get(parsed.product_code, []) if product else []
    for c in contracts:
        if c.symbol == parsed.symbol:
            return ok(request, _future(request, c, contracts))
    raise _missing("Future", raw)


async def future_products(request: web.Request) -> web.Response:
    return items(
        request,
        [J.future_product(p, with_options=True) for p in market_of(request).universe.futures.values()],
    )


async def one_future_product(request: web.Request) -> web.Response:
    code = request.match_info["code"].lstrip("/").upper()
    product = market_of(request).universe.futures.get(code)
    if product is None or product.exchange != request.match_info["exchange"].upper():
        raise _missing("Future product", code)
    return ok(request, J.future_product(product, with_options=True))


async def future_option_products(request: web.Request) -> web.Response:
    rows = [
        J.future_option_product(p, root, nested=True)
        for p in market_of(request).universe.futures.values()
        for root in J.option_roots(p)
    ]
    return _collection(request, rows)


async def one_future_option_product(request: web.Request) -> web.Response:
    root = request.match_info["root"].upper()
    for p in market_of(request).universe.futures.values():
        if root in J.option_roots(p) and p.exchange == request.match_info["exchange"].upper():
            return ok(request, J.future_option_product(p, root, nested=True))
    raise _missing("Future option product", root)


def _fo_product(request: web.Request, code: str) -> FutureProduct:
    product = market_of(request).universe.futures.get(code.lstrip("/").upper())
    if product is None or not product.has_options:
        raise _missing("Futures option chain for", code)
    return product


async def futures_option_chain(request: web.Request) -> web.Response:
    """``/futures-option-chains/{code}`` and ``.../nested`` (``data`` has no ``items`` there)."""
    raw = request.match_info["rest"]
    code, nested = (raw[: -len("/nested")], True) if raw.endswith("/nested") else (raw, False)
    product = _fo_product(request, code)
    market = market_of(request)
    chain = market.chain("/" + product.code)
    if chain is None:
        raise _missing("Futures option chain for", code)
    now = _now(request)
    if not nested:
        return items(request, [J.future_option(i, product, now) for i in chain.instruments])
    contracts = market.registry.contracts[product.code]
    index = {(i.option_contract, i.expiration, i.strike, i.option_type): i for i in chain.instruments}
    today = et_date(now)
    expirations = []
    for exp in chain.expirations:
        spec = exp.spec
        strikes = []
        for k in exp.strikes:
            call = index.get((exp.option_contract, spec.day, float(k), "C"))
            put = index.get((exp.option_contract, spec.day, float(k), "P"))
            if call and put:
                strikes.append(
                    {
                        "strike-price": dec(k),
                        "call": call.symbol,
                        "call-streamer-symbol": call.streamer_symbol,
                        "put": put.symbol,
                        "put-streamer-symbol": put.streamer_symbol,
                    }
                )
        expirations.append(
            {
                "underlying-symbol": exp.underlying_symbol,
                "root-symbol": "/" + product.code,
                "option-root-symbol": spec.root,
                "option-contract-symbol": exp.option_contract,
                "asset": spec.root,
                "expiration-date": spec.day.isoformat(),
                "days-to-expiration": (spec.day - today).days,
                "expiration-type": spec.expiration_type,
                "settlement-type": spec.settlement,
                "notional-value": "0.5",
                "display-factor": "0.01",
                "strike-factor": "1.0",
                "stops-trading-at": iso(spec.stops_trading_ms),
                "expires-at": iso(spec.expires_ms),
                "tick-sizes": [
                    {"value": dec(Decimal(repr(v))), **({"threshold": dec(Decimal(repr(t)))} if t else {})}
                    for v, t in product.option_tick_sizes
                ],
                "strikes": strikes,
            }
        )
    futures_rows = [
        {
            "symbol": c.symbol,
            "root-symbol": "/" + product.code,
            "expiration-date": c.last_trade.isoformat(),
            "days-to-expiration": (c.last_trade - today).days,
            "active-month": i == 0,
            "next-active-month": i == 1,
            "maturity-date": c.last_trade.isoformat(),
            "stops-trading-at": iso(c.expires_ms),
            "expires-at": iso(c.expires_ms),
        }
        for i, c in enumerate(contracts)
    ]
    return ok(
        request,
        {
            "futures": futures_rows,
            "option-chains": [
                {
                    "underlying-symbol": "/" + product.code,
                    "root-symbol": "/" + product.code,
                    "exercise-style": "American",
                    "expirations": expirations,
                }
            ],
        },
    )


async def one_future_option(request: web.Request) -> web.Response:
    symbol = request.match_info["symbol"]
    market = market_of(request)
    inst = market.resolve_rest(symbol)
    if inst is None or inst.kind != "Future Option":
        raise _missing("Future option", symbol)
    return ok(request, J.future_option(inst, market.universe.futures[inst.product_code], _now(request)))


async def future_options(request: web.Request) -> web.Response:
    market = market_of(request)
    rows = []
    for s in list_param(request, "symbol"):
        inst = market.resolve_rest(s)
        if inst is not None and inst.kind == "Future Option":
            rows.append(J.future_option(inst, market.universe.futures[inst.product_code], _now(request)))
    if not rows and not list_param(request, "symbol"):
        raise ApiError(
            400,
            "validation_error",
            "Request validation failed",
            [{"domain": "symbol", "reason": "is missing"}],
        )
    return _collection(request, rows)


def register(app: web.Application) -> None:
    r = app.router
    r.add_get("/instruments/futures", futures)
    r.add_get("/instruments/futures/{symbol:.+}", one_future)
    r.add_get("/instruments/future-products", future_products)
    r.add_get("/instruments/future-products/{exchange}/{code}", one_future_product)
    r.add_get("/instruments/future-option-products", future_option_products)
    r.add_get("/instruments/future-option-products/{exchange}/{root}", one_future_option_product)
    r.add_get("/instruments/future-options", future_options)
    r.add_get("/instruments/future-options/{symbol:.+}", one_future_option)
    r.add_get("/futures-option-chains/{rest:.+}", futures_option_chain)
