"""DXLink candles: candle symbols and periods, event flags, the time-series ``index``.

A candle symbol is ``<base>{=<period>[,<key>=<value>]...}``: ``AAPL{=5m}``,
``GOOG{=w,tho=true}``, ``/ESZ24:XCME{=15s}``. The server echoes the *normalized* form
(period value 1 dropped, shortest unit names, other keys sorted, values lower-case, defaults
removed), so clients normalize before matching events to subscriptions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from desktop.core.calendar import third_friday

__all__ = [
    "REMOVE_EVENT",
    "SNAPSHOT_BEGIN",
    "SNAPSHOT_END",
    "SNAPSHOT_SNIP",
    "TX_PENDING",
    "CandlePeriod",
    "CandleSymbol",
    "align_time",
    "build_candle_symbol",
    "event_index",
    "index_sequence",
    "index_time_ms",
    "next_period_start",
    "normalize_candle_symbol",
    "parse_candle_symbol",
    "parse_period",
]

TX_PENDING = 0x01
REMOVE_EVENT = 0x02
SNAPSHOT_BEGIN = 0x04
SNAPSHOT_END = 0x08
SNAPSHOT_SNIP = 0x10

# unit code -> long name, in dxFeed's order (prefix matching takes the first hit)
_UNIT_NAMES = {
    "t": "tick",
    "s": "second",
    "m": "minute",
    "h": "hour",
    "d": "day",
    "w": "week",
    "mo": "month",
    "o": "optexp",
    "y": "year",
    "v": "volume",
    "p": "price",
    "pm": "pricemomentum",
    "pr": "pricerenko",
}
_UNIT_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000, "w": 604_800_000}
_CALENDAR_UNITS = ("mo", "o", "y")

_DEFAULTS = {"tho": "false", "price": "last", "a": "m"}
_PRICE_VALUES = {"last": "last", "bid": "bid", "ask": "ask", "mark": "mark", "s": "s", "settlement": "s"}
_ALIGN_VALUES = {"m": "m", "midnight": "m", "s": "s", "session": "s"}
_BOOL_VALUES = {"true": "true", "false": "false"}

_PERIOD = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)?\s*([A-Za-z_]+)\s*")


def _parse_unit(text: str) -> str:
    word = text.lower().replace("_", "")
    if word in _UNIT_NAMES:
        return word
    for candidate in (word, word[:-1] if word.endswith("s") and len(word) > 1 else None):
        if not candidate:
            continue
        for code, name in _UNIT_NAMES.items():
            if name.startswith(candidate):
                return code
    raise ValueError(f"unknown candle period unit {text!r} (use one of {', '.join(_UNIT_NAMES)})")


@dataclass(frozen=True)
class CandlePeriod:
    """An aggregation period: ``value`` of ``unit`` (t s m h d w mo o y v p pm pr)."""

    value: float
    unit: str

    def __post_init__(self) -> None:
        if self.unit not in _UNIT_NAMES:
            raise ValueError(f"unknown candle period unit {self.unit!r}")
        if not self.value > 0:
            raise ValueError(f"candle period value must be positive, not {self.value}")
        object.__setattr__(self, "value", float(self.value))

    def __str__(self) -> str:
        if self.value == 1:
            return self.unit
        if self.value.is_integer():
            return f"{int(self.value)}{self.unit}"
        return f"{self.value!r}{self.unit}"

    @property
    def ms(self) -> int | None:
        """Length in milliseconds for fixed-length time units (s m h d w); ``None`` for
        calendar units (mo o y) and non-time ones (t v p pm pr)."""
        unit_ms = _UNIT_MS.get(self.unit)
        return None if unit_ms is None else round(self.value * unit_ms)

    @property
    def is_time(self) -> bool:
        """Whether candles of this period are bounded in time (so ``align_time`` applies)."""
        return self.unit in _UNIT_MS or self.unit in _CALENDAR_UNITS


def parse_period(text: str) -> CandlePeriod:
    """``"5m"``, ``"1h"``, ``"w"``, ``"15s"``, ``"2 days"``, ``"1mo"`` -> ``CandlePeriod``."""
    m = _PERIOD.fullmatch(text)
    if not m:
        raise ValueError(f"not a candle period: {text!r} (expected e.g. '5m', '1h', 'd')")
    return CandlePeriod(float(m.group(1)) if m.group(1) else 1.0, _parse_unit(m.group(2)))


TICK = CandlePeriod(1.0, "t")


@dataclass(frozen=True)
class CandleSymbol:
    """A parsed candle symbol; ``attributes`` are the non-default keys other than the
    period, sorted, with normalized lower-case values."""

    base: str
    period: CandlePeriod
    attributes: tuple[tuple[str, str], ...] = ()

    @property
    def normalized(self) -> str:
        parts = [] if self.period == TICK else [f"={self.period}"]
        parts += [f"{key}={value}" for key, value in self.attributes]
        return f"{self.base}{{{','.join(parts)}}}" if parts else self.base

    def __str__(self) -> str:
        return self.normalized

    @property
    def tho(self) -> bool:
        """Regular trading hours only (``tho=true``)."""
        return dict(self.attributes).get("tho") == "true"

    @property
    def price(self) -> str:
        """Price type: ``last`` (default), ``bid``, ``ask``, ``mark`` or ``s`` (settlement)."""
        return dict(self.attributes).get("price", "last")

    @property
    def alignment(self) -> str:
        """``m`` (midnight, default) or ``s`` (session)."""
        return dict(self.attributes).get("a", "m")


def _normalize_value(key: str, value: str, source: str) -> str:
    lowered = value.strip().lower()
    table = {"price": _PRICE_VALUES, "a": _ALIGN_VALUES, "tho": _BOOL_VALUES}.get(key)
    if table is None:
        return lowered
    if lowered not in table:
        raise ValueError(f"bad value {value!r} for {key!r} in candle symbol {source!r}")
    return table[lowered]


def parse_candle_symbol(text: str) -> CandleSymbol:
    """Parse ``AAPL{=5m,tho=true}`` (any order, long names, any case)."""
    source = text.strip()
    base, brace, rest = source.partition("{")
    if not base or "}" in base:
        raise ValueError(f"not a candle symbol: {text!r} (expected e.g. 'AAPL{{=5m}}')")
    period = TICK
    attributes: dict[str, str] = {}
    if brace:
        if not rest.endswith("}") or "{" in rest or "}" in rest[:-1]:
            raise ValueError(f"not a candle symbol: {text!r} (unbalanced braces)")
        for item in filter(None, (part.strip() for part in rest[:-1].split(","))):
            key, eq, value = item.partition("=")
            key = key.strip().lower()
            if not eq or (key and not value.strip()):
                raise ValueError(f"bad attribute {item!r} in candle symbol {text!r}")
            if key == "":
                period = parse_period(value)
            else:
                attributes[key] = _normalize_value(key, value, text)
    kept = tuple(sorted((k, v) for k, v in attributes.items() if _DEFAULTS.get(k) != v))
    return CandleSymbol(base, period, kept)


def normalize_candle_symbol(text: str) -> str:
    """The server's normalized form: ``GOOG{=1w,tho=true}`` -> ``GOOG{=w,tho=true}``."""
    return parse_candle_symbol(text).normalized


