"""Customer, accounts, balances, snapshots, positions, trading status, transactions."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aiohttp import web

from desktop.simulator.account import identity
from desktop.simulator.account.ledger import Ledger
from desktop.simulator.market.hours import et_date
from desktop.simulator.rest.app import api_version, ctx_of, customer_of
from desktop.simulator.rest.envelope import (
    ApiError,
    bool_param,
    date_param,
    datetime_param,
    dec,
    items,
    list_param,
    ok,
    paginate,
)
from desktop.simulator.wire import iso

BALANCE_ITEMS_VERSION = 20240501


def ledger_of(request: web.Request) -> Ledger:
    ledger = ctx_of(request).ledger
    assert ledger is not None
    return ledger


def account_param(request: web.Request) -> str:
    """The ``{n}`` of the path, checked against the caller's accounts (403 otherwise)."""
    account = request.match_info["account"]
    if account not in ledger_of(request).account_numbers(customer_of(request)):
        raise ApiError(403, "not_permitted", "User not permitted access")
    return account


def _customer_id(request: web.Request) -> None:
    cid = request.match_info.get("customer", "me")
    if cid not in ("me", identity.CUSTOMER_ID):
        raise ApiError(403, "not_permitted", "User not permitted access")


def account_object(spec: identity.AccountSpec) -> dict[str, Any]:
    return {
        "account-number": spec.number,
        "external-id": spec.external_id,
        "opened-at": spec.opened_at,
        "nickname": spec.nickname,
        "account-type-name": spec.type_name,
        "day-trader-status": False,
        "is-closed": False,
        "is-firm-error": False,
        "is-firm-proprietary": False,
        "is-futures-approved": spec.margin_or_cash == "Margin",
        "is-test-drive": False,
        "margin-or-cash": spec.margin_or_cash,
        "is-foreign": False,
        "funding-date": spec.opened_at[:10],
        "investment-objective": "SPECULATION" if spec.margin_or_cash == "Margin" else "GROWTH",
        "futures-account-purpose": "SPECULATING",
        "suitable-options-level": spec.options_level,
        "created-at": spec.opened_at,
    }


_ADDRESS = {
    "street-one": "1 Demo Plaza",
    "city": "Chicago",
    "state-region": "IL",
    "postal-code": "60604",
    "country": "USA",
    "is-foreign": False,
    "is-domestic": True,
}


async def customer(request: web.Request) -> web.Response:
    _customer_id(request)
    return ok(
        request,
        {
            "id": "me",
            "first-name": "Demo",
            "last-name": "Trader",
            "first-surname": "Trader",
            "address": dict(_ADDRESS),
            "mailing-address": dict(_ADDRESS),
            "customer-suitability": {
                "id": 3,
                "marital-status": "SINGLE",
                "number-of-dependents": 0,
                "employment-status": "EMPLOYED",
                "occupation": "Trader",
                "employer-name": "TastyDesk",
                "job-title": "Paper trader",
                "annual-net-income": 150000,
                "net-worth": 500000,
                "liquid-net-worth": 250000,
                "stock-trading-experience": "EXTENSIVE",
                "covered-options-trading-experience": "EXTENSIVE",
                "uncovered-options-trading-experience": "EXTENSIVE",
                "futures-trading-experience": "EXTENSIVE",
            },
            "usa-citizenship-type": "Citizen",
            "is-foreign": False,
            "mobile-phone-number": "+15555550100",
            "email": identity.EMAIL,
            "tax-number-type": "SSN",
            "tax-number": "*****0000",
            "birth-date": "1990-01-01",
            "external-id": identity.CUSTOMER_ID,
            "citizenship-country": "USA",
            "subject-to-tax-withholding": False,
            "agreed-to-margining": True,
            "agreed-to-terms": True,
            "has-industry-affiliation": False,
            "has-political-affiliation": False,
            "has-listed-affiliation": False,
            "is-investment-adviser": False,
            "has-institutional-assets": False,
            "is-professional": False,
            "has-delayed-quotes": False,
            "has-pending-or-approved-application": True,
            "permitted-account-types": [
                {
                    "name": "Individual",
                    "description": "",
                    "is-tax-advantaged": False,
                    "has-multiple-owners": False,
                    "is-publicly-available": True,
                    "margin-types": [
                        {"name": "Cash", "is-margin": False},
                        {"name": "Reg T", "is-margin": True},
                    ],
                },
                {
                    "name": "Roth IRA",
                    "description": "",
                    "is-tax-advantaged": True,
                    "has-multiple-owners": False,
                    "is-publicly-available": True,
                    "margin-types": [{"name": "Cash", "is-margin": False}],
                },
            ],
            "created-at": "2019-03-14T15:39:31.265+00:00",
            "identifiable-type": "Person",
            "person": {
                "external-id": "P0002173211",
                "first-name": "Demo",
                "last-name": "Trader",
                "birth-date": "1990-01-01",
                "citizenship-country": "USA",
                "usa-citizenship-type": "Citizen",
                "marital-status": "SINGLE",
                "number-of-dependents": 0,
                "employment-status": "EMPLOYED",
                "occupation": "Trader",
                "employer-name": "TastyDesk",
                "job-title": "Paper trader",
            },
        },
    )


