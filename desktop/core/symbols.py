"""Tastytrade symbology: OCC options, futures, future options, crypto, REST <-> DXLink streamer.

REST (trading) symbols and DXLink (streamer) symbols differ per instrument type:

=============== ============================== ==========================
instrument      REST symbol                    streamer symbol
=============== ============================== ==========================
equity / index  ``SPY``                        ``SPY``
equity option   ``SPY   230731C00393000``      ``.SPY230731C393``
future          ``/ESU3``                      ``/ESU23:XCME``
future option   ``./ESU3 EW4N3 230728C3990``   ``./EW4N23C3990:XCME``
crypto          ``BTC/USD``                    ``BTC/USD:CXTALP``
=============== ============================== ==========================

Everything here is pure string and date arithmetic; malformed input raises ``ValueError``
with a message that quotes the input and shows an example of the expected shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from desktop.core.futures_symbols import (
    DEFAULT_FUTURES_EXCHANGES,
    MONTH_CODES,
    FutureOptionSymbol,
    FutureSymbol,
    default_exchange_code,
    future_option_to_streamer,
    future_to_streamer,
    month_code,
    month_from_code,
    parse_future,
    parse_future_option,
    parse_streamer_future_option,
    streamer_to_future,
)
from desktop.core.symbol_fields import check_option_type, format_strike, parse_strike, parse_yymmdd

__all__ = [
    "CRYPTO_EXCHANGE_CODE",
    "DEFAULT_FUTURES_EXCHANGES",
    "MONTH_CODES",
    "FutureOptionSymbol",
    "FutureSymbol",
    "InstrumentType",
    "OccSymbol",
    "crypto_to_streamer",
    "default_exchange_code",
    "format_occ",
    "format_strike",
    "from_streamer_symbol",
    "future_option_to_streamer",
    "future_to_streamer",
    "instrument_type_of",
    "month_code",
    "month_from_code",
    "occ_to_streamer",
    "parse_future",
    "parse_future_option",
    "parse_occ",
    "parse_streamer_future_option",
    "parse_streamer_option",
    "streamer_to_crypto",
    "streamer_to_future",
    "streamer_to_occ",
    "to_streamer_symbol",
]


class InstrumentType(StrEnum):
    """The wire's ``instrument-type`` values for the instruments TastyDesk trades."""

    EQUITY = "Equity"
    EQUITY_OPTION = "Equity Option"
    FUTURE = "Future"
    FUTURE_OPTION = "Future Option"
    CRYPTOCURRENCY = "Cryptocurrency"
    INDEX = "Index"


CRYPTO_EXCHANGE_CODE = "CXTALP"

_MAX_STRIKE = Decimal("99999.999")

# ---------------------------------------------------------------------------------------------
# Equity options (OCC)
# ---------------------------------------------------------------------------------------------

_OCC_TAIL = re.compile(r"(\d{6})([CP])(\d{8})")
_ROOT = re.compile(r"[A-Z0-9]{1,6}")
_STREAMER_OPTION = re.compile(r"\.([A-Z0-9]{1,6})(\d{6})([CP])(\d+(?:\.\d+)?)")


@dataclass(frozen=True)
class OccSymbol:
    """An equity (or index) option: ``SPY   260804C00500000`` / ``.SPY260804C500``."""

    root: str
    expiration: date
    option_type: str  # "C" | "P"
    strike: Decimal

    def __post_init__(self) -> None:
        if not _ROOT.fullmatch(self.root):
            raise ValueError(f"option root must be 1-6 letters or digits, not {self.root!r}")
        check_option_type(self.option_type)
        if not isinstance(self.strike, Decimal):
            object.__setattr__(self, "strike", Decimal(str(self.strike)))
        if not (0 < self.strike <= _MAX_STRIKE) or self.strike != self.strike.quantize(Decimal("0.001")):
            raise ValueError(f"strike {self.strike} cannot be written in OCC form (0.001 to 99999.999)")

    @property
    def occ(self) -> str:
        """The 21-character OCC symbol, root padded with spaces to 6."""
        mills = int(self.strike * 1000)
        return f"{self.root:<6}{self.expiration:%y%m%d}{self.option_type}{mills:08d}"

    @property
    def streamer(self) -> str:
        """The DXLink symbol: ``.`` root yymmdd C/P strike without trailing zeros."""
        return f".{self.root}{self.expiration:%y%m%d}{self.option_type}{format_strike(self.strike)}"

    @property
    def is_call(self) -> bool:
        return self.option_type == "C"


def parse_occ(symbol: str) -> OccSymbol:
    """Parse an OCC symbol in padded (``SPY   2608...``), single-space or no-space form."""
    text = symbol.strip()
    tail = _OCC_TAIL.fullmatch(text[-15:]) if len(text) > 15 else None
    root = text[:-15].strip() if tail else ""
    if not tail or not _ROOT.fullmatch(root):
        raise ValueError(f"not an OCC option symbol: {symbol!r} (expected e.g. 'SPY   260804C00500000')")
    expiration = parse_yymmdd(tail.group(1), symbol)
    strike = Decimal(int(tail.group(3))) / 1000
    if strike <= 0:
        raise ValueError(f"bad strike in {symbol!r}")
    return OccSymbol(root, expiration, tail.group(2), strike)


