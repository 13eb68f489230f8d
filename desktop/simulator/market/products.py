"""The kinds of things the exchange lists: core paths, underlyings, futures products, crypto.

Reference-data records only; the actual universe is in ``universe``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Hours = Literal["equity", "index", "futures", "crypto"]


@dataclass(frozen=True)
class CorePath:
    """A seeded random walk that instruments follow."""

    name: str
    ref_price: float  # mean-reversion level (log space), so prices stay realistic any year
    vol: float  # annualised
    corr: float  # correlation with the market factor (the S&P core)
    hours: Hours  # when it moves in history
    half_life_days: float = 540.0


@dataclass(frozen=True)
class Underlying:
    """A tradable (or index) underlying quoted on the feed."""

    symbol: str  # REST symbol == streamer symbol for equities/indices
    kind: Literal["Equity", "Index"]
    description: str
    path: str  # CorePath name
    ratio: float = 1.0  # price = path level * ratio
    hours: Hours = "equity"
    is_etf: bool = False
    listed_market: str = "XNAS"
    dividend_yield: float = 0.0
    beta: float = 1.0
    shares: float = 1e9
    eps: float = 0.0
    optionable: bool = True
    option_roots: tuple[str, ...] = ()  # () = the symbol itself
    penny_options: bool = False  # penny increments for every option price
    dailies: bool = False  # Mon/Wed/Fri expirations besides weekly Fridays
    liquidity: int = 3  # 1..5
    iv_premium: float = 1.08  # implied over realised vol
    skew: float = -0.12  # smile slope (negative: puts richer)
    sector: str = ""


@dataclass(frozen=True)
class FutureProduct:
    """A futures product (``/ES``); contracts are listed by ``chains.futures_contracts``."""

    code: str
    description: str
    path: str
    ratio: float
    exchange: str  # CME, NYMEX, COMEX
    streamer_exchange: str  # XCME, XNYM, XCEC
    multiplier: float
    tick_size: float
    listed_months: str  # month codes
    active_count: int
    carry_rate: float  # annual carry (price of month = spot * exp(carry * T))
    initial_margin: float  # per contract, USD
    product_group: str
    market_sector: str
    product_type: str  # Financial | Physical
    cash_settled: bool
    expiry_rule: Literal["third-friday", "cl", "gc"]
    option_tick_sizes: tuple[tuple[float, float | None], ...] = ((0.05, 5.0), (0.25, None))
    etf_equivalent: tuple[str, int] | None = None
    has_options: bool = False
    exchange_fee: float = 1.38  # per contract, charged as a regulatory fee
    description_short: str = ""


@dataclass(frozen=True)
class CryptoPair:
    """A cryptocurrency pair traded 24/7."""

    symbol: str  # BTC/USD
    description: str
    short_description: str
    path: str
    instrument_id: int
    tick_size: float = 0.01
    quantity_precision: int = 8


@dataclass(frozen=True)
class Universe:
    """Everything the exchange lists."""

    cores: dict[str, CorePath] = field(default_factory=dict)
    underlyings: dict[str, Underlying] = field(default_factory=dict)
    futures: dict[str, FutureProduct] = field(default_factory=dict)
    crypto: dict[str, CryptoPair] = field(default_factory=dict)