async def accounts(request: web.Request) -> web.Response:
    _customer_id(request)
    mine = ledger_of(request).account_numbers(customer_of(request))
    rows = [
        {"account": account_object(a), "authority-level": a.authority}
        for a in identity.ACCOUNTS
        if a.number in mine
    ]
    return items(request, rows)


async def one_account(request: web.Request) -> web.Response:
    _customer_id(request)
    account = account_param(request)
    return ok(request, account_object(identity.ACCOUNTS_BY_NUMBER[account]))


async def balances(request: web.Request) -> web.Response:
    account = account_param(request)
    balance = ledger_of(request).balance(account)
    currency = request.match_info.get("currency")
    if currency is not None:
        if currency.upper() != "USD":
            raise ApiError(404, "not_found", f"No {currency} balance for account {account}")
        return ok(request, balance)
    version = api_version(request)
    if version is not None and version >= BALANCE_ITEMS_VERSION:
        return items(request, [balance])
    return ok(request, balance)


async def balance_snapshots(request: web.Request) -> web.Response:
    account = account_param(request)
    ledger = ledger_of(request)
    day = date_param(request, "snapshot-date")
    tod = request.query.get("time-of-day")
    if day is not None and tod not in ("BOD", "EOD"):
        raise ApiError(
            400,
            "validation_error",
            "Request validation failed",
            [{"domain": "time-of-day", "reason": "is required with snapshot-date (BOD or EOD)"}],
        )
    start, end = date_param(request, "start-date"), date_param(request, "end-date")
    rows = [s for (acct, d, _), s in sorted(ledger.snapshots.items()) if acct == account]
    if day is not None and tod == "BOD":  # the day begins with the previous session's close
        before = [s for s in rows if s["snapshot-date"] < day.isoformat()]
        rows = [{**before[-1], "snapshot-date": day.isoformat(), "time-of-day": "BOD"}] if before else []
    elif day is not None:
        rows = [s for s in rows if s["snapshot-date"] == day.isoformat()]
    if start is not None:
        rows = [s for s in rows if s["snapshot-date"] >= start.isoformat()]
    if end is not None:
        rows = [s for s in rows if s["snapshot-date"] <= end.isoformat()]
    if day is None:
        rows = [*rows, ledger.balance(account)]
    page, pagination = paginate(request, rows, 250)
    return items(request, page, pagination)


async def positions(request: web.Request) -> web.Response:
    account = account_param(request)
    ledger = ledger_of(request)
    unders = set(list_param(request, "underlying-symbol"))
    symbol = request.query.get("symbol")
    kind = request.query.get("instrument-type")
    product = request.query.get("underlying-product-code")
    include_closed = bool_param(request, "include-closed-positions")
    marks = bool_param(request, "include-marks")
    rows = []
    for p in sorted(ledger.positions[account].values(), key=lambda p: (p.underlying_symbol, p.symbol)):
        if p.quantity == 0 and not include_closed:
            continue
        if unders and p.underlying_symbol not in unders:
            continue
        if symbol and p.symbol != symbol:
            continue
        if kind and p.instrument_type != kind:
            continue
        if product and p.underlying_symbol.lstrip("/") != product.lstrip("/"):
            continue
        rows.append(ledger.position_wire(p, marks))
    return items(request, rows)


async def trading_status(request: web.Request) -> web.Response:
    account = account_param(request)
    spec = identity.ACCOUNTS_BY_NUMBER[account]
    margin = spec.margin_or_cash == "Margin"
    return ok(
        request,
        {
            "account-number": account,
            "day-trade-count": 0,
            "equities-margin-calculation-type": "Reg T" if margin else "Cash",
            "fee-schedule-name": "default",
            "futures-margin-rate-multiplier": "1.0" if margin else "0.0",
            "has-intraday-equities-margin": False,
            "id": 447000 + int(account[-3:]),
            "is-aggregated-at-clearing": False,
            "is-closed": False,
            "is-closing-only": False,
            "is-cryptocurrency-closing-only": False,
            "is-cryptocurrency-enabled": True,
            "is-frozen": False,
            "is-full-equity-margin-required": not margin,
            "is-futures-closing-only": False,
            "is-futures-intra-day-enabled": margin,
            "is-futures-enabled": margin,
            "is-in-day-trade-equity-maintenance-call": False,
            "is-in-margin-call": False,
            "is-pattern-day-trader": False,
            "is-portfolio-margin-enabled": False,
            "is-risk-reducing-only": False,
            "is-small-notional-futures-intra-day-enabled": False,
            "is-roll-the-day-forward-enabled": True,
            "are-far-otm-net-options-restricted": True,
            "options-level": spec.options_level,
            "short-calls-enabled": margin,
            "small-notional-futures-margin-rate-multiplier": "0.0",
            "is-equity-offering-enabled": False,
            "is-equity-offering-closing-only": False,
            "enhanced-fraud-safeguards-enabled-at": "2022-10-27T20:49:52.928+00:00",
            "updated-at": iso(ctx_of(request).clock.now_ms()),
        },
    )


