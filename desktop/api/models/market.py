# ruff: noqa: RUF009  (wire() returns a dataclasses.field)
"""Market metrics (IV rank, beta, earnings) and the DXLink quote token."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from desktop.api.models._wire import (
    WireModel,
    boolean,
    day,
    dec,
    integer,
    many,
    one,
    text,
    timestamp,
    wire,
)


@dataclass(frozen=True, slots=True)
class ExpirationVolatility(WireModel):
    expiration_date: date | None = wire(day)
    option_chain_type: str = wire(text, default="")
    settlement_type: str = wire(text, default="")
    implied_volatility: Decimal | None = wire(dec)


@dataclass(frozen=True, slots=True)
class Earnings(WireModel):
    expected_report_date: date | None = wire(day)
    estimated: bool = wire(boolean, default=False)
    quarter_end_date: date | None = wire(day)
    actual_eps: Decimal | None = wire(dec)
    consensus_estimate: Decimal | None = wire(dec)


@dataclass(frozen=True, slots=True)
class MarketMetrics(WireModel):
    """``/market-metrics`` for one symbol.

    Scales as on the wire: IV index, IV rank and IV percentile are fractions (0.22 = 22 %);
    ``implied_volatility_30_day`` and the historical volatilities are percent values.
    """

    symbol: str = wire(text, default="")
    implied_volatility_index: Decimal | None = wire(dec)
    implied_volatility_index_5_day_change: Decimal | None = wire(dec)
    implied_volatility_index_rank: Decimal | None = wire(dec)
    tw_implied_volatility_index_rank: Decimal | None = wire(dec)
    implied_volatility_percentile: Decimal | None = wire(dec)
    implied_volatility_30_day: Decimal | None = wire(dec)
    historical_volatility_30_day: Decimal | None = wire(dec)
    historical_volatility_60_day: Decimal | None = wire(dec)
    historical_volatility_90_day: Decimal | None = wire(dec)
    iv_hv_30_day_difference: Decimal | None = wire(dec)
    liquidity_rating: int | None = wire(integer)
    liquidity_rank: Decimal | None = wire(dec)
    beta: Decimal | None = wire(dec)
    corr_spy_3month: Decimal | None = wire(dec)
    dividend_yield: Decimal | None = wire(dec)
    dividend_ex_date: date | None = wire(day)
    market_cap: int | None = wire(integer)
    price_earnings_ratio: Decimal | None = wire(dec)
    earnings_per_share: Decimal | None = wire(dec)
    lendability: str | None = wire(text)
    borrow_rate: Decimal | None = wire(dec)
    earnings: Earnings | None = wire(one(Earnings))
    option_expiration_implied_volatilities: tuple[ExpirationVolatility, ...] = wire(
        many(ExpirationVolatility), default=()
    )
    updated_at: datetime | None = wire(timestamp)


@dataclass(frozen=True, slots=True)
class QuoteToken(WireModel):
    """The DXLink token from ``/api-quote-tokens``. The token never appears in a repr."""

    token: str = field(default="", repr=False)
    dxlink_url: str = wire(text, default="")
    level: str = wire(text, default="")
    expires_at: datetime | None = wire(timestamp)
    issued_at: datetime | None = None

    @classmethod
    def from_wire(cls, data):  # type: ignore[no-untyped-def,override]
        values = cls.wire_values(data) if hasattr(data, "get") else {}
        token = data.get("token") if hasattr(data, "get") else None
        return cls(token=str(token or ""), **values)
