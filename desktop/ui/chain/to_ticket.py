"""From the chain to ticket legs: a clicked option, its mirror, or a whole strategy template.

Legs open by default and close when they reduce a position the account holds (selling a call
you own is ``Sell to Close``). Strategy templates that choose strikes by delta briefly
subscribe the expiration's Greeks (all strikes, calls and puts) and wait for them to arrive.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from desktop.core.chains import ChainExpiration, ChainStrike
from desktop.core.strategies import StrategyError, StrategyLeg, build
from desktop.core.symbols import InstrumentType
from desktop.ui.ticket.legs import EQUITY_TICKS, TicketLeg, opening_action

from .loader import LoadedChain
from .strategy_bar import StrategySpec

__all__ = ["chain_leg", "live_values", "mirror_strike", "strategy_legs", "strike_step"]

PositionOf = Callable[[str], Decimal]


def chain_leg(
    loaded: LoadedChain, exp: ChainExpiration, strike: ChainStrike, side: str, buy: bool, position: Decimal
) -> TicketLeg:
    """The ticket leg for the ``side`` (``C``/``P``) option of ``strike``."""
    info = loaded.info(exp)
    return TicketLeg(
        symbol=strike.symbol(side),
        instrument_type=info.option_instrument_type,
        action=opening_action(buy, position),
        ratio=Decimal(1),
        streamer_symbol=strike.streamer(side),
        underlying=info.underlying,
        underlying_streamer=info.underlying_streamer,
        underlying_type=info.underlying_type,
        option_type=side,
        strike=strike.strike,
        expiration=exp.expiration,
        multiplier=info.multiplier,
        tick_sizes=info.tick_sizes,
    )


def mirror_strike(exp: ChainExpiration, strike: ChainStrike, spot: float) -> ChainStrike:
    """The strike as far from ``spot`` on the other side (110 call at 100 -> the 90 strike)."""
    return exp.nearest_strike(max(2 * spot - float(strike.strike), 0.0))


def strike_step(exp: ChainExpiration, spot: float) -> Decimal:
    """The usual strike spacing around the money (the smallest gap among the nearest few)."""
    strikes = exp.strikes_around(spot, 8)
    gaps = [b.strike - a.strike for a, b in itertools.pairwise(strikes) if b.strike > a.strike]
    return min(gaps) if gaps else Decimal(1)


def _find(loaded: LoadedChain, leg: StrategyLeg) -> tuple[ChainExpiration, ChainStrike]:
    for exp in loaded.chain.expirations:
        if exp.expiration != leg.expiration:
            continue
        for row in exp.strikes:
            if leg.symbol in (row.call, row.put):
                return exp, row
    raise StrategyError(f"{leg.symbol.strip()} is not in the loaded chain.")


def _to_ticket(loaded: LoadedChain, leg: StrategyLeg, position_of: PositionOf) -> TicketLeg:
    if leg.option_type is None:  # the shares of a covered call
        if loaded.is_futures:
            raise StrategyError("Covered calls are for stocks, not futures options.")
        info = loaded.default_info
        action = opening_action(leg.action.is_buy, position_of(info.underlying))
        return TicketLeg(
            info.underlying,
            InstrumentType.EQUITY.value,
            action,
            Decimal(leg.ratio),
            info.underlying_streamer,
            info.underlying,
            info.underlying_streamer,
            multiplier=Decimal(1),
            tick_sizes=EQUITY_TICKS,
        )
    exp, row = _find(loaded, leg)
    ticket_leg = chain_leg(loaded, exp, row, leg.option_type, leg.action.is_buy, position_of(leg.symbol))
    return replace(ticket_leg, ratio=Decimal(leg.ratio))


async def live_values(
    hub: Any, owner: object, event_type: str, symbols: list[str], timeout_s: float = 6.0, share: float = 0.95
) -> dict[str, Any]:
    """Subscribe ``symbols`` under ``owner`` and return their latest ``event_type`` events once
    ``share`` of them arrived (or ``timeout_s`` passed). The caller releases ``owner`` when the
    legs are on the ticket: releasing first and re-subscribing a moment later would be netted
    out on the wire, and the hub would have dropped the values meanwhile."""
    wanted = [s for s in symbols if s]
    if hub is None or not wanted:
        return {}
    hub.subscribe(owner, event_type, wanted)
    deadline = time.monotonic() + timeout_s
    while True:
        found = {s: e for s in wanted if (e := hub.latest(event_type, s)) is not None}
        if len(found) >= share * len(wanted) or time.monotonic() >= deadline:
            return found
        await asyncio.sleep(0.05)


def _snap(exp: ChainExpiration, strike: Decimal | None) -> Decimal | None:
    return None if strike is None else exp.nearest_strike(float(strike)).strike


async def strategy_legs(
    spec: StrategySpec,
    loaded: LoadedChain,
    hub: Any,
    spot: float | None,
    position_of: PositionOf,
    owner: object,
) -> list[TicketLeg]:
    """Build ``spec`` from the live chain (raises :class:`StrategyError` in plain words).
    Live values it needed stay subscribed under ``owner`` until the caller releases it."""
    chain = loaded.chain
    if not chain.expirations:
        raise StrategyError(f"The {loaded.symbol} chain has no expirations.")
    near = chain.expiration_by_dte(spec.dte)
    if spot is None:
        info = loaded.info(near)
        quotes = await live_values(hub, owner, "Quote", [info.underlying_streamer], 4.0, 1.0)
        q = quotes.get(info.underlying_streamer)
        if q is not None and math.isfinite(q.bid_price) and math.isfinite(q.ask_price) and q.ask_price > 0:
            spot = (q.bid_price + q.ask_price) / 2
    if spot is None and spec.place == "atm":
        raise StrategyError(f"No live price for {loaded.info(near).underlying} yet; try again in a moment.")
    delta_of = None
    if spec.place == "delta":
        symbols = [row.streamer(t) for row in near.strikes for t in ("C", "P")]
        greeks = await live_values(hub, owner, "Greeks", symbols)
        deltas = {s: g.delta for s, g in greeks.items() if math.isfinite(g.delta)}
        delta_of = deltas.get
    legs = build(
        spec.name,
        chain,
        side=spec.side,
        option_type=spec.option_type,
        strike=_snap(near, spec.strike),
        width=spec.width,
        target_delta=spec.target_delta,
        dte=spec.dte,
        far_dte=spec.far_dte,
        spot=spot,
        delta_of=delta_of,
    )
    return [_to_ticket(loaded, leg, position_of) for leg in legs]
