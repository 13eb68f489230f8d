"""FEED_DATA decoding: COMPACT and FULL, positional by the latest FEED_CONFIG field order.

The hot path (COMPACT) never touches a record in Python code: the frame text has its
``"NaN"``/``"Infinity"`` strings turned into JSON constants before ``json.loads`` (so they parse
straight to floats), records are cut from the flat value list with ``zip`` and become event
tuples with ``tuple.__new__``; a field order that differs from ours goes through one
``itemgetter`` per record. Frames with escapes in them (where that text substitution would not be
safe) take a slower path that fixes the special numbers per field.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Iterable
from itertools import repeat
from operator import itemgetter
from typing import Any

from desktop.api.dxlink.events import EVENT_CLASSES, INT_FIELDS, STRING_FIELDS, WIRE_FIELDS

log = logging.getLogger(__name__)

_loads = json.loads
_tuple_new = tuple.__new__
_NAN = float("nan")
_SPECIALS = {"NaN": _NAN, "Infinity": math.inf, "-Infinity": -math.inf}

EventBatch = tuple[str, list[tuple]]


def parse_frame(text: str) -> tuple[dict[str, Any], bool]:
    """Parse one DXLink text frame.

    Returns the message and whether special doubles were already turned into floats (False only
    for frames containing escapes, whose numbers the decoder then fixes field by field).
    """
    if "\\" in text:
        return _loads(text), False
    if '"NaN"' in text:
        text = text.replace('"NaN"', "NaN")
    if 'Infinity"' in text:
        text = text.replace('"Infinity"', "Infinity").replace('"-Infinity"', "-Infinity")
    return _loads(text), True


def _as_number(value: Any) -> Any:
    """A wire number that may be a special-double string, as a float (unknown text: NaN)."""
    if isinstance(value, str):
        return _SPECIALS.get(value, _NAN)
    return _NAN if value is None else value


def _as_text(value: Any) -> Any:
    """A wire string that the NaN substitution may have turned into a float, back as text."""
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
    return value


class TypeDecoder:
    """Decodes one event type's records for one announced field list."""

    __slots__ = ("_cls", "_defaults", "_getter", "_number_slots", "_text_slots", "event_type", "width")

    def __init__(self, event_type: str, announced: Iterable[str] | None = None) -> None:
        self.event_type = event_type
        self._cls = EVENT_CLASSES[event_type]
        ours = WIRE_FIELDS[event_type]
        fields = tuple(announced) if announced else ours
        self.width = len(fields)
        lowered = [f.lower() for f in fields]
        positions: list[int] = []
        defaults: list[Any] = []
        for name in ours:
            try:
                positions.append(lowered.index(name.lower()))
            except ValueError:
                positions.append(self.width + len(defaults))
                defaults.append(_default_for(event_type, name))
        if "eventsymbol" not in lowered:
            log.warning(
                "DXLink announced %s fields without eventSymbol; events cannot be matched", event_type
            )
        self._defaults = tuple(defaults)
        if positions == list(range(len(ours))) and self.width == len(ours):
            self._getter = None  # the announced order is ours: records are events as they are
        else:
            self._getter = itemgetter(*positions)
        text = STRING_FIELDS.get(event_type, frozenset())
        self._text_slots = tuple(i for i, name in enumerate(ours) if name in text)
        self._number_slots = tuple(i for i, name in enumerate(ours) if i > 0 and name not in text)

    def compact(self, values: list[Any], converted: bool) -> list[tuple]:
        """Events from a COMPACT flat value list (any number of records)."""
        width = self.width
        extra = len(values) % width
        if extra:
            log.warning(
                "DXLink %s data has %d values, not a multiple of %d fields; dropping the tail",
                self.event_type,
                len(values),
                width,
            )
            del values[len(values) - extra :]
        records: Iterable[tuple] = zip(*[iter(values)] * width, strict=False)
        if self._getter is not None:
            if self._defaults:
                records = map(tuple.__add__, records, repeat(self._defaults))
            records = map(self._getter, records)
        events = list(map(_tuple_new, repeat(self._cls), records))
        if not converted or self._text_slots:
            events = self._fixed(events, converted)
        return events

    def full(self, objects: list[dict[str, Any]], converted: bool) -> list[tuple]:
        """Events from FULL objects of this type (empty fields may be omitted)."""
        ours = WIRE_FIELDS[self.event_type]
        keys = [name.lower() for name in ours]
        defaults = [_default_for(self.event_type, name) for name in ours]
        cls = self._cls
        events = []
        for obj in objects:
            lowered = {k.lower(): v for k, v in obj.items()}
            events.append(_tuple_new(cls, [lowered.get(k, d) for k, d in zip(keys, defaults, strict=True)]))
        if not converted or self._text_slots:
            events = self._fixed(events, converted)
        return events

    def _fixed(self, events: list[tuple], converted: bool) -> list[tuple]:
        cls = self._cls
        out = []
        for event in events:
            values = list(event)
            for i in self._text_slots:
                values[i] = _as_text(values[i])
            if not converted:
                for i in self._number_slots:
                    if values[i].__class__ is not float:
                        values[i] = _as_number(values[i])
            out.append(_tuple_new(cls, values))
        return out


