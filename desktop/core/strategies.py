"""Option strategy templates: pick an expiration and strikes from a chain, return the legs.

``build("strangle", chain, side="short", target_delta=0.16, dte=45, delta_of=hub_delta)``
returns opening legs (OCC symbol, instrument type, action, ratio) or raises
``StrategyError`` with a sentence a trader can act on.

Strikes are chosen by exact ``strike`` (or ``strikes`` for every leg), by ``target_delta``
(absolute delta, from the live ``delta_of(streamer_symbol)`` callable), or at the money
(``spot``, else the call whose delta is nearest 0.5); ``width`` (in strike points) places
the other strikes of spreads, wings and diagonals.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from desktop.core.chains import ChainExpiration, ChainStrike, OptionChain
from desktop.core.orders import OrderAction, OrderLeg
from desktop.core.strike_selection import (
    DeltaSource,
    StrategyError,
    StrategyRequest,
    anchor,
    by_delta,
    choose_expiration,
    exact,
    exact_or_nearest,
    need_far,
    need_strikes,
    need_type,
    need_width,
    offset,
)

__all__ = ["STRATEGY_NAMES", "DeltaSource", "StrategyError", "StrategyLeg", "build", "to_order_legs"]


BUY, SELL = OrderAction.BUY_TO_OPEN, OrderAction.SELL_TO_OPEN


@dataclass(frozen=True)
class StrategyLeg:
    """One opening leg of a strategy; ``ratio`` multiplies the order quantity."""

    symbol: str
    instrument_type: str
    action: OrderAction
    ratio: int
    streamer_symbol: str
    option_type: str | None = None
    strike: Decimal | None = None
    expiration: date | None = None

    def order_leg(self, quantity: int = 1) -> OrderLeg:
        return OrderLeg(self.instrument_type, self.symbol, self.action, Decimal(self.ratio * quantity))


def to_order_legs(legs: Sequence[StrategyLeg], quantity: int = 1) -> tuple[OrderLeg, ...]:
    """Ticket legs for ``quantity`` units of a strategy."""
    return tuple(leg.order_leg(quantity) for leg in legs)


def _leg(
    exp: ChainExpiration, row: ChainStrike, option_type: str, action: OrderAction, ratio: int = 1
) -> StrategyLeg:
    symbol, streamer = row.symbol(option_type), row.streamer(option_type)
    return StrategyLeg(
        symbol, "Equity Option", action, ratio, streamer, option_type, row.strike, exp.expiration
    )


def _flip(action: OrderAction, flip: bool) -> OrderAction:
    return (SELL if action is BUY else BUY) if flip else action


# -- templates ---------------------------------------------------------------------------------


def _single(req: StrategyRequest, option_type: str) -> list[StrategyLeg]:
    row = anchor(req, req.near, option_type)
    return [_leg(req.near, row, option_type, SELL if req.side == "short" else BUY)]


def _vertical(req: StrategyRequest) -> list[StrategyLeg]:
    kind, exp = need_type(req), req.near
    given = need_strikes(req, 2, "vertical spread")
    if given:
        near, far = exact(exp, given[0]), exact(exp, given[1])
    else:
        near = anchor(req, exp, kind)
        width = need_width(req, "spread")
        far = offset(exp, near, width if kind == "C" else -width)
    credit = req.side in ("credit", "short")
    return [_leg(exp, near, kind, SELL if credit else BUY), _leg(exp, far, kind, BUY if credit else SELL)]


def _strangle(req: StrategyRequest) -> list[StrategyLeg]:
    exp = req.near
    given = need_strikes(req, 2, "strangle")
    if given:
        put, call = exact(exp, given[0]), exact(exp, given[1])
    elif req.target_delta is not None:
        put, call = by_delta(req, exp, "P", req.target_delta), by_delta(req, exp, "C", req.target_delta)
    else:
        center, width = anchor(req, exp, "C"), need_width(req, "strangle")
        put, call = offset(exp, center, -width), offset(exp, center, width)
    if put.strike >= call.strike:
        raise StrategyError("A strangle's put strike must be below its call strike.")
    action = SELL if req.side == "short" else BUY
    return [_leg(exp, put, "P", action), _leg(exp, call, "C", action)]


def _straddle(req: StrategyRequest) -> list[StrategyLeg]:
    exp = req.near
    row = anchor(req, exp, "C")
    action = SELL if req.side == "short" else BUY
    return [_leg(exp, row, "P", action), _leg(exp, row, "C", action)]


def _iron_condor(req: StrategyRequest) -> list[StrategyLeg]:
    exp = req.near
    given = need_strikes(req, 4, "iron condor")
    if given:
        lp, sp, sc, lc = (exact(exp, k) for k in given)
    else:
        sp, sc = (
            (by_delta(req, exp, t, req.target_delta) for t in ("P", "C"))
            if req.target_delta
            else (None, None)
        )
        if sp is None or sc is None:
            raise StrategyError(
                "Place an iron condor's short strikes with target_delta= or give all four strikes."
            )
        width = need_width(req, "wing")
        lp, lc = offset(exp, sp, -width), offset(exp, sc, width)
    if not lp.strike < sp.strike < sc.strike < lc.strike:
        raise StrategyError(
            "An iron condor needs four rising strikes: long put < short put < short call < long call."
        )
    flip = req.side == "long"
    return [
        _leg(exp, lp, "P", _flip(BUY, flip)),
        _leg(exp, sp, "P", _flip(SELL, flip)),
        _leg(exp, sc, "C", _flip(SELL, flip)),
        _leg(exp, lc, "C", _flip(BUY, flip)),
    ]


def _iron_butterfly(req: StrategyRequest) -> list[StrategyLeg]:
    exp = req.near
    given = need_strikes(req, 3, "iron butterfly")
    if given:
        low, mid, high = (exact(exp, k) for k in given)
    else:
        mid = anchor(req, exp, "C")
        width = need_width(req, "wing")
        low, high = offset(exp, mid, -width), offset(exp, mid, width)
    flip = req.side == "long"
    return [
        _leg(exp, low, "P", _flip(BUY, flip)),
        _leg(exp, mid, "P", _flip(SELL, flip)),
        _leg(exp, mid, "C", _flip(SELL, flip)),
        _leg(exp, high, "C", _flip(BUY, flip)),
    ]


def _butterfly(req: StrategyRequest) -> list[StrategyLeg]:
    kind, exp = need_type(req, "C"), req.near
    given = need_strikes(req, 3, "butterfly")
    if given:
        low, mid, high = (exact(exp, k) for k in given)
    else:
        mid = anchor(req, exp, kind)
        width = need_width(req, "wing")
        low, high = offset(exp, mid, -width), offset(exp, mid, width)
    if not low.strike < mid.strike < high.strike:
        raise StrategyError("A butterfly needs three rising strikes.")
    flip = req.side == "short"
    return [
        _leg(exp, low, kind, _flip(BUY, flip)),
        _leg(exp, mid, kind, _flip(SELL, flip), ratio=2),
        _leg(exp, high, kind, _flip(BUY, flip)),
    ]


def _calendar(req: StrategyRequest) -> list[StrategyLeg]:
    kind, far = need_type(req, "C"), need_far(req, "calendar")
    near_row = anchor(req, req.near, kind)
    far_row = exact(far, near_row.strike)
    flip = req.side == "short"
    return [_leg(req.near, near_row, kind, _flip(SELL, flip)), _leg(far, far_row, kind, _flip(BUY, flip))]


def _diagonal(req: StrategyRequest) -> list[StrategyLeg]:
    kind, far = need_type(req, "C"), need_far(req, "diagonal")
    given = need_strikes(req, 2, "diagonal")
    if given:
        near_row, far_row = exact(req.near, given[0]), exact(far, given[1])
    else:
        near_row = anchor(req, req.near, kind)
        width = need_width(req, "diagonal")
        far_row = offset(far, exact_or_nearest(far, near_row.strike), -width if kind == "C" else width)
    flip = req.side == "short"
    return [_leg(req.near, near_row, kind, _flip(SELL, flip)), _leg(far, far_row, kind, _flip(BUY, flip))]


def _covered_call(req: StrategyRequest) -> list[StrategyLeg]:
    if req.side == "short":
        raise StrategyError("A covered call is long stock and a short call; there is no short version.")
    call = anchor(req, req.near, "C")
    shares = req.chain.shares_per_contract
    stock = StrategyLeg(req.chain.underlying, "Equity", BUY, shares, req.chain.underlying)
    return [stock, _leg(req.near, call, "C", SELL)]


# name -> (builder, implied side, implied option type)
_TEMPLATES: dict[str, tuple[Callable[[StrategyRequest], list[StrategyLeg]], str | None, str | None]] = {
    "long_call": (lambda r: _single(r, "C"), "long", "C"),
    "short_call": (lambda r: _single(r, "C"), "short", "C"),
    "long_put": (lambda r: _single(r, "P"), "long", "P"),
    "short_put": (lambda r: _single(r, "P"), "short", "P"),
    "vertical": (_vertical, None, None),
    "bull_call_spread": (_vertical, "debit", "C"),
    "bear_call_spread": (_vertical, "credit", "C"),
    "bull_put_spread": (_vertical, "credit", "P"),
    "bear_put_spread": (_vertical, "debit", "P"),
    "strangle": (_strangle, None, None),
    "straddle": (_straddle, None, None),
    "iron_condor": (_iron_condor, None, None),
    "iron_butterfly": (_iron_butterfly, None, None),
    "butterfly": (_butterfly, None, None),
    "calendar": (_calendar, None, None),
    "diagonal": (_diagonal, None, None),
    "covered_call": (_covered_call, "long", "C"),
}
STRATEGY_NAMES = tuple(_TEMPLATES)
_DEFAULT_SIDE = {"vertical": "debit", "iron_condor": "short", "iron_butterfly": "short"}


def _decimal(value: Decimal | float | str | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def build(
    name: str,
    chain: OptionChain,
    *,
    side: str | None = None,
    option_type: str | None = None,
    strike: Decimal | float | str | None = None,
    strikes: Sequence[Decimal | float | str] | None = None,
    width: Decimal | float | str | None = None,
    target_delta: float | None = None,
    dte: int | None = None,
    expiration: date | None = None,
    far_dte: int | None = None,
    far_expiration: date | None = None,
    spot: float | None = None,
    delta_of: DeltaSource | None = None,
) -> tuple[StrategyLeg, ...]:
    """Build a strategy's opening legs; see the module docstring for how strikes are chosen.

    ``side`` is ``long``/``short`` (``debit``/``credit`` for verticals); ``option_type`` is
    ``C``/``P`` (or ``call``/``put``) where the template needs one.
    """
    key = name.strip().lower().replace(" ", "_").replace("-", "_")
    if key not in _TEMPLATES:
        raise StrategyError(f"Unknown strategy {name!r}; choose one of: {', '.join(STRATEGY_NAMES)}.")
    builder, implied_side, implied_type = _TEMPLATES[key]
    chosen_side = (implied_side or side or _DEFAULT_SIDE.get(key, "long")).lower()
    if chosen_side not in ("long", "short", "debit", "credit"):
        raise StrategyError(f"Side must be long or short (debit or credit for spreads), not {side!r}.")
    if implied_side and side and side.lower() != implied_side:
        raise StrategyError(f"A {key.replace('_', ' ')} is always {implied_side}.")
    kind = implied_type or (
        {"call": "C", "put": "P"}.get(option_type.lower(), option_type.upper()) if option_type else None
    )
    if target_delta is not None and not 0 < target_delta < 1:
        raise StrategyError(f"Target delta is a number between 0 and 1 (like 0.16), not {target_delta}.")
    near = choose_expiration(chain, dte, expiration)
    far = choose_expiration(chain, far_dte, far_expiration) if far_dte is not None or far_expiration else None
    req = StrategyRequest(
        chain=chain,
        side=chosen_side,
        option_type=kind,
        strike=_decimal(strike),
        strikes=tuple(Decimal(str(k)) for k in strikes) if strikes else None,
        width=_decimal(width),
        target_delta=target_delta,
        spot=spot,
        delta_of=delta_of,
        near=near,
        far=far,
    )
    legs = builder(req)
    symbols = [leg.symbol for leg in legs]
    if len(set(symbols)) != len(symbols):
        raise StrategyError("Two legs landed on the same option; widen the strikes.")
    return tuple(legs)
