"""Profit and loss of a position (options and the underlying) over a range of prices.

Everything is vectorised over a numpy array of underlying prices. "Today" values each
option with Black-Scholes at its own implied volatility and remaining time; "at
expiration" is the first option expiration, later-dated legs still valued by Black-Scholes
(so calendars and diagonals come out right). Money is per position: quantity times
multiplier times the per-unit price change.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from desktop.core.pricing import bs_price_arr

__all__ = [
    "PayoffLeg",
    "breakevens",
    "first_expiration_years",
    "max_loss",
    "max_profit",
    "max_profit_and_loss",
    "one_sigma_range",
    "pnl_at",
    "pnl_at_expiration",
    "pnl_today",
    "price_grid",
]

Array = NDArray[np.float64]
_TINY_PRICE = 1e-12


@dataclass(frozen=True)
class PayoffLeg:
    """One leg: signed ``quantity`` (positive long, negative short) bought or sold at
    ``entry_price`` per unit. ``option_type`` ``"C"``/``"P"``, or ``None`` for the underlying
    itself (stock or future; then ``multiplier`` is usually 1 for shares)."""

    quantity: float
    entry_price: float
    option_type: str | None = None
    strike: float = 0.0
    years_to_expiration: float = 0.0
    iv: float = 0.0
    multiplier: float = 100.0

    def __post_init__(self) -> None:
        if self.option_type not in (None, "C", "P"):
            raise ValueError(f"option_type must be 'C', 'P' or None, not {self.option_type!r}")
        if self.option_type is not None and self.strike <= 0:
            raise ValueError("an option leg needs a positive strike")


def first_expiration_years(legs: Sequence[PayoffLeg]) -> float:
    """Years until the first option leg expires (0 when there are no options)."""
    times = [leg.years_to_expiration for leg in legs if leg.option_type is not None]
    return max(min(times), 0.0) if times else 0.0


def pnl_at(
    legs: Sequence[PayoffLeg], prices: ArrayLike, years_forward: float = 0.0, r: float = 0.0, q: float = 0.0
) -> Array:
    """Position P/L at each underlying price, ``years_forward`` from now."""
    spot = np.asarray(prices, dtype=float)
    total = np.zeros_like(spot)
    options = [leg for leg in legs if leg.option_type is not None]
    for leg in legs:
        if leg.option_type is None:
            total += (spot - leg.entry_price) * leg.quantity * leg.multiplier
    if options:
        strike = np.array([leg.strike for leg in options])
        remaining = np.array([leg.years_to_expiration - years_forward for leg in options])
        iv = np.array([leg.iv for leg in options])
        is_call = np.array([leg.option_type == "C" for leg in options])
        entry = np.array([leg.entry_price for leg in options])
        scale = np.array([leg.quantity * leg.multiplier for leg in options])
        # an underlying at exactly zero is a real scenario here (the pricer calls it invalid)
        floor = np.maximum(spot, _TINY_PRICE)[..., None]
        values = bs_price_arr(floor, strike, remaining, r, iv, is_call, q)
        total += ((values - entry) * scale).sum(axis=-1)
    return total


def pnl_today(legs: Sequence[PayoffLeg], prices: ArrayLike, r: float = 0.0, q: float = 0.0) -> Array:
    """P/L now (theoretical, at each leg's implied volatility)."""
    return pnl_at(legs, prices, 0.0, r, q)


def pnl_at_expiration(legs: Sequence[PayoffLeg], prices: ArrayLike, r: float = 0.0, q: float = 0.0) -> Array:
    """P/L when the first option leg expires."""
    return pnl_at(legs, prices, first_expiration_years(legs), r, q)


def breakevens(prices: ArrayLike, pnl: ArrayLike) -> list[float]:
    """Prices where the P/L crosses (or touches) zero, linearly interpolated between
    grid points, ascending."""
    x, y = np.asarray(prices, dtype=float), np.asarray(pnl, dtype=float)
    found: list[float] = []
    for i in range(len(x)):
        if y[i] == 0 and (i == 0 or y[i - 1] != 0):
            found.append(float(x[i]))
        elif i + 1 < len(x) and y[i] * y[i + 1] < 0:
            found.append(float(x[i] - y[i] * (x[i + 1] - x[i]) / (y[i + 1] - y[i])))
    return found


def _scan(legs: Sequence[PayoffLeg], r: float, q: float) -> tuple[Array, float]:
    """Expiration P/L at every kink (0, each strike) and on a dense grid up to a high
    price, plus the P/L slope far above every strike."""
    anchors = [leg.strike for leg in legs if leg.option_type] + [
        leg.entry_price for leg in legs if leg.option_type is None
    ]
    high = 3.0 * max([a for a in anchors if a > 0] or [100.0])
    grid = np.unique(np.concatenate([np.linspace(0.0, high, 3001), np.array(anchors, dtype=float)]))
    at = first_expiration_years(legs)
    pnl = pnl_at(legs, grid, at, r, q)
    far = pnl_at(legs, np.array([high * 10.0, high * 20.0]), at, r, q)
    slope = float((far[1] - far[0]) / (high * 10.0))
    return pnl, slope


def _slope_tolerance(legs: Sequence[PayoffLeg]) -> float:
    return 1e-6 * max([abs(leg.quantity * leg.multiplier) for leg in legs] or [1.0])


def max_profit_and_loss(
    legs: Sequence[PayoffLeg], r: float = 0.0, q: float = 0.0
) -> tuple[float | None, float | None]:
    """``(max_profit, max_loss)`` from one scan of the expiration P/L (see those two)."""
    if not legs:
        return 0.0, 0.0
    pnl, slope = _scan(legs, r, q)
    tolerance = _slope_tolerance(legs)
    best = None if slope > tolerance else float(np.nanmax(pnl))
    worst = None if slope < -tolerance else max(0.0, -float(np.nanmin(pnl)))
    return best, worst


def max_profit(legs: Sequence[PayoffLeg], r: float = 0.0, q: float = 0.0) -> float | None:
    """Largest P/L at the first expiration; ``None`` when unlimited (rising without bound
    as the underlying rises)."""
    return max_profit_and_loss(legs, r, q)[0]


def max_loss(legs: Sequence[PayoffLeg], r: float = 0.0, q: float = 0.0) -> float | None:
    """Largest loss at the first expiration as a positive amount (0 when the position
    cannot lose); ``None`` when unlimited (a short call's risk as the underlying rises)."""
    return max_profit_and_loss(legs, r, q)[1]


def one_sigma_range(spot: float, iv: float, days: float) -> tuple[float, float]:
    """The expected move: ``spot`` -/+ ``spot * iv * sqrt(days / 365)`` (low clipped at 0)."""
    move = spot * iv * math.sqrt(max(days, 0.0) / 365.0)
    return max(spot - move, 0.0), spot + move


def price_grid(spot: float, low: float | None = None, high: float | None = None, points: int = 301) -> Array:
    """Evenly spaced underlying prices for a payoff chart (default: spot -/+ 25 %)."""
    lo = max(0.0, spot * 0.75 if low is None else low)
    hi = spot * 1.25 if high is None else high
    if not hi > lo:
        raise ValueError(f"empty price range {lo}..{hi}")
    return np.linspace(lo, hi, points)
