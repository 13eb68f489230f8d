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
from decimal import Decimal, InvalidOperation
from enum import StrEnum

__all__ = [
    "CRYPTO_EXCHANGE_CODE",
    "DEFAULT_FUTURES_EXCHANGES",
    "MONTH_CODES",
    "FutureOptionSymbol",
    "FutureSymbol",
    "InstrumentType",
    "OccSymbol",
    "crypto_to_streamer",
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


MONTH_CODES = "FGHJKMNQUVXZ"
CRYPTO_EXCHANGE_CODE = "CXTALP"

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

_MAX_STRIKE = Decimal("99999.999")


def format_strike(strike: Decimal) -> str:
    """Strike in plain notation without trailing zeros: ``500``, ``12.5``, ``1.225``."""
    text = format(strike.normalize(), "f")
    return text


def _parse_strike(text: str, source: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"bad strike {text!r} in {source!r}") from None
    if not value.is_finite() or value <= 0:
        raise ValueError(f"bad strike {text!r} in {source!r}")
    return value


def _parse_yymmdd(text: str, source: str) -> date:
    try:
        return date(2000 + int(text[0:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise ValueError(f"bad expiration date {text!r} in {source!r} (expected YYMMDD)") from None


def _check_option_type(option_type: str) -> str:
    if option_type not in ("C", "P"):
        raise ValueError(f"option type must be 'C' or 'P', not {option_type!r}")
    return option_type


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
        _check_option_type(self.option_type)
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
    expiration = _parse_yymmdd(tail.group(1), symbol)
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
        m.group(1), _parse_yymmdd(m.group(2), symbol), m.group(3), _parse_strike(m.group(4), symbol)
    )


def occ_to_streamer(symbol: str) -> str:
    """``SPY   230731C00393000`` -> ``.SPY230731C393``."""
    return parse_occ(symbol).streamer


def streamer_to_occ(symbol: str) -> str:
    """``.SPY230731C393`` -> ``SPY   230731C00393000``."""
    return parse_streamer_option(symbol).occ


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
    return future.streamer(exchange_code or _default_exchange(future.product_code, symbol))


def streamer_to_future(symbol: str) -> str:
    """``/ESU23:XCME`` -> ``/ESU3``."""
    if ":" not in symbol:
        raise ValueError(f"not a streamer futures symbol: {symbol!r} (expected e.g. '/ESU23:XCME')")
    return parse_future(symbol).symbol


def _default_exchange(product_code: str, symbol: str) -> str:
    try:
        return DEFAULT_FUTURES_EXCHANGES[product_code]
    except KeyError:
        raise ValueError(
            f"no streamer exchange code known for {symbol!r}; pass the instrument's streamer-exchange-code"
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
        _check_option_type(self.option_type)
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
        _parse_yymmdd(m.group(3), symbol),
        m.group(4),
        _parse_strike(m.group(5), symbol),
    )


def future_option_to_streamer(symbol: str, exchange_code: str | None = None) -> str:
    """``./ESU3 EW4N3 230728C3990`` -> ``./EW4N23C3990:XCME`` (default exchange: the
    underlying product's, when known)."""
    option = parse_future_option(symbol)
    if exchange_code is None:
        exchange_code = _default_exchange(parse_future(option.future).product_code, symbol)
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
    return contract, m.group(4), _parse_strike(m.group(5), symbol), m.group(6)


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
