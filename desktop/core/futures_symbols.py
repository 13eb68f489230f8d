"""Futures and future-option symbology (re-exported by ``desktop.core.symbols``).

``/ESZ4`` trades, ``/ESZ24:XCME`` streams; ``./ESU3 EW4N3 230728C3990`` trades,
``./EW4N23C3990:XCME`` streams.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.core.symbol_fields import check_option_type, format_strike, parse_strike, parse_yymmdd

__all__ = [
    "DEFAULT_FUTURES_EXCHANGES",
    "MONTH_CODES",
    "FutureOptionSymbol",
    "FutureSymbol",
    "default_exchange_code",
    "future_option_to_streamer",
    "future_to_streamer",
    "month_code",
    "month_from_code",
    "parse_future",
    "parse_future_option",
    "parse_streamer_future_option",
    "streamer_to_future",
]

MONTH_CODES = "FGHJKMNQUVXZ"

# Streamer exchange codes of commonly traded futures products; the instruments endpoints
# (`streamer-exchange-code`) are the authority, this only fills in when none is given.
DEFAULT_FUTURES_EXCHANGES: dict[str, str] = {
    **dict.fromkeys(
        ("ES", "MES", "NQ", "MNQ", "RTY", "M2K", "6A", "6B", "6C", "6E", "6J", "6S", "LE", "HE", "BTC"),
        "XCME",
    ),
    **dict.fromkeys(("YM", "MYM", "ZB", "ZN", "ZF", "ZT", "UB", "ZC", "ZS", "ZW", "ZM", "ZL"), "XCBT"),
    **dict.fromkeys(("CL", "MCL", "NG", "RB", "HO", "PL", "PA"), "XNYM"),
    **dict.fromkeys(("GC", "MGC", "SI", "SIL", "HG", "1OZ"), "XCEC"),
}

# ---------------------------------------------------------------------------------------------
# Futures
# ---------------------------------------------------------------------------------------------


def month_code(month: int) -> str:
    """Futures month letter: 1 -> ``F`` ... 12 -> ``Z``."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1-12, not {month}")
    return MONTH_CODES[month - 1]


def month_from_code(code: str) -> int:
    """Futures month letter -> month number: ``Z`` -> 12."""
    index = MONTH_CODES.find(code.upper()) if len(code) == 1 else -1
    if index < 0:
        raise ValueError(f"not a futures month code: {code!r} (one of {MONTH_CODES})")
    return index + 1


def _resolve_year(digits: str, today: date | None, *, nearest: bool = False) -> int:
    """A 2-digit year is 20YY; a 1-digit year takes the decade that puts it closest to
    ``today`` but never more than a year in the past (``nearest=True``: simply closest)."""
    if len(digits) == 2:
        return 2000 + int(digits)
    anchor = (today or date.today()).year
    base = anchor - anchor % 10 + int(digits)
    candidates = (base - 10, base, base + 10)
    if nearest:
        return min(candidates, key=lambda y: abs(y - anchor))
    return min(y for y in candidates if y >= anchor - 1)


_FUTURE = re.compile(r"/?([A-Z0-9]{1,5}?)([FGHJKMNQUVXZ])(\d{1,2})(?::([A-Z0-9]+))?")


@dataclass(frozen=True)
class FutureSymbol:
    """A futures contract: product code, contract month and full year (``/ESZ4``)."""

    product_code: str
    month: int
    year: int

    def __post_init__(self) -> None:
        month_code(self.month)
        if not 2000 <= self.year <= 2099:
            raise ValueError(f"futures year out of range: {self.year}")

    @property
    def symbol(self) -> str:
        """Trading symbol with a 1-digit year: ``/ESZ4``."""
        return f"/{self.product_code}{month_code(self.month)}{self.year % 10}"

    def streamer(self, exchange_code: str) -> str:
        """DXLink symbol with a 2-digit year and exchange: ``/ESZ24:XCME``."""
        return f"/{self.product_code}{month_code(self.month)}{self.year % 100:02d}:{exchange_code}"


def parse_future(symbol: str, today: date | None = None) -> FutureSymbol:
    """Parse ``/ESZ4``, ``/ESZ24``, ``/ESZ24:XCME`` or ``ESZ4``.

    A 1-digit year resolves to the decade nearest ``today`` (default: the current date),
    never more than about a year in the past.
    """
    m = _FUTURE.fullmatch(symbol.strip())
    if not m:
        raise ValueError(f"not a futures symbol: {symbol!r} (expected e.g. '/ESZ4' or '/ESZ24:XCME')")
    return FutureSymbol(m.group(1), month_from_code(m.group(2)), _resolve_year(m.group(3), today))


def future_to_streamer(symbol: str, exchange_code: str | None = None, today: date | None = None) -> str:
    """``/ESU3`` -> ``/ESU23:XCME``; without ``exchange_code`` a known product's default is used."""
    future = parse_future(symbol, today)
    return future.streamer(exchange_code or default_exchange_code(future.product_code, symbol))


