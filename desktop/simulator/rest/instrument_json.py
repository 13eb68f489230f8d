"""Instrument objects in the REST shapes of tastytrade-rest.md section 4."""

from __future__ import annotations

import zlib
from decimal import Decimal
from typing import Any

from desktop.core.money import TickSize
from desktop.simulator.market import Instrument, MarketModel
from desktop.simulator.market.chains import OptionChain, option_ticks
from desktop.simulator.market.hours import et_date
from desktop.simulator.market.listing import FutureContract
from desktop.simulator.market.universe import FutureProduct, Underlying
from desktop.simulator.wire import dec, iso


def tick_sizes(rules: tuple[TickSize, ...], symbol: str | None = None) -> list[dict[str, str]]:
    out = []
    for r in rules:
        item = {"value": dec(r.value)}
        if r.threshold is not None:
            item["threshold"] = dec(r.threshold)
        if symbol:
            item["symbol"] = symbol
        out.append(item)
    return out


def _id(symbol: str) -> int:
    return 10_000 + zlib.crc32(symbol.encode()) % 90_000


def equity(u: Underlying) -> dict[str, Any]:
    index = u.kind == "Index"
    return {
        "id": _id(u.symbol),
        "symbol": u.symbol,
        "instrument-type": "Equity",
        "cusip": None if index else f"{zlib.crc32(u.symbol.encode()) % 10**8:08d}1",
        "short-description": u.description[:15],
        "is-index": index,
        "listed-market": u.listed_market,
        "description": u.description,
        "lendability": "Easy To Borrow",
        "borrow-rate": "0.0",
        "market-time-instrument-collection": "Equity Index" if index or u.is_etf else "Equity",
        "is-closing-only": False,
        "is-options-closing-only": False,
        "active": not index,
        "is-fractional-quantity-eligible": not index,
        "is-illiquid": False,
        "is-etf": u.is_etf,
        "is-fraud-risk": False,
        "bypass-manual-review": False,
        "overnight-trading-permitted": False,
        "streamer-symbol": u.symbol,
        "tick-sizes": [{"value": "0.01"}]
        if index
        else [{"value": "0.0001", "threshold": "1.0"}, {"value": "0.01"}],
        "option-tick-sizes": tick_sizes(option_ticks(u)) if u.optionable else [],
    }


def equity_option(inst: Instrument, now_ms: int) -> dict[str, Any]:
    assert inst.expiration is not None
    days = (inst.expiration - et_date(now_ms)).days
    return {
        "symbol": inst.symbol,
        "instrument-type": "Equity Option",
        "active": True,
        "strike-price": dec(Decimal(repr(inst.strike))),
        "root-symbol": inst.root,
        "underlying-symbol": inst.underlying_symbol,
        "expiration-date": inst.expiration.isoformat(),
        "exercise-style": inst.exercise_style,
        "shares-per-contract": 100,
        "option-type": inst.option_type,
        "option-chain-type": "Standard",
        "expiration-type": inst.expiration_type,
        "settlement-type": inst.settlement,
        "stops-trading-at": iso(inst.expires_ms),
        "market-time-instrument-collection": "Cash Settled Equity Option"
        if inst.exercise_style == "European"
        else "Equity Option",
        "days-to-expiration": days,
        "expires-at": iso(inst.expires_ms),
        "is-closing-only": False,
        "streamer-symbol": inst.streamer_symbol,
    }


def deliverable(root: str, underlying: str) -> dict[str, Any]:
    return {
        "id": _id(root + "D"),
        "root-symbol": root,
        "deliverable-type": "Shares",
        "description": f"100 shares of {underlying}",
        "amount": "100.0",
        "symbol": underlying,
        "instrument-type": "Equity",
        "percent": "100",
    }