def build_candle_symbol(
    base: str,
    period: CandlePeriod | str,
    *,
    tho: bool = False,
    price: str | None = None,
    alignment: str | None = None,
) -> str:
    """A normalized candle symbol for a streamer symbol: ``("SPY", "5m", tho=True)`` ->
    ``SPY{=5m,tho=true}``."""
    p = parse_period(period) if isinstance(period, str) else period
    attributes = {"tho": "true" if tho else "false"}
    if price is not None:
        attributes["price"] = _normalize_value("price", price, base)
    if alignment is not None:
        attributes["a"] = _normalize_value("a", alignment, base)
    kept = tuple(sorted((k, v) for k, v in attributes.items() if _DEFAULTS.get(k) != v))
    return CandleSymbol(base, p, kept).normalized


# ---------------------------------------------------------------------------------------------
# Time-series index
# ---------------------------------------------------------------------------------------------

_SEQUENCE_MASK = (1 << 22) - 1


def event_index(time_ms: int, sequence: int = 0) -> int:
    """dxFeed time-series index: ``(seconds << 32) | (millis << 22) | sequence``."""
    if not 0 <= sequence <= _SEQUENCE_MASK:
        raise ValueError(f"sequence must fit in 22 bits, not {sequence}")
    seconds, millis = divmod(int(time_ms), 1000)
    return (seconds << 32) | (millis << 22) | sequence


def index_time_ms(index: int) -> int:
    """The event time (ms since epoch) inside a time-series index."""
    return (index >> 32) * 1000 + ((index >> 22) & 0x3FF)


def index_sequence(index: int) -> int:
    """The sequence number (low 22 bits) of a time-series index."""
    return index & _SEQUENCE_MASK


# ---------------------------------------------------------------------------------------------
# Period alignment
# ---------------------------------------------------------------------------------------------

