"""Shared field formats of option symbols: strikes, YYMMDD dates, C/P."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

__all__ = ["check_option_type", "format_strike", "parse_strike", "parse_yymmdd"]


def format_strike(strike: Decimal) -> str:
    """Strike in plain notation without trailing zeros: ``500``, ``12.5``, ``1.225``."""
    text = format(strike.normalize(), "f")
    return text


def parse_strike(text: str, source: str) -> Decimal:
    """A positive decimal strike; ``source`` (the whole symbol) goes into the error message."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"bad strike {text!r} in {source!r}") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"bad strike {text!r} in {source!r}")
    return value


def parse_yymmdd(text: str, source: str) -> date:
    """``YYMMDD`` (years 2000-2099) as a date."""
    try:
        return date(2000 + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise ValueError(f"bad expiration date {text!r} in {source!r} (expected YYMMDD)") from None


def check_option_type(option_type: str) -> str:
    """``C`` or ``P``, else ``ValueError``."""
    if option_type not in ("C", "P"):
        raise ValueError(f"option type must be 'C' or 'P', not {option_type!r}")
    return option_type