def nested_chain(chain: OptionChain, u: Underlying, now_ms: int) -> list[dict[str, Any]]:
    """One item per root (SPX and SPXW for SPX)."""
    today = et_date(now_ms)
    by_root: dict[str, list[dict[str, Any]]] = {}
    index = _chain_index(chain)
    for exp in chain.expirations:
        spec = exp.spec
        strikes = []
        for k in exp.strikes:
            call, put = index.get((spec.root, spec.day, k, "C")), index.get((spec.root, spec.day, k, "P"))
            if call is None or put is None:
                continue
            strikes.append(
                {
                    "strike-price": dec(k),
                    "call": call.symbol,
                    "call-streamer-symbol": call.streamer_symbol,
                    "put": put.symbol,
                    "put-streamer-symbol": put.streamer_symbol,
                }
            )
        by_root.setdefault(spec.root, []).append(
            {
                "expiration-type": spec.expiration_type,
                "expiration-date": spec.day.isoformat(),
                "days-to-expiration": (spec.day - today).days,
                "settlement-type": spec.settlement,
                "strikes": strikes,
            }
        )
    return [
        {
            "underlying-symbol": u.symbol,
            "root-symbol": root,
            "option-chain-type": "Standard",
            "shares-per-contract": 100,
            "tick-sizes": tick_sizes(option_ticks(u)),
            "deliverables": [deliverable(root, u.symbol)],
            "expirations": exps,
        }
        for root, exps in by_root.items()
    ]


def _chain_index(chain: OptionChain) -> dict[tuple[str, Any, Decimal, str], Instrument]:
    return {
        (i.root, i.expiration, Decimal(repr(i.strike)).normalize(), i.option_type): i
        for i in chain.instruments
    }


def compact_chain(chain: OptionChain, u: Underlying) -> list[dict[str, Any]]:
    by_root: dict[str, list[Instrument]] = {}
    for inst in chain.instruments:
        by_root.setdefault(inst.root, []).append(inst)
    out = []
    for root, insts in by_root.items():
        out.append(
            {
                "underlying-symbol": u.symbol,
                "root-symbol": root,
                "option-chain-type": "Standard",
                "settlement-type": "AM" if root == "SPX" else "PM",
                "shares-per-contract": 100,
                "expiration-type": "Regular",
                "deliverables": [deliverable(root, u.symbol)],
                "symbols": [i.symbol for i in insts],
                "streamer-symbols": [i.streamer_symbol for i in insts],
            }
        )
    return out


def future_product(p: FutureProduct, with_options: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "root-symbol": "/" + p.code,
        "code": p.code,
        "description": p.description_short or p.description,
        "clearing-code": p.code,
        "clearing-exchange-code": "16",
        "clearport-code": p.code,
        "legacy-code": p.code,
        "exchange": p.exchange,
        "legacy-exchange-code": p.exchange,
        "product-type": p.product_type,
        "listed-months": list(p.listed_months),
        "active-months": list(p.listed_months),
        "notional-multiplier": dec(Decimal(repr(p.multiplier))),
        "tick-size": dec(Decimal(repr(p.tick_size))),
        "display-factor": "0.01",
        "streamer-exchange-code": p.streamer_exchange,
        "small-notional": False,
        "back-month-first-calendar-symbol": True,
        "first-notice": not p.cash_settled,
        "cash-settled": p.cash_settled,
        "security-group": p.code,
        "market-sector": p.market_sector,
        "supported": True,
        "roll": {
            "name": "equity_index" if p.cash_settled else "physical",
            "active-count": p.active_count,
            "cash-settled": p.cash_settled,
            "business-days-offset": 4,
            "first-notice": not p.cash_settled,
        },
    }
    if with_options:
        out["option-products"] = [future_option_product(p, code) for code in option_roots(p)]
    return out


def option_roots(p: FutureProduct) -> list[str]:
    return [p.code, "EW1", "EW2", "EW3", "EW4"] if p.has_options else []


def future_option_product(p: FutureProduct, root: str, nested: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "root-symbol": root,
        "cash-settled": p.cash_settled,
        "code": root,
        "legacy-code": root,
        "clearport-code": root,
        "clearing-code": root[-2:],
        "clearing-exchange-code": "9C",
        "clearing-price-multiplier": "1.0",
        "display-factor": "0.01",
        "exchange": p.exchange,
        "product-type": "Physical",
        "expiration-type": "Regular" if root in (p.code, "EW3") else "Weekly",
        "settlement-delay-days": 0,
        "is-rollover": False,
        "market-sector": p.market_sector,
        "is-am-settled": root == p.code,
        "supported": True,
    }
    if nested:
        out["future-product"] = future_product(p)
    return out


