"""Text for numbers, money, quantities and times as the tables and panels show them.

Pure functions (no Qt). ``None`` and NaN always render as an empty cell: a missing number is
shown as missing, never as zero.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

Number = Decimal | float | int

_DASH = ""


def _missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value) or math.isinf(value)
    if isinstance(value, Decimal):
        return not value.is_finite()
    return False


def _fixed(value: Number, places: int) -> str:
    if isinstance(value, Decimal):
        try:
            q = value.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:
            q = value
        return f"{q:,.{places}f}"
    return f"{float(value):,.{places}f}"


def money(value: Number | None, places: int = 2) -> str:
    """``1234.5`` -> ``"1,234.50"``; negatives keep their minus sign."""
    return _DASH if _missing(value) else _fixed(value, places)  # type: ignore[arg-type]


def signed_money(value: Number | None, places: int = 2) -> str:
    """Like :func:`money` with an explicit ``+`` on gains (P/L columns)."""
    if _missing(value):
        return _DASH
    text = _fixed(value, places)  # type: ignore[arg-type]
    return text if text.startswith("-") or float(value) == 0 else "+" + text  # type: ignore[arg-type]


def price(value: Number | None) -> str:
    """Prices with two decimals, or four under 1.00 when the value needs them (penny options)."""
    if _missing(value):
        return _DASH
    v = float(value)  # type: ignore[arg-type]
    places = 2
    if abs(v) < 1:
        places = 4 if round(abs(v) * 100, 6) != round(abs(v) * 100) else 2
    return _fixed(value, places)  # type: ignore[arg-type]


def quantity(value: Number | None) -> str:
    """Whole quantities without decimals; fractional shares keep up to four places."""
    if _missing(value):
        return _DASH
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    if d == d.to_integral_value():
        return f"{int(d):,}"
    return f"{d.normalize():,f}"


def percent(fraction: Number | None, places: int = 1) -> str:
    """A fraction as a percentage: ``0.2231`` -> ``"22.3%"``."""
    if _missing(fraction):
        return _DASH
    return f"{float(fraction) * 100:.{places}f}%"  # type: ignore[arg-type]


def signed_percent(fraction: Number | None, places: int = 2) -> str:
    if _missing(fraction):
        return _DASH
    v = float(fraction) * 100  # type: ignore[arg-type]
    return f"{v:+.{places}f}%"


def greek(value: Number | None, places: int = 2) -> str:
    return _DASH if _missing(value) else f"{float(value):,.{places}f}"  # type: ignore[arg-type]


def integer(value: int | None) -> str:
    return _DASH if value is None else f"{value:,}"


def local_datetime(value: datetime | None) -> str:
    """A timezone-aware time in the user's local zone, to the second."""
    if value is None:
        return _DASH
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def local_time(value: datetime | None) -> str:
    return _DASH if value is None else value.astimezone().strftime("%H:%M:%S")


def iso_date(value: date | None) -> str:
    return _DASH if value is None else value.isoformat()


def age(seconds: float | None) -> str:
    """How long ago, compactly: ``0.4 s``, ``12 s``, ``3 min``, ``2 h``."""
    if seconds is None or _missing(seconds):
        return "never"
    if seconds < 10:
        return f"{max(seconds, 0.0):.1f} s"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def tone(value: Number | None) -> str | None:
    """The colour role of a signed amount: ``"positive"``, ``"negative"`` or ``None`` (flat/missing)."""
    if _missing(value):
        return None
    v = float(value)  # type: ignore[arg-type]
    if v > 0:
        return "positive"
    if v < 0:
        return "negative"
    return None


def describe_symbol(symbol: str) -> str:
    """A person's name for a REST symbol: ``"AAPL  260515C00190000"`` -> ``"AAPL 15 May 26 190 C"``."""
    from desktop.core.symbols import InstrumentType, instrument_type_of, parse_occ

    try:
        if instrument_type_of(symbol) is InstrumentType.EQUITY_OPTION:
            occ = parse_occ(symbol)
            strike = format(occ.strike.normalize(), "f")
            return f"{occ.root} {occ.expiration:%d %b %y} {strike} {occ.option_type}"
    except ValueError:
        pass
    return symbol.strip()


def action_short(action: str) -> str:
    """``"Buy to Open"`` -> ``"BTO"``; ``"Buy"`` -> ``"Buy"`` (futures/crypto keep the word)."""
    words = action.split()
    return "".join(w[0].upper() for w in words) if len(words) == 3 else action