async def position_limit(request: web.Request) -> web.Response:
    account = account_param(request)
    return ok(
        request,
        {
            "account-number": account,
            "equity-order-size": 50000,
            "equity-option-order-size": 10000,
            "future-order-size": 2500,
            "future-option-order-size": 2500,
            "underlying-opening-order-limit": 500,
            "equity-position-size": 500000,
            "equity-option-position-size": 20000,
            "future-position-size": 5000,
            "future-option-position-size": 5000,
        },
    )


def _filter_transactions(request: web.Request, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    types = set(list_param(request, "types")) | set(list_param(request, "type"))
    sub_types = set(list_param(request, "sub-type"))
    start, end = date_param(request, "start-date"), date_param(request, "end-date")
    start_at, end_at = datetime_param(request, "start-at"), datetime_param(request, "end-at")
    filters = {k: request.query.get(k) for k in ("instrument-type", "symbol", "underlying-symbol", "action")}
    futures_symbol = request.query.get("futures-symbol")
    out = []
    for t in rows:
        if types and t.get("transaction-type") not in types:
            continue
        if sub_types and t.get("transaction-sub-type") not in sub_types:
            continue
        if start and t["transaction-date"] < start.isoformat():
            continue
        if end and t["transaction-date"] > end.isoformat():
            continue
        if start_at or end_at:
            at = datetime.fromisoformat(t["executed-at"]).astimezone(UTC)
            if (start_at and at < start_at) or (end_at and at > end_at):
                continue
        if any(v and t.get(k) != v for k, v in filters.items()):
            continue
        if (
            futures_symbol
            and t.get("symbol") != futures_symbol
            and t.get("underlying-symbol") != futures_symbol
        ):
            continue
        out.append(t)
    return out


async def transactions(request: web.Request) -> web.Response:
    account = account_param(request)
    rows = _filter_transactions(request, ledger_of(request).transactions.get(account, []))
    sort = request.query.get("sort", "Desc")
    rows = sorted(rows, key=lambda t: (t["executed-at"], t["id"]), reverse=sort != "Asc")
    page, pagination = paginate(request, rows, 250)
    return items(request, page, pagination)


async def one_transaction(request: web.Request) -> web.Response:
    account = account_param(request)
    tid = request.match_info["id"]
    for t in ledger_of(request).transactions.get(account, []):
        if str(t["id"]) == tid:
            return ok(request, t)
    raise ApiError(404, "not_found", f"Transaction {tid} not found")


async def total_fees(request: web.Request) -> web.Response:
    account = account_param(request)
    day = date_param(request, "date") or et_date(ctx_of(request).clock.now_ms())  # transaction-date's day
    total = Decimal(0)
    for t in ledger_of(request).transactions.get(account, []):
        if t["transaction-date"] != day.isoformat():
            continue
        for key in ("commission", "clearing-fees", "regulatory-fees", "proprietary-index-option-fees"):
            if key in t:
                total += Decimal(t[key])
    return ok(request, {"total-fees": dec(total), "total-fees-effect": "Debit" if total else "None"})


def register(app: web.Application) -> None:
    r = app.router
    r.add_get("/customers/{customer}", customer)
    r.add_get("/customers/{customer}/accounts", accounts)
    r.add_get("/customers/{customer}/accounts/{account}", one_account)
    r.add_get("/accounts/{account}/balances", balances)
    r.add_get("/accounts/{account}/balances/{currency}", balances)
    r.add_get("/accounts/{account}/balance-snapshots", balance_snapshots)
    r.add_get("/accounts/{account}/positions", positions)
    r.add_get("/accounts/{account}/trading-status", trading_status)
    r.add_get("/accounts/{account}/position-limit", position_limit)
    r.add_get("/accounts/{account}/transactions/total-fees", total_fees)
    r.add_get("/accounts/{account}/transactions", transactions)
    r.add_get("/accounts/{account}/transactions/{id}", one_transaction)
