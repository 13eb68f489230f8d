"""Market data over REST: quote tokens, market metrics, quotes by type, market sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web

from desktop.core import calendar
from desktop.simulator.market import hours as H
from desktop.simulator.rest.app import ctx_of, customer_of
from desktop.simulator.rest.envelope import ApiError, items, json_response, list_param, ok
from desktop.simulator.rest.market_json import metrics, quote_item
from desktop.simulator.tokens import iso_ms
from desktop.simulator.wire import iso

BY_TYPE_KEYS = {
    "index": "Index",
    "equity": "Equity",
    "equity-option": "Equity Option",
    "future": "Future",
    "future-option": "Future Option",
    "cryptocurrency": "Cryptocurrency",
}
MAX_BY_TYPE = 100


async def api_quote_tokens(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    token, expires = ctx.tokens.issue_quote_token(customer_of(request))
    return ok(
        request,
        {
            "token": token,
            "dxlink-url": f"ws://{request.host}/dxlink",
            "level": "api",
            "expires-at": iso_ms(expires),
        },
    )


async def market_metrics(request: web.Request) -> web.Response:
    symbols = list_param(request, "symbols")
    if not symbols:
        raise ApiError(
            400,
            "validation_error",
            "Request validation failed",
            [{"domain": "symbols", "reason": "is missing"}],
        )
    ctx = ctx_of(request)
    now = ctx.clock.now_ms()
    rows = [m for s in symbols if (m := metrics(ctx.market, s.strip().upper(), now)) is not None]
    return items(request, rows)


async def market_data_by_type(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    market = ctx.market
    now = ctx.clock.now_ms()
    wanted = [(kind, s) for key, kind in BY_TYPE_KEYS.items() for s in list_param(request, key)]
    if len(wanted) > MAX_BY_TYPE:
        raise ApiError(
            400,
            "validation_error",
            "Request validation failed",
            [{"domain": "symbols", "reason": f"at most {MAX_BY_TYPE} symbols per request"}],
        )
    rows = []
    for kind, symbol in wanted:
        inst = market.resolve_rest(symbol)
        if inst is None:
            continue
        if kind != inst.kind:
            continue
        rows.append(quote_item(market, inst, now))
    return json_response({"data": {"items": rows}, "context": request.path, "pagination": None})


async def market_data_one(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    inst = ctx.market.resolve_rest(request.match_info["symbol"])
    if inst is None or inst.kind.lower().replace(" ", "-") != request.match_info["type"].lower().replace(
        " ", "-"
    ):
        raise ApiError(404, "record_not_found", f"No market data for {request.match_info['symbol']}")
    return ok(request, quote_item(ctx.market, inst, ctx.clock.now_ms()))


def _session_obj(
    collection: str, day: date, open_at: datetime, close_at: datetime, start_at: datetime, close_ext: datetime
) -> dict[str, Any]:
    def ms(d: datetime) -> str | None:
        return iso(int(d.timestamp() * 1000))

    return {
        "close-at": ms(close_at),
        "close-at-ext": ms(close_ext),
        "instrument-collection": collection,
        "open-at": ms(open_at),
        "session-date": day.isoformat(),
        "start-at": ms(start_at),
    }


def _equity_session(collection: str, day: date) -> dict[str, Any]:
    s = calendar.equity_session(day)
    assert s is not None
    return _session_obj(collection, day, s.open, s.close, s.pre_market_open, s.post_market_close)


def _futures_session(collection: str, day: date) -> dict[str, Any]:
    start = datetime.fromtimestamp((H.midnight_ms(day) - 6 * 3_600_000) / 1000, tz=UTC)
    close = datetime.fromtimestamp((H.midnight_ms(day) + 17 * 3_600_000) / 1000, tz=UTC)
    return _session_obj(collection, day, start, close, start, close)


async def sessions_current(request: web.Request) -> web.Response:
    ctx = ctx_of(request)
    now = ctx.clock.now()
    always = ctx.config.sessions == "always-open"
    rows = []
    for collection in list_param(request, "instrument-collections") or ["Equity"]:
        if collection in ("CME", "CFE"):
            now_ms = ctx.clock.now_ms()
            day = H.et_date(now_ms + 6 * 3_600_000)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            current = _futures_session(collection, day)
            prev_day = day - timedelta(days=1)
            while prev_day.weekday() >= 5:
                prev_day -= timedelta(days=1)
            nxt_day = day + timedelta(days=1)
            while nxt_day.weekday() >= 5:
                nxt_day += timedelta(days=1)
            state = "Open" if always or H.is_open("futures", now_ms) else "Closed"
            row = {
                **current,
                "state": state,
                "next-session": _futures_session(collection, nxt_day),
                "previous-session": _futures_session(collection, prev_day),
            }
        else:
            session = calendar.next_session(now)
            current = _equity_session(collection, session.day)
            state = calendar.market_state(now).value
            row = {
                **current,
                "state": "Open" if always else state,
                "next-session": _equity_session(collection, calendar.next_trading_day(session.day)),
                "previous-session": _equity_session(collection, calendar.previous_trading_day(session.day)),
            }
        row.pop("session-date")
        rows.append(row)
    return items(request, rows)


async def equity_holidays(request: web.Request) -> web.Response:
    year = ctx_of(request).clock.now().year
    days = [date(y, 1, 1) + timedelta(days=i) for y in (year, year + 1) for i in range(366)]
    holidays = sorted({d.isoformat() for y in (year, year + 1) for d in calendar.nyse_holidays(y)})
    halves = sorted({d.isoformat() for d in days if d.year <= year + 1 and calendar.is_early_close(d)})
    return ok(request, {"market-half-days": halves, "market-holidays": holidays})


async def public_margin_config(request: web.Request) -> web.Response:
    return ok(request, {"risk-free-rate": "0.042"})


def register(app: web.Application) -> None:
    r = app.router
    r.add_get("/api-quote-tokens", api_quote_tokens)
    r.add_get("/market-metrics", market_metrics)
    r.add_get("/market-data/by-type", market_data_by_type)
    r.add_get("/market-data/{type}/{symbol:.+}", market_data_one)
    r.add_get("/market-time/sessions/current", sessions_current)
    r.add_get("/market-time/equities/holidays", equity_holidays)
    r.add_get("/margin-requirements-public-configuration", public_margin_config)