def future(
    c: FutureContract, market: MarketModel, front: bool, second: bool, nxt: FutureContract | None
) -> dict[str, Any]:
    p = c.product
    inst = market.registry.by_streamer[c.streamer]
    out: dict[str, Any] = {
        "symbol": c.symbol,
        "product-code": p.code,
        "contract-size": dec(Decimal(repr(p.multiplier))),
        "tick-size": dec(Decimal(repr(p.tick_size))),
        "notional-multiplier": dec(Decimal(repr(p.multiplier))),
        "main-fraction": "0.0",
        "sub-fraction": "0.0",
        "display-factor": "0.01",
        "last-trade-date": c.last_trade.isoformat(),
        "expiration-date": c.last_trade.isoformat(),
        "closing-only-date": c.last_trade.isoformat(),
        "active": True,
        "active-month": front,
        "next-active-month": second,
        "is-closing-only": False,
        "is-tradeable": True,
        "stops-trading-at": iso(c.expires_ms),
        "expires-at": iso(c.expires_ms),
        "product-group": p.product_group,
        "exchange": p.exchange,
        "exchange-symbol": c.exchange_symbol,
        "security-id": str(zlib.crc32(c.symbol.encode()) % 10**8),
        "streamer-exchange-code": p.streamer_exchange,
        "streamer-symbol": c.streamer,
        "back-month-first-calendar-symbol": True,
        "future-product": future_product(p),
        "tick-sizes": tick_sizes(inst.tick_sizes),
        "option-tick-sizes": [
            {"value": dec(Decimal(repr(v))), **({"threshold": dec(Decimal(repr(t)))} if t else {})}
            for v, t in p.option_tick_sizes
        ],
        "spread-tick-sizes": [{"value": "0.05", "symbol": c.symbol}],
    }
    if nxt is not None:
        out["roll-target-symbol"] = nxt.symbol
    if p.etf_equivalent:
        out["future-etf-equivalent"] = {"symbol": p.etf_equivalent[0], "share-quantity": p.etf_equivalent[1]}
    return out


def future_option(inst: Instrument, p: FutureProduct, now_ms: int) -> dict[str, Any]:
    assert inst.expiration is not None
    return {
        "active": True,
        "days-to-expiration": (inst.expiration - et_date(now_ms)).days,
        "display-factor": "0.01",
        "exchange": p.exchange,
        "exchange-symbol": f"{inst.option_contract} {inst.option_type}{inst.strike:g}",
        "exercise-style": "American",
        "expiration-date": inst.expiration.isoformat(),
        "expires-at": iso(inst.expires_ms),
        "future-price-ratio": "1.0",
        "is-closing-only": False,
        "is-confirmed": True,
        "is-exercisable-weekly": True,
        "is-primary-deliverable": True,
        "is-vanilla": True,
        "last-trade-time": "0",
        "maturity-date": inst.expiration.isoformat(),
        "multiplier": "1.0",
        "notional-value": "1.0",
        "option-root-symbol": inst.root,
        "option-type": inst.option_type,
        "product-code": p.code,
        "root-symbol": "/" + p.code,
        "security-exchange": "4",
        "settlement-type": "Future",
        "stops-trading-at": iso(inst.expires_ms),
        "streamer-symbol": inst.streamer_symbol,
        "strike-factor": "1.0",
        "strike-price": dec(Decimal(repr(inst.strike))),
        "sx-id": "0",
        "symbol": inst.symbol,
        "underlying-count": "1.0",
        "underlying-symbol": inst.underlying_symbol,
        "future-option-product": future_option_product(p, inst.root),
    }


def crypto(inst: Instrument, instrument_id: int, short: str) -> dict[str, Any]:
    base = inst.symbol.split("/")[0]
    return {
        "id": instrument_id,
        "symbol": inst.symbol,
        "instrument-type": "Cryptocurrency",
        "short-description": short,
        "description": inst.description,
        "is-closing-only": False,
        "active": True,
        "tick-size": dec(inst.tick_sizes[0].value),
        "streamer-symbol": inst.streamer_symbol,
        "destination-venue-symbols": [
            {
                "id": instrument_id * 10 + 1,
                "symbol": inst.symbol,
                "destination-venue": "ZERO_HASH_CLOB",
                "max-quantity-precision": 8,
                "max-price-precision": 2,
                "routable": True,
            },
            {
                "id": instrument_id * 10 + 2,
                "symbol": base,
                "destination-venue": "CITADEL_CRYPTOCURRENCY",
                "max-quantity-precision": 8,
                "max-price-precision": 8,
                "routable": False,
            },
        ],
    }
