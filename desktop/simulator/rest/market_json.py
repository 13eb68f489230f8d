"""Market data objects: ``/market-metrics`` items and ``/market-data`` quote items.

Volatility figures come from the same model the feed uses: implied vol from the option
surface, historical vol from the seeded daily walk, IV rank/percentile from a year of the
surface's level (which follows VIX).
"""

from __future__ import annotations

import math
import zlib
from datetime import timedelta
from decimal import Decimal
from typing import Any

import numpy as np

from desktop.simulator.market import Instrument, MarketModel
from desktop.simulator.market import hours as H
from desktop.simulator.market.listing import equity_expirations
from desktop.simulator.market.options import atm_vol
from desktop.simulator.market.paths import EPOCH
from desktop.simulator.wire import dec, iso

_YEAR_MS = 365.0 * 86_400_000


def _d(x: float, places: int = 9) -> str:
    x = float(x)
    if not math.isfinite(x):
        return "NaN"
    return dec(Decimal(repr(round(x, places))))


def _hv(closes: np.ndarray, days: int) -> float:
    r = np.diff(np.log(closes[-(days + 1) :]))
    return float(r.std(ddof=1) * math.sqrt(252) * 100) if len(r) > 2 else math.nan


def metrics(market: MarketModel, symbol: str, now_ms: int) -> dict[str, Any] | None:
    u = market.universe.underlyings.get(symbol)
    product = market.universe.futures.get(symbol.lstrip("/")) if symbol.startswith("/") else None
    if u is None and product is None:
        return None
    key = u.symbol if u else "/" + product.code  # type: ignore[union-attr]
    path = (
        market.path_of_chain(key)
        if (u and u.optionable) or (product and product.has_options)
        else (u.path if u else product.path)
    )  # type: ignore[union-attr]
    core = market.universe.cores[path]
    today = H.et_date(now_ms)
    k = (today - EPOCH).days
    levels = np.exp(market.paths.levels(path)[max(0, k - 400) : k + 1])
    vix = np.exp(market.paths.levels("VIX")[max(0, k - 252) : k + 1])
    base = core.vol * (u.iv_premium if u else 1.1)
    corr = max(0.0, core.corr)
    iv_now = float(atm_vol(base, market.iv_scale(path), 30 / 365))
    history = base * np.clip((vix / market.universe.cores["VIX"].ref_price) ** (0.8 * corr), 0.5, 3.0) * 0.96
    lo, hi = float(history.min()), float(history.max())
    rank = (iv_now - lo) / (hi - lo) if hi > lo else 0.5
    percentile = float((history < iv_now).mean())
    week_ago = float(history[-6]) if len(history) > 6 else iv_now
    price = (
        market.price_of(key) if u else market.price_of(market.registry.contracts[product.code][0].streamer)
    )  # type: ignore[union-attr]
    hv30, hv60, hv90 = _hv(levels, 21), _hv(levels, 42), _hv(levels, 63)
    stamp = iso(now_ms)
    seed = zlib.crc32(key.encode())
    out: dict[str, Any] = {
        "symbol": key,
        "implied-volatility-index": _d(iv_now),
        "implied-volatility-index-5-day-change": _d(iv_now - week_ago),
        "implied-volatility-index-rank": _d(max(0.0, min(1.0, rank))),
        "tos-implied-volatility-index-rank": _d(max(0.0, min(1.0, rank))),
        "tw-implied-volatility-index-rank": _d(max(0.0, min(1.0, rank * 0.95))),
        "tos-implied-volatility-index-rank-updated-at": stamp,
        "implied-volatility-index-rank-source": "tos",
        "implied-volatility-percentile": _d(percentile),
        "implied-volatility-updated-at": stamp,
        "liquidity-value": _d(1e5 * (u.liquidity if u else 5) ** 2, 3),
        "liquidity-rank": _d((u.liquidity if u else 5) / 3, 3),
        "liquidity-rating": u.liquidity if u else 5,
        "created-at": "2019-01-20T18:02:44.206-06:00",
        "updated-at": stamp,
        "beta": _d(u.beta if u else 1.0),
        "beta-updated-at": stamp,
        "corr-spy-3month": _d(core.corr, 2),
        "implied-volatility-30-day": _d(iv_now * 100, 2),
        "historical-volatility-30-day": _d(hv30, 2),
        "historical-volatility-60-day": _d(hv60, 2),
        "historical-volatility-90-day": _d(hv90, 2),
        "iv-hv-30-day-difference": _d(iv_now * 100 - hv30, 2),
        "market-cap": int(price * u.shares) if u and u.kind == "Equity" and price == price else 0,
        "price-earnings-ratio": _d(price / u.eps if u and u.eps else 0.0, 2),
        "earnings-per-share": _d(u.eps if u else 0.0, 2),
        "lendability": "Easy To Borrow",
        "borrow-rate": "0.0",
    }
    if u is not None and u.kind == "Equity":
        out["listed-market"] = u.listed_market
        if u.dividend_yield:
            out["dividend-yield"] = _d(u.dividend_yield)
            out["dividend-rate-per-share"] = _d(price * u.dividend_yield / 4, 4)
            out["annual-dividend-per-share"] = _d(price * u.dividend_yield, 4)
            out["dividend-ex-date"] = (today + timedelta(days=23)).isoformat()
            out["dividend-pay-date"] = (today + timedelta(days=37)).isoformat()
            out["dividend-updated-at"] = stamp
        if not u.is_etf:
            report = today + timedelta(days=7 + seed % 80)
            out["earnings"] = {
                "visible": True,
                "expected-report-date": report.isoformat(),
                "estimated": True,
                "late-flag": 0,
                "quarter-end-date": (report - timedelta(days=35)).isoformat(),
                "actual-eps": _d(u.eps / 4, 2),
                "consensus-estimate": _d(u.eps / 4 * 1.02, 2),
                "updated-at": stamp,
            }
    if u is not None and u.optionable:
        exps = []
        for spec in equity_expirations(u, today)[:24]:
            years = max((spec.expires_ms - now_ms) / _YEAR_MS, 1 / 365)
            exps.append(
                {
                    "expiration-date": spec.day.isoformat(),
                    "option-chain-type": "Standard",
                    "settlement-type": spec.settlement,
                    "implied-volatility": _d(float(atm_vol(base, market.iv_scale(path), years))),
                }
            )
        out["option-expiration-implied-volatilities"] = exps
        out["liquidity-running-state"] = {
            "sum": _d(1e6 * u.liquidity, 3),
            "count": 48,
            "started-at": iso(H.midnight_ms(today) - 3 * 86_400_000),
            "updated-at": stamp,
        }
    return out


