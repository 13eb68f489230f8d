"""Refining a ticket leg from the instrument's own record: tick sizes and contract multiplier.

Legs that come from the chain already know both. Legs typed in or requested by another panel
(a position to close, a chart click) start from the symbol alone; this asks the REST API once:
stocks and equity options from ``/instruments/equities`` (``tick-sizes``, ``option-tick-sizes``),
futures and their options from ``/instruments/futures`` (tick, notional multiplier), crypto from
``/instruments/cryptocurrencies``. An equity option also learns its underlying there (an SPXW
option's is SPX). A failed look-up keeps the leg as it was.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import Decimal
from typing import Any

from desktop.core.money import TickSize
from desktop.core.symbols import InstrumentType
from desktop.ui.context import describe_error

from .legs import TicketLeg

log = logging.getLogger(__name__)

__all__ = ["refine_leg"]


async def _refine(client: Any, leg: TicketLeg) -> TicketLeg:
    kind = leg.instrument_type
    if kind == InstrumentType.EQUITY.value:
        equity = await client.equity(leg.symbol.strip())
        return replace(leg, tick_sizes=equity.tick_sizes or leg.tick_sizes)
    if kind == InstrumentType.EQUITY_OPTION.value:
        # the option names its underlying: an SPXW option's is SPX, not its root
        option = await client.equity_option(leg.symbol)
        underlying = option.underlying_symbol or leg.underlying
        equity = await client.equity(underlying)
        return replace(
            leg,
            underlying=underlying,
            underlying_streamer=underlying,  # stocks and indices stream under their own symbol
            tick_sizes=equity.option_tick_sizes or leg.tick_sizes,
            multiplier=Decimal(option.shares_per_contract or 100),
        )
    if kind in (InstrumentType.FUTURE.value, InstrumentType.FUTURE_OPTION.value):
        future = await client.future(
            leg.underlying if kind == InstrumentType.FUTURE_OPTION.value else leg.symbol
        )
        ticks = future.option_tick_sizes if kind == InstrumentType.FUTURE_OPTION.value else future.tick_sizes
        if not ticks and future.tick_size:
            ticks = (TickSize(future.tick_size),)
        streamer = future.streamer_symbol or leg.underlying_streamer
        refined = replace(
            leg,
            tick_sizes=tuple(ticks) or leg.tick_sizes,
            multiplier=future.notional_multiplier or leg.multiplier,
            underlying_streamer=streamer,
        )
        if kind == InstrumentType.FUTURE.value and future.streamer_symbol:
            refined = replace(refined, streamer_symbol=future.streamer_symbol)
        return refined
    if kind == InstrumentType.CRYPTOCURRENCY.value:
        coins = await client.cryptocurrencies([leg.symbol])
        coin = next((c for c in coins if c.symbol == leg.symbol), None)
        if coin is not None and coin.tick_size:
            return replace(leg, tick_sizes=(TickSize(coin.tick_size),))
    return leg


async def refine_leg(client: Any, leg: TicketLeg) -> TicketLeg:
    """The leg with the instrument's tick sizes and multiplier (unchanged if unavailable)."""
    if client is None:
        return leg
    try:
        return await _refine(client, leg)
    except Exception as exc:
        log.info("Using default ticks for %s: %s", leg.symbol.strip(), describe_error(exc))
        return leg
