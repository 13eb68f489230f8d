"""Lenient wire parsing shared by every model.

Models are frozen dataclasses whose fields declare how they come off the wire
(``cash_balance: Decimal | None = wire(dec)``). :class:`WireModel.from_wire` reads each field
from its kebab-case key (or the snake_case spelling some responses leak), ignores unknown keys,
keeps defaults for missing or unparseable values, and never raises on a surprising payload:
the community SDK's most common bug is crashing on exactly that.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Self

from desktop.core.money import TickSize, to_decimal

log = logging.getLogger(__name__)

Parser = Callable[[Any], Any]
_ABSENT = object()


# --- value parsers (each returns None when the value is absent or unusable) -----------------


def dec(value: Any) -> Decimal | None:
    """Number or string -> ``Decimal``; ``None``, ``""``, ``"NaN"``, infinities and garbage -> ``None``."""
    try:
        return to_decimal(value)
    except ValueError:
        return None


def tick_rules(value: Any) -> tuple[TickSize, ...] | None:
    """Wire ``tick-sizes`` -> ``core.money.TickSize`` rules; unusable entries are skipped."""
    if not isinstance(value, Iterable) or isinstance(value, str | bytes | Mapping):
        return None
    rules = []
    for item in value:
        if not isinstance(item, Mapping):
            continue
        size = dec(item.get("value"))
        if size is not None and size > 0:
            rules.append(TickSize(size, dec(item.get("threshold"))))
    return tuple(rules)


def signed(amount: Any, effect: Any) -> Decimal | None:
    """Magnitude + ``-effect`` -> signed ``Decimal`` (Debit negative, Credit/None positive)."""
    d = dec(amount)
    if d is None:
        return None
    d = abs(d)
    return -d if str(effect or "").strip().lower() == "debit" else d


def integer(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    d = dec(value)
    return int(d) if d is not None and d == d.to_integral_value() else None


def text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        v = value.strip().lower()
        if v in ("true", "yes", "1"):
            return True
        if v in ("false", "no", "0", ""):
            return False
        return None
    if isinstance(value, int):
        return bool(value)
    return None


def timestamp(value: Any) -> datetime | None:
    """ISO-8601 (``Z``, offsets, ``"2023-06-08 13:30:00+00"``) or epoch ms -> aware UTC datetime.

    Epoch ``0`` (dry-run ``updated-at``) and negative numbers (``-1`` = none) give ``None``.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if value <= 0:
            return None
        return datetime.fromtimestamp(value / 1000.0, tz=UTC)
    s = str(value).strip()
    if not s:
        return None
    if s.lstrip("-").isdigit():
        return timestamp(int(s))
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    elif s.endswith(" UTC"):
        s = s[:-4] + "+00:00"
    elif len(s) >= 3 and s[-3] in "+-" and s[-2:].isdigit() and ":" in s[-9:-3]:
        s += ":00"  # "+00" -> "+00:00"
    try:
        dt = datetime.fromisoformat(s)
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def day(value: Any) -> date | None:
    """``"YYYY-MM-DD"`` (or ``"2023-09-15 00:00:00 UTC"``) -> ``date``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        return value.date()
    s = str(value).strip()
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def strings(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(v) for v in value if v is not None)
    return None


def many(model: type[WireModel]) -> Parser:
    """Parser for a list of nested objects; non-objects in the list are skipped."""

    def parse(value: Any) -> tuple[Any, ...] | None:
        if isinstance(value, Mapping):
            value = [value]
        if not isinstance(value, Iterable) or isinstance(value, str | bytes):
            return None
        return tuple(model.from_wire(v) for v in value if isinstance(v, Mapping))

    return parse


def one(model: type[WireModel]) -> Parser:
    """Parser for a nested object."""

    def parse(value: Any) -> Any:
        return model.from_wire(value) if isinstance(value, Mapping) else None

    return parse


# --- field declarations -------------------------------------------------------------------


def wire(parse: Parser, key: str | None = None, *, default: Any = None, signed_by: str | None = None) -> Any:
    """Declare a field read from the wire.

    ``key`` defaults to the field name in kebab-case. ``signed_by`` names the ``-effect``
    sibling that signs a money amount (``signed_by="pending-cash-effect"``); by default a
    field parsed with :func:`signed` uses ``<key>-effect``.
    """
    meta = {"wire_parse": parse, "wire_key": key, "wire_effect": signed_by}
    if isinstance(default, list | dict | set):
        raise TypeError("use an immutable default")
    return field(default=default, metadata=meta)


def raw_field() -> Any:
    """The untouched wire mapping (kept for "Show JSON" views; never compared or printed)."""
    return field(default=None, repr=False, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class _Spec:
    name: str
    key: str
    snake: str
    parse: Parser
    effect_key: str | None


class WireModel:
    """Mixin for frozen dataclasses built from wire mappings."""

    __slots__ = ()
    _wire_specs: ClassVar[dict[type, tuple[tuple[_Spec, ...], bool]]] = {}

    @classmethod
    def _specs(cls) -> tuple[tuple[_Spec, ...], bool]:
        cached = WireModel._wire_specs.get(cls)
        if cached is None:
            all_fields = fields(cls)  # type: ignore[arg-type]
            specs = tuple(_spec(f) for f in all_fields if "wire_parse" in f.metadata)
            cached = (specs, any(f.name == "raw" for f in all_fields))
            WireModel._wire_specs[cls] = cached
        return cached

    @classmethod
    def wire_values(cls, data: Mapping[str, Any]) -> dict[str, Any]:
        """The declared fields found in ``data``, parsed (missing/unusable ones left out)."""
        out: dict[str, Any] = {}
        for s in cls._specs()[0]:
            v = data.get(s.key, _ABSENT)
            if v is _ABSENT:
                v = data.get(s.snake, _ABSENT)
            if v is _ABSENT or v is None:
                continue
            try:
                if s.effect_key is not None:
                    effect = data.get(s.effect_key, data.get(s.effect_key.replace("-", "_")))
                    parsed = signed(v, effect)
                else:
                    parsed = s.parse(v)
            except (ValueError, TypeError, ArithmeticError, AttributeError) as exc:
                log.debug("%s: could not parse %r (%s); using the default", cls.__name__, s.key, exc)
                continue
            if parsed is not None:
                out[s.name] = parsed
        return out

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> Self:
        """Build from a wire mapping; unknown keys are ignored, missing ones keep defaults."""
        if not isinstance(data, Mapping):
            data = {}
        values = cls.wire_values(data)
        if cls._specs()[1]:
            values["raw"] = data
        return cls(**values)


def _spec(f: Field[Any]) -> _Spec:
    key = f.metadata["wire_key"] or f.name.replace("_", "-")
    parse = f.metadata["wire_parse"]
    effect_key = f.metadata["wire_effect"]
    if parse is signed and effect_key is None:
        effect_key = f"{key}-effect"
    if f.default is MISSING and f.default_factory is MISSING:
        raise TypeError(f"wire field {f.name} needs a default")
    return _Spec(f.name, key, key.replace("-", "_"), parse, effect_key)
