"""Candle subscriptions: the history snapshot (dxlink.md 6.2) and live updates after it.

A snapshot goes newest first. The first event carries SNAPSHOT_BEGIN; the last carries
SNAPSHOT_END when a candle sits exactly at ``fromTime``; otherwise a virtual event at
``fromTime`` with REMOVE_EVENT|SNAPSHOT_END (all values NaN) ends it, and an empty history is
that one virtual event with BEGIN|END|REMOVE. History longer than :data:`MAX_SNAPSHOT_CANDLES`
is cut to the newest candles and the oldest one sent carries SNAPSHOT_SNIP. After the snapshot
the live (current-period) candle is re-sent whole each time it changes, and a new ``index``
appears when the period rolls (the finished candle's final values are sent first).
"""

from __future__ import annotations

import logging
import math
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from desktop.core.candles import (
    REMOVE_EVENT,
    SNAPSHOT_BEGIN,
    SNAPSHOT_END,
    SNAPSHOT_SNIP,
    CandlePeriod,
    event_index,
    parse_candle_symbol,
)

if TYPE_CHECKING:
    from desktop.simulator.dxlink.feed import MarketView

log = logging.getLogger(__name__)

#: Most candles one snapshot sends; older history is snipped (SNAPSHOT_SNIP).
MAX_SNAPSHOT_CANDLES = 10_000
#: How far back (in periods per snapshot candle) history is asked for: room for nights and weekends.
_HISTORY_SPAN_FACTOR = 8
#: How far back to look for the current candle of a month/option-expiration/year period.
_CALENDAR_LOOKBACK_MS = 400 * 86_400_000
_TIME_UNITS = frozenset({"s", "m", "h", "d", "w", "mo", "o", "y"})
_NAN = math.nan
_VALUE_ATTRS = (
    ("open", "open"),
    ("high", "high"),
    ("low", "low"),
    ("close", "close"),
    ("volume", "volume"),
    ("VWAP", "vwap"),
    ("bidVolume", "bid_volume"),
    ("askVolume", "ask_volume"),
    ("impVolatility", "imp_volatility"),
    ("openInterest", "open_interest"),
)


def candle_values(candle: Any, flags: int = 0) -> dict[str, object]:
    """DXLink Candle field values of one model candle (``time`` in ms since the epoch)."""
    time_ms = int(candle.time)
    values: dict[str, object] = {
        "eventTime": 0,
        "eventFlags": flags,
        "index": event_index(time_ms),
        "time": time_ms,
        "sequence": 0,
        "count": int(getattr(candle, "count", 0) or 0),
    }
    for name, attr in _VALUE_ATTRS:
        value = getattr(candle, attr, None)
        values[name] = _NAN if value is None else float(value)
    return values


def virtual_end_values(from_ms: int, flags: int) -> dict[str, object]:
    """The virtual REMOVE_EVENT that ends a snapshot with no candle at ``fromTime``."""
    values: dict[str, object] = {
        "eventTime": 0,
        "eventFlags": flags,
        "index": event_index(from_ms),
        "time": from_ms,
        "sequence": 0,
        "count": 0,
    }
    values.update((name, _NAN) for name, _ in _VALUE_ATTRS)
    return values


def iter_snapshot(
    candles_ascending: list[Any], from_ms: int, cap: int = MAX_SNAPSHOT_CANDLES
) -> Iterator[dict[str, object]]:
    """Snapshot events, newest first, with the flags of dxlink.md 6.2 (see the module doc).

    Events are built as they are consumed, so a long history is encoded message by message.
    """
    first = bisect_left(candles_ascending, from_ms, key=_time_of)
    history = candles_ascending[first:]
    snipped = len(history) > cap
    if snipped:
        history = history[-cap:]
    count = len(history)
    exact_end = bool(history) and int(history[0].time) == from_ms
    for position, candle in enumerate(reversed(history)):
        flags = SNAPSHOT_BEGIN if position == 0 else 0
        if position == count - 1:
            flags |= SNAPSHOT_SNIP if snipped else SNAPSHOT_END if exact_end else 0
        yield candle_values(candle, flags)
    if not snipped and not exact_end:
        yield virtual_end_values(from_ms, REMOVE_EVENT | SNAPSHOT_END | (0 if count else SNAPSHOT_BEGIN))


