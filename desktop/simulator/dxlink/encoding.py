"""DXLink value and message encoding: COMPACT rows, FULL objects, special doubles.

Values follow dxlink.md section 4.3: ``NaN``/``Infinity``/``-Infinity`` travel as strings,
doubles print like Java's ``Double.toString`` (``100.0``; ``1.3743299E7`` and ``5.0E-4`` outside
``[1e-3, 1e7)``), integers stay integers, missing strings are ``null`` in COMPACT rows and left out
of FULL objects. The hot path is :meth:`EventEncoder.row`: one pre-built plan per
(event type, field list), flat lists handed to ``json.dumps`` in one go.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

from desktop.simulator.dxlink.fields import Kind, ResolvedField

NAN: Final = "NaN"
_INF = math.inf
_JAVA_MARK: Final = "\x01"
_JAVA_MARK_RE: Final = re.compile(r'"\\u0001([-0-9.E]+)"')
_dumps = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode

# Planned field sources (small ints are faster to compare than strings in the row loop).
_SRC_TYPE, _SRC_SYMBOL, _SRC_UNKNOWN, _SRC_DOUBLE, _SRC_INT, _SRC_STR, _SRC_BOOL = range(7)
_SRC_OF_KIND: Final[dict[Kind, int]] = {"D": _SRC_DOUBLE, "N": _SRC_INT, "S": _SRC_STR, "B": _SRC_BOOL}


def java_double(value: float) -> str:
    """Format a finite float the way Java's ``Double.toString`` does (shortest digits)."""
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        text = repr(value)
        return text if ("." in text or "e" in text or "n" in text) else text + ".0"
    sign, digits, exponent = Decimal(repr(value)).as_tuple()
    digit_text = "".join(map(str, digits)).rstrip("0") or "0"
    sci_exponent = len(digits) + int(exponent) - 1
    mantissa = digit_text[0] + "." + (digit_text[1:] or "0")
    return f"{'-' if sign else ''}{mantissa}E{sci_exponent}"


def encode_double(value: object) -> object:
    """A JSONDouble value: special floats as strings, Java notation at extreme magnitudes.

    ``None`` (no value) becomes ``"NaN"``; ints become floats (``100`` -> ``100.0``).
    """
    if value is None:
        return NAN
    if value.__class__ is not float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value
        value = float(value)
    if value != value:
        return NAN
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    magnitude = value if value > 0 else -value
    if magnitude >= 1e7 or (magnitude < 1e-3 and value != 0.0):
        return _JAVA_MARK + java_double(value)  # type: ignore[arg-type]
    return value


def encode_int(value: object) -> object:
    """An integer-valued number: missing or non-finite values become ``0``."""
    if value is None:
        return 0
    if value.__class__ is float:
        return int(value) if math.isfinite(value) else 0  # type: ignore[arg-type]
    return value


def dumps(message: Mapping[str, Any] | list[Any]) -> str:
    """Compact JSON for the wire, with Java-formatted doubles spliced in as bare numbers."""
    text = _dumps(message)
    if "\\u0001" in text:
        text = _JAVA_MARK_RE.sub(r"\1", text)
    return text


class EventEncoder:
    """Turns model values into COMPACT rows or FULL objects for one event type and field list."""

    __slots__ = ("_plan", "event_type", "fields", "names")

    def __init__(self, event_type: str, fields: tuple[ResolvedField, ...]) -> None:
        self.event_type = event_type
        self.fields = fields
        self.names: tuple[str, ...] = tuple(f.requested for f in fields)
        plan: list[tuple[int, str | None]] = []
        for f in fields:
            if f.canonical == "eventType":
                plan.append((_SRC_TYPE, None))
            elif f.canonical == "eventSymbol":
                plan.append((_SRC_SYMBOL, None))
            elif f.canonical is None:
                plan.append((_SRC_UNKNOWN, None))
            else:
                plan.append((_SRC_OF_KIND[f.kind], f.canonical))
        self._plan = tuple(plan)

    def row(self, symbol: str, values: Mapping[str, object]) -> list[object]:
        """One event's values in field order (COMPACT record)."""
        out: list[object] = []
        append = out.append
        get = values.get
        etype = self.event_type
        for src, name in self._plan:
            if src == _SRC_DOUBLE:
                v = get(name)  # type: ignore[arg-type]
                if (
                    v.__class__ is float
                    and v == v
                    and -1e7 < v < 1e7
                    and (v >= 1e-3 or v <= -1e-3 or v == 0.0)
                ):  # type: ignore[operator]
                    append(v)
                else:
                    append(encode_double(v))
            elif src == _SRC_INT:
                v = get(name)  # type: ignore[arg-type]
                append(v if v.__class__ is int else encode_int(v))
            elif src == _SRC_SYMBOL:
                append(symbol)
            elif src == _SRC_TYPE:
                append(etype)
            elif src == _SRC_STR:
                append(get(name))  # type: ignore[arg-type]
            elif src == _SRC_BOOL:
                append(bool(get(name, False)))  # type: ignore[arg-type]
            else:
                append(NAN)
        return out


def feed_data_compact(channel: int, event_type: str, flat_values: list[object]) -> str:
    """A COMPACT ``FEED_DATA`` message text with one event type."""
    return dumps({"type": "FEED_DATA", "channel": channel, "data": [event_type, flat_values]})


def feed_data_full(channel: int, events: list[dict[str, object]]) -> str:
    """A FULL ``FEED_DATA`` message text (a list of event objects)."""
    return dumps({"type": "FEED_DATA", "channel": channel, "data": events})
