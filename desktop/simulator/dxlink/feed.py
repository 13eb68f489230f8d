"""One DXLink FEED channel: setup, subscriptions, conflation and outgoing FEED_DATA.

A channel keeps, per event type, the symbols subscribed and the last row it sent for each
(type, symbol). Each flush (at the channel's aggregation period) asks the market for the current
values of the symbols that changed, drops rows equal to what the client already has, and
encodes the rest: one event type per FEED_DATA, chunked, preceded by a FEED_CONFIG whenever
that type's field list or the data format has not been announced yet. Because only the latest
value per (type, symbol) is kept, a slow client never makes memory grow: it just skips values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol

from desktop.simulator.dxlink.candles import CandleSubscription, open_candle_subscription
from desktop.simulator.dxlink.encoding import EventEncoder, dumps, feed_data_compact, feed_data_full
from desktop.simulator.dxlink.fields import (
    PRODUCED_TYPES,
    default_fields,
    merge_field_requests,
    resolve_fields,
)

MIN_AGGREGATION_S = 0.05
MAX_AGGREGATION_S = 60.0
DEFAULT_AGGREGATION_S = 0.1
#: Upper bound of values (records x fields) in one FEED_DATA: ~25-35 KB of JSON.
MAX_VALUES_PER_MESSAGE = 4000
DATA_FORMATS = ("COMPACT", "FULL")
#: Event types sent only when their values differ from the last ones sent (not on every tick).
VALUE_DEDUPED_TYPES = frozenset({"Profile", "Summary", "Trade"})


class MarketView(Protocol):
    """What a feed channel reads from the exchange's market model."""

    def resolve(self, streamer_symbol: str) -> object | None: ...

    def event_fields(
        self, event_type: str, streamer_symbol: str, now_ms: int
    ) -> Mapping[str, object] | None: ...

    def candles(
        self, base_streamer_symbol: str, period: object, rth_only: bool, from_ms: int, now_ms: int
    ) -> list[object]: ...


class FeedProtocolError(ValueError):
    """A client message the channel cannot apply; ``error`` is the DXLink error code."""

    def __init__(self, error: str, message: str) -> None:
        super().__init__(message)
        self.error = error