def streamer_to_future(symbol: str) -> str:
    """``/ESU23:XCME`` -> ``/ESU3``."""
    if ":" not in symbol:
        raise ValueError(f"not a streamer futures symbol: {symbol!r} (expected e.g. '/ESU23:XCME')")
    return parse_future(symbol).symbol


def default_exchange_code(product_code: str, symbol: str = "") -> str:
    """The usual streamer exchange code of a futures product (``ES`` -> ``XCME``)."""
    try:
        return DEFAULT_FUTURES_EXCHANGES[product_code]
    except KeyError:
        raise ValueError(
            f"no streamer exchange code known for {symbol or product_code!r}; "
            "pass the instrument's streamer-exchange-code"
        ) from None


# ---------------------------------------------------------------------------------------------
# Future options
# ---------------------------------------------------------------------------------------------

_FUTURE_OPTION = re.compile(r"\./([A-Z0-9]{2,7})\s+([A-Z0-9]{2,8})\s+(\d{6})([CP])(\d+(?:\.\d+)?)")
_STREAMER_FUTURE_OPTION = re.compile(
    r"\./([A-Z0-9]{1,6}?)([FGHJKMNQUVXZ])(\d{2})([CP])(\d+(?:\.\d+)?):([A-Z0-9]+)"
)
_CONTRACT = re.compile(r"([A-Z0-9]{1,6}?)([FGHJKMNQUVXZ])(\d)")


@dataclass(frozen=True)
class FutureOptionSymbol:
    """An option on a future: ``./ESU3 EW4N3 230728C3990``.

    ``future`` is the underlying's trading symbol (``/ESU3``), ``option_contract`` the option
    contract code with a 1-digit year (``EW4N3``).
    """

    future: str
    option_contract: str
    expiration: date
    option_type: str
    strike: Decimal

    def __post_init__(self) -> None:
        check_option_type(self.option_type)
        if not self.future.startswith("/"):
            object.__setattr__(self, "future", "/" + self.future)
        if not _CONTRACT.fullmatch(self.option_contract):
            raise ValueError(f"not a future-option contract code: {self.option_contract!r} (e.g. 'EW4N3')")

    @property
    def symbol(self) -> str:
        """The trading symbol; the contract code is padded to 5 characters, as Tastytrade does
        (``./GCQ5 OGN5  250625P2095``)."""
        return (
            f".{self.future} {self.option_contract:<5} "
            f"{self.expiration:%y%m%d}{self.option_type}{format_strike(self.strike)}"
        )

    @property
    def is_call(self) -> bool:
        return self.option_type == "C"

    def streamer(self, exchange_code: str) -> str:
        """DXLink symbol: ``./`` contract with a 2-digit year, C/P, strike, ``:`` exchange."""
        m = _CONTRACT.fullmatch(self.option_contract)
        assert m is not None
        year = _resolve_year(m.group(3), self.expiration, nearest=True)
        return (
            f"./{m.group(1)}{m.group(2)}{year % 100:02d}{self.option_type}"
            f"{format_strike(self.strike)}:{exchange_code}"
        )


def parse_future_option(symbol: str) -> FutureOptionSymbol:
    """Parse ``./ESU3 EW4N3 230728C3990`` (any run of spaces between the fields)."""
    m = _FUTURE_OPTION.fullmatch(symbol.strip())
    if not m:
        raise ValueError(f"not a future-option symbol: {symbol!r} (expected e.g. './ESU3 EW4N3 230728C3990')")
    parse_future(m.group(1))  # validates the underlying's shape
    return FutureOptionSymbol(
        "/" + m.group(1),
        m.group(2),
        parse_yymmdd(m.group(3), symbol),
        m.group(4),
        parse_strike(m.group(5), symbol),
    )


def future_option_to_streamer(symbol: str, exchange_code: str | None = None) -> str:
    """``./ESU3 EW4N3 230728C3990`` -> ``./EW4N23C3990:XCME`` (default exchange: the
    underlying product's, when known)."""
    option = parse_future_option(symbol)
    if exchange_code is None:
        exchange_code = default_exchange_code(parse_future(option.future).product_code, symbol)
    return option.streamer(exchange_code)


def parse_streamer_future_option(symbol: str) -> tuple[str, str, Decimal, str]:
    """Split ``./EW4N23C3990:XCME`` into (contract ``EW4N23``, ``C``/``P``, strike, exchange).

    The underlying future and the exact expiration date are not in a streamer symbol, so
    this cannot be turned back into a trading symbol on its own.
    """
    m = _STREAMER_FUTURE_OPTION.fullmatch(symbol.strip())
    if not m:
        raise ValueError(
            f"not a streamer future-option symbol: {symbol!r} (expected e.g. './EW4N23C3990:XCME')"
        )
    contract = m.group(1) + m.group(2) + m.group(3)
    return contract, m.group(4), parse_strike(m.group(5), symbol), m.group(6)