_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_FIRST_MONDAY = date(1970, 1, 5)
_MIDNIGHT = datetime.min.time()
_ONE_MS = timedelta(milliseconds=1)


def _local(time_ms: int, tz: tzinfo) -> datetime:
    """Wall-clock time in ``tz`` (naive) of an epoch-ms instant."""
    return (_EPOCH_UTC + timedelta(milliseconds=time_ms)).astimezone(tz).replace(tzinfo=None)


def _to_ms(local: datetime, tz: tzinfo) -> int:
    """Epoch ms of a wall-clock time in ``tz`` (the earlier reading when ambiguous)."""
    return (local.replace(tzinfo=tz) - _EPOCH_UTC) // _ONE_MS


def _whole(period: CandlePeriod) -> int:
    if not period.value.is_integer():
        raise ValueError(f"a {period.unit!r} candle period needs a whole number, not {period.value}")
    return int(period.value)


def _month_start(index: int) -> datetime:
    return datetime(index // 12, index % 12 + 1, 1)


def _optexp_start(day: date) -> date:
    """Option-expiration periods run from the day after one monthly expiration (third
    Friday) to the next one, inclusive."""
    expiry = third_friday(day.year, day.month)
    if day > expiry:
        return expiry + timedelta(days=1)
    prev = date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)
    return third_friday(prev.year, prev.month) + timedelta(days=1)


def _align_local(local: datetime, period: CandlePeriod) -> datetime:
    unit = period.unit
    if unit in ("s", "m", "h") or (unit == "d" and not period.value.is_integer()):
        step = period.ms or 1
        elapsed = (local - _EPOCH) // _ONE_MS
        return _EPOCH + (elapsed - elapsed % step) * _ONE_MS
    day = local.date()
    if unit == "d":
        shift = (day - _EPOCH.date()).days % _whole(period)
        return datetime.combine(day - timedelta(days=shift), _MIDNIGHT)
    if unit == "w":
        shift = (day - _FIRST_MONDAY).days % (7 * _whole(period))
        return datetime.combine(day - timedelta(days=shift), _MIDNIGHT)
    if unit == "mo":
        index = day.year * 12 + day.month - 1
        return _month_start(index - index % _whole(period))
    if unit == "y":
        return datetime(day.year - (day.year - 1) % _whole(period), 1, 1)
    if unit == "o":
        _whole(period)
        return datetime.combine(_optexp_start(day), _MIDNIGHT)
    raise ValueError(f"{str(period)!r} candles are not time-based; they have no aligned start")


def _advance_local(start: datetime, period: CandlePeriod) -> datetime:
    unit = period.unit
    if unit in ("s", "m", "h") or (unit == "d" and not period.value.is_integer()):
        return start + (period.ms or 1) * _ONE_MS
    if unit in ("d", "w"):
        return start + timedelta(days=_whole(period) * (7 if unit == "w" else 1))
    if unit == "mo":
        return _month_start(start.year * 12 + start.month - 1 + _whole(period))
    if unit == "y":
        return datetime(start.year + _whole(period), 1, 1)
    if unit == "o":
        expiry = third_friday(start.year, start.month)
        if start.date() > expiry:
            nxt = _month_start(start.year * 12 + start.month)
            expiry = third_friday(nxt.year, nxt.month)
        return datetime.combine(expiry + timedelta(days=1), _MIDNIGHT)
    raise ValueError(f"{str(period)!r} candles are not time-based")


def align_time(time_ms: int, period: CandlePeriod | str, tz: tzinfo = UTC) -> int:
    """Start (ms) of the candle containing ``time_ms``, midnight-aligned in ``tz``.

    Intraday periods are aligned to wall-clock multiples from midnight, days to midnight,
    weeks to Monday, months to the 1st, years to January 1st, option-expiration periods to
    the day after the previous monthly expiration. ``ValueError`` for tick, volume and
    price candles.
    """
    p = parse_period(period) if isinstance(period, str) else period
    if tz is UTC and p.unit in ("s", "m", "h", "d"):
        step = p.ms or 1
        return time_ms - time_ms % step
    return _to_ms(_align_local(_local(time_ms, tz), p), tz)


def next_period_start(time_ms: int, period: CandlePeriod | str, tz: tzinfo = UTC) -> int:
    """Start (ms) of the candle after the one containing ``time_ms``."""
    p = parse_period(period) if isinstance(period, str) else period
    return _to_ms(_advance_local(_align_local(_local(time_ms, tz), p), p), tz)
