"""DXLink event field values (camelCase, dxlink.md 5.2) from tickers and chain pricers.

Numbers are floats (``nan`` when missing), times/ids/sizes-that-are-ints are ints, enums are
upper-case strings, as the feed sends them. Builders return fresh dicts.
"""

from __future__ import annotations

import math

from desktop.core.candles import event_index

from .hours import DAY_MS
from .options import ChainPricer
from .quotes import Ticker

NAN = math.nan
_EXCHANGE = {"XNAS": "Q", "ARCX": "P", "XNYS": "N"}


def exchange_code(listed_market: str) -> str:
    return _EXCHANGE.get(listed_market, "")


def ticker_event(
    etype: str, t: Ticker, code: str, profile: dict[str, object] | None, extended: bool
) -> dict[str, object] | None:
    inst, d = t.inst, t.day
    sym = inst.streamer_symbol
    if etype == "Quote":
        return {
            "eventSymbol": sym,
            "eventTime": 0,
            "sequence": 0,
            "timeNanoPart": 0,
            "bidTime": 0,
            "bidExchangeCode": code,
            "bidPrice": t.bid,
            "bidSize": t.bid_size,
            "askTime": 0,
            "askExchangeCode": code,
            "askPrice": t.ask,
            "askSize": t.ask_size,
        }
    if etype in ("Trade", "TradeETH"):
        last = t.last if t.last == t.last else t.price
        index = t.is_index
        return {
            "eventSymbol": sym,
            "eventTime": 0,
            "time": t.last_time,
            "timeNanoPart": 0,
            "sequence": t.sequence & 0x3FFFFF,
            "exchangeCode": code,
            "price": last,
            "change": last - d.prev_close,
            "size": t.last_size,
            "dayId": d.day_id,
            "dayVolume": NAN if index else d.volume,
            "dayTurnover": NAN if index else d.volume * last,
            "tickDirection": t.direction,
            "extendedTradingHours": extended,
        }
    if etype == "Summary":
        return {
            "eventSymbol": sym,
            "eventTime": 0,
            "dayId": d.day_id,
            "dayOpenPrice": d.open,
            "dayHighPrice": d.high,
            "dayLowPrice": d.low,
            "dayClosePrice": NAN,
            "dayClosePriceType": "REGULAR",
            "prevDayId": d.prev_day_id,
            "prevDayClosePrice": d.prev_close,
            "prevDayClosePriceType": "FINAL",
            "prevDayVolume": NAN if t.is_index else d.prev_volume,
            "openInterest": 0,
        }
    if etype == "Profile":
        return profile
    return None


def option_event(
    etype: str, p: ChainPricer, i: int, sym: str, day_id: int, now_ms: int, description: str
) -> dict[str, object] | None:
    if etype == "Quote":
        return {
            "eventSymbol": sym,
            "eventTime": 0,
            "sequence": 0,
            "timeNanoPart": 0,
            "bidTime": 0,
            "bidExchangeCode": "",
            "bidPrice": float(p.bid[i]),
            "bidSize": float(p.bid_size[i]),
            "askTime": 0,
            "askExchangeCode": "",
            "askPrice": float(p.ask[i]),
            "askSize": float(p.ask_size[i]),
        }
    if etype == "Greeks":
        t = now_ms - now_ms % 1000
        return {
            "eventSymbol": sym,
            "eventTime": 0,
            "eventFlags": 0,
            "index": event_index(t),
            "time": t,
            "sequence": 0,
            "price": float(p.theo[i]),
            "volatility": float(p.iv[i]),
            "delta": float(p.delta[i]),
            "gamma": float(p.gamma[i]),
            "theta": float(p.theta[i]),
            "rho": float(p.rho[i]),
            "vega": float(p.vega[i]),
        }
    if etype == "TheoPrice":
        t = now_ms - now_ms % 1000
        return {
            "eventSymbol": sym,
            "eventTime": 0,
            "eventFlags": 0,
            "index": event_index(t),
            "time": t,
            "sequence": 0,
            "price": float(p.theo[i]),
            "underlyingPrice": float(p.spot[i]),
            "delta": float(p.delta[i]),
            "gamma": float(p.gamma[i]),
            "dividend": p.params.dividend_yield,
            "interest": p.params.rate,
        }
    if etype in ("Trade", "TradeETH"):
        last = float(p.last[i])
        prev = float(p.prev_close[i])
        return {
            "eventSymbol": sym,
            "eventTime": 0,
            "time": int(p.last_time[i]),
            "timeNanoPart": 0,
            "sequence": 0,
            "exchangeCode": "",
            "price": last,
            "change": last - prev if last == last else NAN,
            "size": float(p.last_size[i]) if last == last else NAN,
            "dayId": day_id,
            "dayVolume": float(p.day_volume[i]),
            "dayTurnover": float(p.day_volume[i]) * (last if last == last else 0.0) * 100,
            "tickDirection": "UNDEFINED",
            "extendedTradingHours": False,
        }
    if etype == "Summary":
        return {
            "eventSymbol": sym,
            "eventTime": 0,
            "dayId": day_id,
            "dayOpenPrice": float(p.day_open[i]),
            "dayHighPrice": float(p.day_high[i]),
            "dayLowPrice": float(p.day_low[i]),
            "dayClosePrice": NAN,
            "dayClosePriceType": "REGULAR",
            "prevDayId": day_id - 1,
            "prevDayClosePrice": float(p.prev_close[i]),
            "prevDayClosePriceType": "FINAL",
            "prevDayVolume": NAN,
            "openInterest": int(p.open_interest[i]),
        }
    if etype == "Profile":
        return profile_event(sym, description, NAN, NAN, NAN, NAN, 0.0, NAN, 0)
    return None


def profile_event(
    sym: str,
    description: str,
    high52: float,
    low52: float,
    beta: float,
    eps: float,
    dividend: float,
    shares: float,
    ex_day: int,
) -> dict[str, object]:
    return {
        "eventSymbol": sym,
        "eventTime": 0,
        "description": description,
        "shortSaleRestriction": "INACTIVE",
        "tradingStatus": "ACTIVE",
        "statusReason": "",
        "haltStartTime": 0,
        "haltEndTime": 0,
        "highLimitPrice": NAN,
        "lowLimitPrice": NAN,
        "high52WeekPrice": high52,
        "low52WeekPrice": low52,
        "beta": beta,
        "earningsPerShare": eps,
        "dividendFrequency": 4.0 if dividend > 0 else 0.0,
        "exDividendAmount": dividend,
        "exDividendDayId": ex_day,
        "shares": shares,
        "freeFloat": shares * 0.97 if shares == shares else NAN,
    }


def day_id_of(day_midnight_ms: int) -> int:
    """dxFeed ``dayId``: days since the epoch of a session date (given its ET midnight)."""
    return (day_midnight_ms + 12 * 3_600_000) // DAY_MS
