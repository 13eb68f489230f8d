"""The ticket's risk profile: P/L at expiration and today over underlying prices (no Qt).

Each leg enters at its live mid; the difference between the mids and the ticket's limit
price is added as cash, so the curves show the P/L of the order *at the ticket's price*.
"Today" values options by Black-Scholes (``core.payoff``) at their live implied volatility
(from the Greeks feed, else implied from the mid). Options expire at 16:00 New York time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray

from desktop.core.orders import PriceEffect
from desktop.core.payoff import PayoffLeg, breakevens, max_profit_and_loss, one_sigma_range, pnl_at
from desktop.core.pricing import implied_volatility, years_between

from .legs import TicketLeg
from .pricing import LegQuote, cash_per_point

__all__ = ["RiskProfile", "expiration_time", "risk_profile"]

_NEW_YORK = ZoneInfo("America/New_York")
_EXPIRY = time(16, 0)
_MIN_YEARS = 1.0 / (365.0 * 24.0)  # an hour: 0-DTE options still have a little time


def expiration_time(day: date) -> datetime:
    """When an option expiring on ``day`` stops trading (16:00 New York), in UTC."""
    return datetime.combine(day, _EXPIRY, tzinfo=_NEW_YORK).astimezone(UTC)


@dataclass(frozen=True)
class RiskProfile:
    """Curves over ``prices`` (dollars for the whole order) and the numbers a trader reads."""

    prices: NDArray[np.float64]
    at_expiration: NDArray[np.float64]
    today: NDArray[np.float64]
    breakevens: tuple[float, ...]
    max_profit: float | None  # None: unlimited
    max_loss: float | None  # positive amount; None: unlimited
    spot: float
    sigma_range: tuple[float, float] | None
    days_to_expiration: float | None


def _years(leg: TicketLeg, now: datetime) -> float:
    if leg.expiration is None:
        return 0.0
    return max(years_between(now, expiration_time(leg.expiration)), _MIN_YEARS)


def _payoff_legs(
    legs: Sequence[TicketLeg],
    size: Decimal,
    quotes: Mapping[str, LegQuote],
    iv_of: Callable[[TicketLeg], float | None],
    spot: float,
    now: datetime,
) -> list[PayoffLeg] | None:
    out = []
    for leg in legs:
        quote = quotes.get(leg.symbol)
        mid = quote.mid if quote is not None else None
        if mid is None:
            return None
        quantity = float(leg.ratio * size) * leg.sign
        if not leg.is_option:
            out.append(PayoffLeg(quantity, mid, None, multiplier=float(leg.multiplier)))
            continue
        years = _years(leg, now)
        strike = float(leg.strike or 0)
        iv = iv_of(leg)
        if iv is None or not iv > 0:
            iv = implied_volatility(mid, spot, strike, years, 0.0, leg.option_type == "C")
        if not (iv is not None and math.isfinite(iv) and iv > 0):
            iv = 1e-4  # priced at (or below) intrinsic: value it as intrinsic
        out.append(PayoffLeg(quantity, mid, leg.option_type, strike, years, iv, float(leg.multiplier)))
    return out


def _price_range(
    spot: float, legs: Sequence[TicketLeg], sigma: tuple[float, float] | None
) -> tuple[float, float]:
    strikes = [float(leg.strike) for leg in legs if leg.strike is not None]
    lo = min([spot * 0.85, *strikes])
    hi = max([spot * 1.15, *strikes])
    if sigma is not None:
        lo, hi = min(lo, sigma[0]), max(hi, sigma[1])
    pad = (hi - lo) * 0.15
    return max(lo - pad, 0.0), hi + pad


def risk_profile(
    legs: Sequence[TicketLeg],
    size: Decimal,
    price: Decimal | None,
    effect: PriceEffect,
    quotes: Mapping[str, LegQuote],
    iv_of: Callable[[TicketLeg], float | None],
    spot: float | None,
    now: datetime | None = None,
    points: int = 401,
) -> RiskProfile | None:
    """The profile of the order, or ``None`` while the spot or a leg's quote is missing."""
    if not legs or spot is None or not spot > 0:
        return None
    now = now or datetime.now(UTC)
    payoff = _payoff_legs(legs, size, quotes, iv_of, spot, now)
    if payoff is None:
        return None
    # cash difference between entering at the mids and at the ticket's price
    mid_cost = sum(p.quantity * p.multiplier * p.entry_price for p in payoff)
    offset = 0.0
    if price is not None:
        signed_price = float(price) if effect is PriceEffect.DEBIT else -float(price)
        offset = mid_cost - signed_price * float(cash_per_point(legs, size))
    options = [p for p in payoff if p.option_type is not None]
    first_years = min((p.years_to_expiration for p in options), default=0.0)
    days = first_years * 365.0 if options else None
    ivs = [p.iv for p in options if p.iv > 1e-3]
    sigma = one_sigma_range(spot, sum(ivs) / len(ivs), days) if ivs and days else None
    lo, hi = _price_range(spot, legs, sigma)
    prices = np.linspace(lo, hi, points)
    at_exp = pnl_at(payoff, prices, first_years) + offset
    today = pnl_at(payoff, prices, 0.0) + offset
    best, worst = max_profit_and_loss(payoff)
    return RiskProfile(
        prices=prices,
        at_expiration=at_exp,
        today=today,
        breakevens=tuple(breakevens(prices, at_exp)),
        max_profit=None if best is None else best + offset,
        max_loss=None if worst is None else max(worst - offset, 0.0),
        spot=spot,
        sigma_range=sigma,
        days_to_expiration=days,
    )