def snapshot_events(
    candles_ascending: list[Any], from_ms: int, cap: int = MAX_SNAPSHOT_CANDLES
) -> list[dict[str, object]]:
    """:func:`iter_snapshot` as a list."""
    return list(iter_snapshot(candles_ascending, from_ms, cap))


@dataclass
class CandleSubscription:
    """One Candle subscription on one channel: snapshot first, then live updates."""

    requested: str
    symbol: str  # normalized candle symbol, echoed as eventSymbol
    base: str
    period: CandlePeriod
    rth_only: bool
    from_ms: int
    current_only: bool = False  # no fromTime: the snapshot is the current candle alone
    wants_snapshot: bool = True
    live_time: int | None = None
    live_row: tuple[object, ...] | None = field(default=None, repr=False)

    def restart(self) -> None:
        self.wants_snapshot = True
        self.live_time = None
        self.live_row = None

    def _history(self, market: MarketView, from_ms: int, now_ms: int) -> list[Any]:
        """The market's candles up to now, one per start time (a later row replaces an earlier one)."""
        try:
            rows = market.candles(self.base, self.period, self.rth_only, from_ms, now_ms)
        except (ValueError, KeyError) as exc:
            log.info("no candles for %s: %s", self.symbol, exc)
            return []
        by_time = {t: c for c in rows if (t := int(c.time)) <= now_ms}
        times = list(by_time)
        if len(times) != len(rows) or any(a >= b for a, b in pairwise(times)):
            log.debug("market candles for %s: duplicate, unordered or future rows dropped", self.symbol)
            return [by_time[t] for t in sorted(times)]
        return list(by_time.values())

    def pending_events(self, market: MarketView, now_ms: int) -> Iterator[dict[str, object]]:
        """The events to send now: the whole snapshot once (lazily), then changed live candles."""
        if self.wants_snapshot:
            self.wants_snapshot = False
            period_ms = self.period.ms
            if self.current_only:
                lookback = (period_ms or _CALENDAR_LOOKBACK_MS) * 3
                history = self._history(market, now_ms - lookback, now_ms)[-1:]
                self.from_ms = int(history[0].time) if history else now_ms
            else:
                ask_from = self.from_ms
                if period_ms:
                    span = period_ms * (MAX_SNAPSHOT_CANDLES + 1) * _HISTORY_SPAN_FACTOR
                    ask_from = max(self.from_ms, now_ms - span)
                history = self._history(market, ask_from, now_ms)
            if history and int(history[-1].time) >= self.from_ms:
                newest = candle_values(history[-1])
                self.live_time, self.live_row = int(history[-1].time), _row_key(newest)
            return iter_snapshot(history, self.from_ms)
        since = self.live_time if self.live_time is not None else self.from_ms
        updates = []
        for candle in self._history(market, max(since, self.from_ms), now_ms):
            values = candle_values(candle)
            time_ms = int(candle.time)
            if self.live_time is not None and time_ms < self.live_time:
                continue
            key = _row_key(values)
            if time_ms == self.live_time and key == self.live_row:
                continue
            updates.append(values)
            self.live_time, self.live_row = time_ms, key
        return iter(updates)


def open_candle_subscription(
    symbol: str, from_time: object, market: MarketView, now_ms: int
) -> CandleSubscription | None:
    """A subscription for a candle symbol, or None (stay silent) when it cannot be served."""
    try:
        parsed = parse_candle_symbol(symbol)
    except ValueError:
        return None
    if parsed.period.unit not in _TIME_UNITS or market.resolve(parsed.base) is None:
        return None
    given = (
        isinstance(from_time, int | float) and not isinstance(from_time, bool) and math.isfinite(from_time)
    )
    return CandleSubscription(
        requested=symbol,
        symbol=parsed.normalized,
        base=parsed.base,
        period=parsed.period,
        rth_only=bool(parsed.tho),
        from_ms=max(0, int(from_time)) if given else now_ms,  # type: ignore[call-overload]
        current_only=not given,
    )


def _time_of(candle: Any) -> int:
    return int(candle.time)


def _row_key(values: dict[str, object]) -> tuple[object, ...]:
    """Comparable candle values (NaN compares equal to NaN here)."""
    key = [values.get(name) for name, _ in _VALUE_ATTRS]
    return (*(None if v != v else v for v in key), values.get("count"))
