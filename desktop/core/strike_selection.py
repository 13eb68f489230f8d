"""Choosing expirations and strikes from a chain for the strategy templates.

Every failure raises ``StrategyError`` with a sentence a trader can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.core.chains import ChainExpiration, ChainStrike, OptionChain

__all__ = [
    "DeltaSource",
    "StrategyError",
    "StrategyRequest",
    "anchor",
    "by_delta",
    "choose_expiration",
    "exact",
    "exact_or_nearest",
    "need_far",
    "need_strikes",
    "need_type",
    "need_width",
    "offset",
]

DeltaSource = Callable[[str], float | None]


class StrategyError(ValueError):
    """A strategy cannot be built as asked; the message says why in plain words."""


@dataclass(frozen=True)
class StrategyRequest:
    """What the caller asked for, resolved to expirations (strikes are picked per template)."""

    chain: OptionChain
    side: str
    option_type: str | None
    strike: Decimal | None
    strikes: tuple[Decimal, ...] | None
    width: Decimal | None
    target_delta: float | None
    spot: float | None
    delta_of: DeltaSource | None
    near: ChainExpiration
    far: ChainExpiration | None


def exact(exp: ChainExpiration, strike: Decimal) -> ChainStrike:
    row = exp.strike_at(strike)
    if row is None:
        raise StrategyError(f"The {exp.expiration.isoformat()} expiration has no {strike} strike.")
    return row


def by_delta(req: StrategyRequest, exp: ChainExpiration, option_type: str, target: float) -> ChainStrike:
    if req.delta_of is None:
        raise StrategyError("Choosing strikes by delta needs live deltas; choose strikes instead.")
    best: tuple[float, ChainStrike] | None = None
    for row in exp.strikes:
        delta = req.delta_of(row.streamer(option_type))
        if delta is None or delta != delta:
            continue
        gap = abs(abs(delta) - target)
        if best is None or gap < best[0]:
            best = (gap, row)
    if best is None:
        side = "calls" if option_type == "C" else "puts"
        raise StrategyError(
            f"No live deltas yet for {req.chain.underlying} {exp.expiration.isoformat()} {side}; "
            "wait for greeks or choose strikes."
        )
    return best[1]


def anchor(req: StrategyRequest, exp: ChainExpiration, option_type: str) -> ChainStrike:
    """The strike named by ``strike``, else by ``target_delta``, else at the money (the
    single leg, the near strike of a spread, the body of a straddle or butterfly)."""
    if req.strike is not None:
        return exact(exp, req.strike)
    if req.target_delta is not None:
        return by_delta(req, exp, option_type, req.target_delta)
    if req.spot is not None:
        return exp.nearest_strike(req.spot)
    if req.delta_of is not None:
        return by_delta(req, exp, "C", 0.5)
    raise StrategyError("Say where to place the strike: strike=, target_delta=, or the underlying's spot=.")


def offset(exp: ChainExpiration, base: ChainStrike, distance: Decimal) -> ChainStrike:
    """The strike ``distance`` points from ``base`` (the nearest listed one beyond it)."""
    target = base.strike + distance
    row = exp.strike_at(target)
    if row is not None and row.strike != base.strike:
        return row
    beyond = [r for r in exp.strikes if (r.strike - base.strike) * distance > 0]
    if not beyond:
        where = "above" if distance > 0 else "below"
        raise StrategyError(
            f"No strike {where} {base.strike} in the {exp.expiration.isoformat()} expiration."
        )
    return min(beyond, key=lambda r: abs(r.strike - target))


def need_width(req: StrategyRequest, what: str) -> Decimal:
    if req.width is None or req.width <= 0:
        raise StrategyError(
            f"Give the {what} width in strike points (width=5) or every strike (strikes=...)."
        )
    return req.width


def need_type(req: StrategyRequest, default: str | None = None) -> str:
    kind = req.option_type or default
    if kind not in ("C", "P"):
        raise StrategyError("Say whether this uses calls or puts (option_type='C' or 'P').")
    return kind


def need_strikes(req: StrategyRequest, count: int, what: str) -> tuple[Decimal, ...] | None:
    if req.strikes is None:
        return None
    if len(req.strikes) != count:
        raise StrategyError(f"A {what} takes {count} strikes ({len(req.strikes)} given).")
    return req.strikes


def need_far(req: StrategyRequest, what: str) -> ChainExpiration:
    if req.far is None:
        raise StrategyError(f"A {what} needs a later expiration too: far_dte= or far_expiration=.")
    if req.far.expiration <= req.near.expiration:
        raise StrategyError(f"A {what}'s far expiration must come after the near one.")
    return req.far


def exact_or_nearest(exp: ChainExpiration, strike: Decimal) -> ChainStrike:
    return exp.strike_at(strike) or exp.nearest_strike(float(strike))


def choose_expiration(chain: OptionChain, dte: int | None, expiration: date | None) -> ChainExpiration:
    if expiration is not None:
        try:
            return chain.expiration(expiration)
        except ValueError as error:
            raise StrategyError(str(error)) from None
    if dte is None:
        raise StrategyError("Choose an expiration: dte= (days to expiration) or expiration=.")
    if not chain.expirations:
        raise StrategyError(f"The {chain.underlying} chain has no expirations.")
    return chain.expiration_by_dte(dte)