@dataclass
class FeedChannel:
    """State of one open FEED channel on one connection."""

    channel_id: int
    contract: str = "AUTO"
    aggregation_s: float = DEFAULT_AGGREGATION_S
    data_format: str = "COMPACT"
    requested_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    tickers: dict[str, dict[str, None]] = field(default_factory=dict)
    fresh: set[tuple[str, str]] = field(default_factory=set)
    candle_subs: dict[str, CandleSubscription] = field(default_factory=dict)
    last_rows: dict[tuple[str, str], list[object]] = field(default_factory=dict)
    next_due: float = 0.0
    _encoders: dict[str, EventEncoder] = field(default_factory=dict)
    _announced: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _format_announced: str | None = None

    # ----------------------------------------------------------------- configuration
    def config_message(self, event_types: tuple[str, ...] = ()) -> dict[str, object]:
        """A FEED_CONFIG for this channel, announcing the field lists of ``event_types``."""
        msg: dict[str, object] = {
            "type": "FEED_CONFIG",
            "channel": self.channel_id,
            "dataFormat": self.data_format,
            "aggregationPeriod": self.aggregation_s,
        }
        if event_types:
            fields = {t: list(self.encoder(t).names) for t in event_types}
            msg["eventFields"] = fields
            self._announced.update({t: tuple(names) for t, names in fields.items()})
        self._format_announced = self.data_format
        return msg

    def apply_setup(self, msg: Mapping[str, object]) -> dict[str, object]:
        """Apply a FEED_SETUP and return the immediate FEED_CONFIG (fields follow lazily).

        Nothing is applied when any part is invalid (``FeedProtocolError``).
        """
        period = msg.get("acceptAggregationPeriod")
        if period is not None and (
            isinstance(period, bool) or not isinstance(period, int | float) or period != period
        ):
            raise FeedProtocolError("INVALID_MESSAGE", "acceptAggregationPeriod must be a number of seconds")
        fmt = msg.get("acceptDataFormat")
        if fmt is not None and fmt not in DATA_FORMATS:
            raise FeedProtocolError(
                "INVALID_MESSAGE", f"acceptDataFormat must be COMPACT or FULL, not {fmt!r}"
            )
        table, problems = merge_field_requests(self.requested_fields, msg.get("acceptEventFields"))
        if problems:
            raise FeedProtocolError("INVALID_MESSAGE", "; ".join(problems))
        if period is not None:
            self.aggregation_s = round(min(MAX_AGGREGATION_S, max(MIN_AGGREGATION_S, float(period))), 3)  # type: ignore[arg-type]
        if fmt is not None:
            self.data_format = str(fmt)
        for etype, names in table.items():
            if self.requested_fields.get(etype) != names:
                self._encoders.pop(etype, None)
                if etype == "Candle":
                    self.restart_snapshots()  # a snapshot cut short by the change is sent again whole
        self.requested_fields = table
        return self.config_message()

    def switch_format(self, data_format: str) -> dict[str, object]:
        """Change the data format mid-session (fault knob); the FEED_CONFIG to send first."""
        self.data_format = data_format
        return self.config_message(tuple(self._announced))

    def encoder(self, event_type: str) -> EventEncoder:
        enc = self._encoders.get(event_type)
        if enc is None:
            names = self.requested_fields.get(event_type) or default_fields(event_type)
            enc = EventEncoder(event_type, resolve_fields(event_type, names))
            self._encoders[event_type] = enc
        return enc

    # ----------------------------------------------------------------- subscriptions
    def apply_subscription(self, msg: Mapping[str, object], market: MarketView, now_ms: int) -> int:
        """Apply FEED_SUBSCRIPTION ``reset``/``remove``/``add``; returns the item count.

        Unknown symbols and event types the exchange does not produce are accepted and stay
        silent, as on the real feed.
        """
        items = 0
        if msg.get("reset") is True:
            self.tickers.clear()
            self.fresh.clear()
            self.candle_subs.clear()
            self.last_rows.clear()
        for key in ("remove", "add"):
            entries = msg.get(key)
            if entries is None:
                continue
            if not isinstance(entries, list):
                raise FeedProtocolError("INVALID_MESSAGE", f"FEED_SUBSCRIPTION {key} must be a list")
            for entry in entries:
                etype, symbol = _item(entry, key)
                items += 1
                if key == "remove":
                    self._remove(etype, symbol)
                else:
                    self._add(etype, symbol, entry, market, now_ms)
        return items

    def _add(
        self, etype: str, symbol: str, entry: Mapping[str, object], market: MarketView, now_ms: int
    ) -> None:
        if etype not in PRODUCED_TYPES or symbol == "*":
            return
        if etype == "Candle":
            sub = open_candle_subscription(symbol, entry.get("fromTime"), market, now_ms)
            if sub is not None:
                self.candle_subs[sub.symbol] = sub
            return
        if market.resolve(symbol) is None:
            return
        symbols = self.tickers.setdefault(etype, {})
        if symbol not in symbols:
            symbols[symbol] = None
            self.fresh.add((etype, symbol))

    def _remove(self, etype: str, symbol: str) -> None:
        if etype == "Candle":
            for key, sub in list(self.candle_subs.items()):
                if sub.requested == symbol or sub.symbol == symbol:
                    del self.candle_subs[key]
            return
        symbols = self.tickers.get(etype)
        if symbols is not None and symbols.pop(symbol, 0) is None:
            self.fresh.discard((etype, symbol))
            self.last_rows.pop((etype, symbol), None)

    # ----------------------------------------------------------------- data
    def has_fresh(self) -> bool:
        """True when a new subscription waits for its first event (flushed without delay)."""
        return bool(self.fresh) or any(s.wants_snapshot for s in self.candle_subs.values())

    def restart_snapshots(self) -> None:
        """Send every candle snapshot again (after a re-authorisation, say)."""
        for sub in self.candle_subs.values():
            sub.restart()

    def flush(
        self, market: MarketView, now_ms: int, changed: set[str] | None, fresh_only: bool = False
    ) -> Iterator[str]:
        """Outgoing message texts for this flush: lazy FEED_CONFIGs, then FEED_DATA chunks.

        ``changed`` is the set of streamer symbols whose values moved since the last flush
        (``None``: unknown, check everything). Newly subscribed symbols are always included;
        with ``fresh_only`` nothing else is. Texts are produced lazily, so a configuration
        change made while the previous text was on the wire applies to the next one.
        """
        for etype, symbols in list(self.tickers.items()):
            fresh = [s for (t, s) in self.fresh if t == etype]
            if fresh_only:
                candidates = fresh
            elif changed is None:
                candidates = list(symbols)
            else:
                pick, other = (changed, symbols) if len(changed) < len(symbols) else (symbols, changed)
                candidates = [s for s in pick if s in other]
                candidates += [s for s in fresh if s not in changed]
            self.fresh.difference_update((etype, s) for s in fresh)
            if candidates:
                # The market's change set is trusted for ticker events (a requote with equal prices
                # is still an update); snapshot-like events and trades are only sent when different.
                dedupe = changed is None or fresh_only or etype in VALUE_DEDUPED_TYPES
                yield from self._emit_tickers(etype, candidates, market, now_ms, dedupe)
        for sub in list(self.candle_subs.values()):
            if fresh_only and not sub.wants_snapshot:
                continue
            events = sub.pending_events(market, now_ms)
            enc = self.encoder("Candle")
            step = self._records_per_message(enc)
            while (chunk := list(islice(events, step))) and self.candle_subs.get(sub.symbol) is sub:
                yield from self._emit(
                    enc, [(sub.symbol, enc.row(sub.symbol, v)) for v in chunk], remember=False
                )

    @staticmethod
    def _records_per_message(enc: EventEncoder) -> int:
        return max(1, MAX_VALUES_PER_MESSAGE // max(1, len(enc.names)))

    def _emit_tickers(
        self, etype: str, symbols: list[str], market: MarketView, now_ms: int, dedupe: bool
    ) -> Iterator[str]:
        """Values asked from the market one message's worth at a time, so the event loop gets
        a turn between messages even when thousands of symbols changed."""
        enc = self.encoder(etype)
        step = self._records_per_message(enc)
        event_fields = market.event_fields
        last_rows = self.last_rows
        for start in range(0, len(symbols), step):
            if self._encoders.get(etype) is not enc:
                return  # FEED_SETUP changed this type's fields meanwhile: the next flush resends
            rows = []
            for symbol in symbols[start : start + step]:
                values = event_fields(etype, symbol, now_ms)
                if values is not None:
                    row = enc.row(symbol, values)
                    if not dedupe or last_rows.get((etype, symbol)) != row:
                        rows.append((symbol, row))
            yield from self._emit(enc, rows, remember=True)

    def _emit(self, enc: EventEncoder, rows: list[tuple[str, list[object]]], remember: bool) -> Iterator[str]:
        """One FEED_DATA for ``rows`` (one event type), preceded by a FEED_CONFIG when needed."""
        etype = enc.event_type
        if not rows or self._encoders.get(etype) is not enc:
            return
        if self._announced.get(etype) != enc.names or self._format_announced != self.data_format:
            yield dumps(self.config_message((etype,)))
        if remember:
            self.last_rows.update(((etype, symbol), row) for symbol, row in rows)
        if self.data_format == "FULL":
            names = enc.names
            head = {} if "eventType" in names else {"eventType": etype}  # FULL objects self-describe
            objects = [
                head | {n: v for n, v in zip(names, row, strict=True) if v is not None} for _, row in rows
            ]
            yield feed_data_full(self.channel_id, objects)
        else:
            flat: list[object] = []
            for _, row in rows:
                flat.extend(row)
            yield feed_data_compact(self.channel_id, etype, flat)


def _item(entry: object, key: str) -> tuple[str, str]:
    if not isinstance(entry, dict):
        raise FeedProtocolError("INVALID_MESSAGE", f"FEED_SUBSCRIPTION {key} items must be objects")
    etype, symbol = entry.get("type"), entry.get("symbol")
    if not isinstance(etype, str) or not isinstance(symbol, str) or not symbol:
        raise FeedProtocolError("INVALID_MESSAGE", f"FEED_SUBSCRIPTION {key} items need a type and a symbol")
    return etype, symbol