def quote_item(market: MarketModel, inst: Instrument, now_ms: int) -> dict[str, Any]:
    """One ``/market-data/by-type`` item."""
    stamp = iso(now_ms).replace("+00:00", "Z")  # type: ignore[union-attr]
    today = H.et_date(now_ms).isoformat()
    out: dict[str, Any] = {"symbol": inst.symbol, "instrument-type": inst.kind, "updated-at": stamp}
    t = market.ticker(inst.streamer_symbol)
    if t is not None:
        d = t.day
        last = t.last if t.last == t.last else t.price
        out.update(
            {
                "bid": _d(t.bid, 6),
                "bid-size": _d(t.bid_size, 4),
                "ask": _d(t.ask, 6),
                "ask-size": _d(t.ask_size, 4),
                "mid": _d(t.mark, 6),
                "mark": _d(t.mark, 6),
                "last": _d(last, 6),
                "last-mkt": _d(last, 6),
                "open": _d(d.open, 6),
                "day-high-price": _d(d.high, 6),
                "day-low-price": _d(d.low, 6),
                "close": _d(last, 6),
                "close-price-type": "Indicative",
                "prev-close": _d(d.prev_close, 6),
                "prev-close-price-type": "Final",
                "summary-date": today,
                "prev-close-date": today,
                "volume": _d(d.volume, 1) if not t.is_index else "NaN",
            }
        )
        profile = market.event_fields("Profile", inst.streamer_symbol, now_ms) or {}
        out["year-low-price"] = _d(float(profile.get("low52WeekPrice", math.nan)), 4)  # type: ignore[arg-type]
        out["year-high-price"] = _d(float(profile.get("high52WeekPrice", math.nan)), 4)  # type: ignore[arg-type]
        if not (isinstance(profile.get("beta"), float) and math.isnan(profile["beta"])):  # type: ignore[arg-type]
            out["beta"] = _d(float(profile.get("beta", 1.0)), 6)  # type: ignore[arg-type]
    else:
        bid, ask, mid = market.quote(inst)
        fields = market.event_fields("Summary", inst.streamer_symbol, now_ms) or {}
        trade = market.event_fields("Trade", inst.streamer_symbol, now_ms) or {}
        out.update(
            {
                "bid": _d(bid, 6),
                "ask": _d(ask, 6),
                "mid": _d(mid, 6),
                "mark": _d(mid, 6),
                "bid-size": "1.0",
                "ask-size": "1.0",
                "last": _d(float(trade.get("price", math.nan)), 6),  # type: ignore[arg-type]
                "open": _d(float(fields.get("dayOpenPrice", math.nan)), 6),  # type: ignore[arg-type]
                "day-high-price": _d(float(fields.get("dayHighPrice", math.nan)), 6),  # type: ignore[arg-type]
                "day-low-price": _d(float(fields.get("dayLowPrice", math.nan)), 6),  # type: ignore[arg-type]
                "prev-close": _d(float(fields.get("prevDayClosePrice", math.nan)), 6),  # type: ignore[arg-type]
                "close-price-type": "Indicative",
                "prev-close-price-type": "Final",
                "summary-date": today,
                "prev-close-date": today,
                "open-interest": _d(float(fields.get("openInterest", 0)), 1),  # type: ignore[arg-type]
                "volume": _d(float(trade.get("dayVolume", 0.0)), 1),  # type: ignore[arg-type]
            }
        )
    out.update(
        {"is-trading-halted": False, "trading-halted": False, "halt-start-time": -1, "halt-end-time": -1}
    )
    return out