def _default_for(event_type: str, wire_name: str) -> Any:
    if wire_name == "eventSymbol" or wire_name in STRING_FIELDS.get(event_type, ()):
        return None
    return 0 if wire_name in INT_FIELDS else _NAN


class ChannelFeed:
    """One FEED channel's configuration (latest FEED_CONFIG) and its decoders."""

    __slots__ = ("_decoders", "aggregation_period", "data_format", "fields")

    def __init__(self) -> None:
        self.data_format = "COMPACT"
        self.aggregation_period: float | None = None
        self.fields: dict[str, tuple[str, ...]] = {}
        self._decoders: dict[str, TypeDecoder] = {}

    def configure(self, message: dict[str, Any]) -> None:
        """Apply a FEED_CONFIG: absent keys keep their previous values; eventFields merge per type."""
        fmt = message.get("dataFormat")
        if fmt:
            if fmt != self.data_format:
                log.info("DXLink feed data format is now %s", fmt)
            self.data_format = fmt
        period = message.get("aggregationPeriod")
        if period is not None:
            self.aggregation_period = period
        for event_type, names in (message.get("eventFields") or {}).items():
            names = tuple(names)
            if self.fields.get(event_type) != names:
                self.fields[event_type] = names
                self._decoders.pop(event_type, None)

    def decoder(self, event_type: str) -> TypeDecoder | None:
        decoder = self._decoders.get(event_type)
        if decoder is None:
            if event_type not in EVENT_CLASSES:
                return None
            decoder = TypeDecoder(event_type, self.fields.get(event_type))
            self._decoders[event_type] = decoder
        return decoder

    def decode(self, data: list[Any], converted: bool = True) -> list[EventBatch]:
        """Event batches (one per event type) of one FEED_DATA ``data`` array, COMPACT or FULL.

        The shape is recognised from the data itself, so a FULL frame that overtakes its
        FEED_CONFIG (or the other way round) still decodes.
        """
        if not data:
            return []
        if isinstance(data[0], dict):
            return self._decode_full(data, converted)
        batches: list[EventBatch] = []
        for i in range(0, len(data) - 1, 2):
            event_type, values = data[i], data[i + 1]
            decoder = self.decoder(event_type)
            if decoder is None:
                continue
            events = decoder.compact(values, converted)
            if events:
                batches.append((event_type, events))
        return batches

    def _decode_full(self, objects: list[dict[str, Any]], converted: bool) -> list[EventBatch]:
        by_type: dict[str, list[dict[str, Any]]] = {}
        for obj in objects:
            by_type.setdefault(obj.get("eventType", ""), []).append(obj)
        batches: list[EventBatch] = []
        for event_type, group in by_type.items():
            decoder = self.decoder(event_type)
            if decoder is not None:
                batches.append((event_type, decoder.full(group, converted)))
        return batches
