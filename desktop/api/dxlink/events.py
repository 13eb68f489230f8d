"""Light DXLink market events: immutable tuples with snake_case attributes.

Each class is a ``NamedTuple`` (no per-instance ``__dict__``, attribute access by C-level
descriptors), so the decoder can build thousands per frame cheaply. Numbers stay as the wire
gave them: floats for prices and sizes (``float('nan')`` when the feed sends ``"NaN"``), ints for
times (ms since epoch), ``index`` and flags.

``WIRE_FIELDS`` maps each event type to the DXLink field names we request, in the order of the
class's attributes; ``STRING_FIELDS`` lists the attributes that are text (beyond ``symbol``).
"""

from __future__ import annotations

from typing import NamedTuple


class Quote(NamedTuple):
    """Best bid and offer."""

    symbol: str
    bid_price: float
    ask_price: float
    bid_size: float
    ask_size: float
    bid_time: int
    ask_time: int


class Trade(NamedTuple):
    """Last trade and the day's running totals."""

    symbol: str
    price: float
    size: float
    day_volume: float
    change: float
    time: int


class Summary(NamedTuple):
    """Daily summary: session prices and open interest."""

    symbol: str
    day_open_price: float
    day_high_price: float
    day_low_price: float
    day_close_price: float
    prev_day_close_price: float
    open_interest: float
    prev_day_volume: float
    day_id: int


class Profile(NamedTuple):
    """Instrument profile: description, 52-week range, trading status."""

    symbol: str
    description: str | None
    high_52_week_price: float
    low_52_week_price: float
    beta: float
    trading_status: str | None
    short_sale_restriction: str | None
    status_reason: str | None
    halt_start_time: int
    halt_end_time: int
    high_limit_price: float
    low_limit_price: float
    earnings_per_share: float
    dividend_frequency: float
    ex_dividend_amount: float
    shares: float


class Greeks(NamedTuple):
    """Option greeks and implied volatility (theta per day, vega per vol point)."""

    symbol: str
    price: float
    volatility: float
    delta: float
    gamma: float
    theta: float
    rho: float
    vega: float
    time: int


class TheoPrice(NamedTuple):
    """Theoretical option price and the inputs it was computed from."""

    symbol: str
    price: float
    underlying_price: float
    delta: float
    gamma: float
    dividend: float
    interest: float
    time: int


class Candle(NamedTuple):
    """One OHLCV bar of a candle symbol; ``index`` orders candles, ``flags`` carry snapshot bits."""

    symbol: str
    index: int
    time: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    vwap: float
    count: float
    flags: int


EVENT_CLASSES: dict[str, type[tuple]] = {
    "Quote": Quote,
    "Trade": Trade,
    "Summary": Summary,
    "Profile": Profile,
    "Greeks": Greeks,
    "TheoPrice": TheoPrice,
    "Candle": Candle,
}

# DXLink wire names in class-attribute order (what FEED_SETUP asks for, in this order).
WIRE_FIELDS: dict[str, tuple[str, ...]] = {
    "Quote": ("eventSymbol", "bidPrice", "askPrice", "bidSize", "askSize", "bidTime", "askTime"),
    "Trade": ("eventSymbol", "price", "size", "dayVolume", "change", "time"),
    "Summary": (
        "eventSymbol",
        "dayOpenPrice",
        "dayHighPrice",
        "dayLowPrice",
        "dayClosePrice",
        "prevDayClosePrice",
        "openInterest",
        "prevDayVolume",
        "dayId",
    ),
    "Profile": (
        "eventSymbol",
        "description",
        "high52WeekPrice",
        "low52WeekPrice",
        "beta",
        "tradingStatus",
        "shortSaleRestriction",
        "statusReason",
        "haltStartTime",
        "haltEndTime",
        "highLimitPrice",
        "lowLimitPrice",
        "earningsPerShare",
        "dividendFrequency",
        "exDividendAmount",
        "shares",
    ),
    "Greeks": ("eventSymbol", "price", "volatility", "delta", "gamma", "theta", "rho", "vega", "time"),
    "TheoPrice": (
        "eventSymbol",
        "price",
        "underlyingPrice",
        "delta",
        "gamma",
        "dividend",
        "interest",
        "time",
    ),
    "Candle": (
        "eventSymbol",
        "index",
        "time",
        "open",
        "high",
        "low",
        "close",
        "volume",
        "vwap",
        "count",
        "eventFlags",
    ),
}

# Text attributes other than ``symbol``: a missing one is None, never NaN.
STRING_FIELDS: dict[str, frozenset[str]] = {
    "Profile": frozenset({"description", "tradingStatus", "shortSaleRestriction", "statusReason"}),
}

# Integer attributes: a missing one is 0 (times, ids, index, flags).
INT_FIELDS: frozenset[str] = frozenset(
    {"bidTime", "askTime", "time", "dayId", "haltStartTime", "haltEndTime", "index", "eventFlags"}
)

EVENT_TYPES: tuple[str, ...] = tuple(EVENT_CLASSES)


def _check_tables() -> None:
    for name, cls in EVENT_CLASSES.items():
        if len(WIRE_FIELDS[name]) != len(cls._fields):  # type: ignore[attr-defined]
            raise AssertionError(f"WIRE_FIELDS[{name!r}] does not match {cls.__name__}")


_check_tables()