def format_occ(root: str, expiration: date, option_type: str, strike: Decimal) -> str:
    """Build the padded 21-character OCC symbol."""
    return OccSymbol(root, expiration, option_type, Decimal(str(strike))).occ


def parse_streamer_option(symbol: str) -> OccSymbol:
    """Parse a DXLink equity-option symbol such as ``.SPY230731C393`` or ``.XYZ240119C12.5``."""
    m = _STREAMER_OPTION.fullmatch(symbol.strip())
    if not m:
        raise ValueError(f"not a streamer option symbol: {symbol!r} (expected e.g. '.SPY230731C393')")
    return OccSymbol(
        m.group(1), parse_yymmdd(m.group(2), symbol), m.group(3), parse_strike(m.group(4), symbol)
    )


def occ_to_streamer(symbol: str) -> str:
    """``SPY   230731C00393000`` -> ``.SPY230731C393``."""
    return parse_occ(symbol).streamer


def streamer_to_occ(symbol: str) -> str:
    """``.SPY230731C393`` -> ``SPY   230731C00393000``."""
    return parse_streamer_option(symbol).occ


# ---------------------------------------------------------------------------------------------
# Crypto
# ---------------------------------------------------------------------------------------------

_CRYPTO = re.compile(r"[A-Z0-9]{2,10}/[A-Z]{3,4}")


def crypto_to_streamer(symbol: str) -> str:
    """``BTC/USD`` -> ``BTC/USD:CXTALP``."""
    text = symbol.strip()
    if not _CRYPTO.fullmatch(text):
        raise ValueError(f"not a cryptocurrency pair: {symbol!r} (expected e.g. 'BTC/USD')")
    return f"{text}:{CRYPTO_EXCHANGE_CODE}"


def streamer_to_crypto(symbol: str) -> str:
    """``BTC/USD:CXTALP`` -> ``BTC/USD``."""
    base, _, exchange = symbol.strip().partition(":")
    if not _CRYPTO.fullmatch(base) or exchange not in ("", CRYPTO_EXCHANGE_CODE):
        raise ValueError(f"not a streamer crypto symbol: {symbol!r} (expected e.g. 'BTC/USD:CXTALP')")
    return base


# ---------------------------------------------------------------------------------------------
# Any symbol
# ---------------------------------------------------------------------------------------------


def instrument_type_of(symbol: str) -> InstrumentType:
    """Best-effort instrument type from a symbol's shape (REST or streamer form).

    Plain tickers are reported as ``EQUITY``: an index such as ``SPX`` cannot be told apart
    from a stock by its shape alone.
    """
    text = symbol.strip()
    if text.startswith("./"):
        return InstrumentType.FUTURE_OPTION
    if text.startswith("/"):
        return InstrumentType.FUTURE
    if text.startswith("."):
        return InstrumentType.EQUITY_OPTION
    if "/" in text:
        return InstrumentType.CRYPTOCURRENCY
    if len(text) > 15 and _OCC_TAIL.fullmatch(text[-15:]) and _ROOT.fullmatch(text[:-15].strip()):
        return InstrumentType.EQUITY_OPTION
    return InstrumentType.EQUITY


def to_streamer_symbol(
    symbol: str,
    instrument_type: InstrumentType | str | None = None,
    exchange_code: str | None = None,
    today: date | None = None,
) -> str:
    """The DXLink symbol for a REST symbol.

    Futures and future options need the instrument's ``streamer-exchange-code``; when it is
    not given, the product's usual exchange is used if known (else ``ValueError``). ``today``
    anchors 1-digit futures years (see ``parse_future``). A symbol already in streamer form
    is returned unchanged.
    """
    text = symbol.strip()
    kind = InstrumentType(instrument_type) if instrument_type else instrument_type_of(text)
    if kind is InstrumentType.EQUITY_OPTION:
        return text if text.startswith(".") else occ_to_streamer(text)
    if kind is InstrumentType.FUTURE:
        return text if ":" in text else future_to_streamer(text, exchange_code, today)
    if kind is InstrumentType.FUTURE_OPTION:
        return text if ":" in text else future_option_to_streamer(text, exchange_code)
    if kind is InstrumentType.CRYPTOCURRENCY:
        return text if ":" in text else crypto_to_streamer(text)
    return text


def from_streamer_symbol(streamer: str) -> str:
    """The REST symbol for a DXLink symbol.

    Invertible for equities, equity options, futures and crypto. A future-option streamer
    symbol (``./EW4N23C3990:XCME``) names neither the underlying future nor the expiration
    date, so it raises ``ValueError``: look it up in the chain instead.
    """
    text = streamer.strip()
    if text.startswith("./"):
        raise ValueError(
            f"{streamer!r} cannot be turned into a trading symbol on its own; look it up in its chain"
        )
    if text.startswith("/"):
        return streamer_to_future(text)
    if text.startswith("."):
        return streamer_to_occ(text)
    if "/" in text:
        return streamer_to_crypto(text)
    return text
