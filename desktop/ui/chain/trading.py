"""Trading from the chain: a clicked bid or ask, "add opposite side", strategy templates.

:class:`ChainTrading` is mixed into the chain panel; it turns chain rows into ticket legs on the
shared :class:`~desktop.ui.ticket.draft.TicketDraft` and brings the order ticket dock forward.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDockWidget

from desktop.core.strategies import StrategyError

from .loader import LoadedChain
from .rows import StrikeRow
from .strategy_bar import StrategySpec
from .to_ticket import chain_leg, mirror_strike, strategy_legs, strike_step

if TYPE_CHECKING:
    from desktop.ui.context import UiContext
    from desktop.ui.ticket.draft import TicketDraft

    from .strategy_bar import StrategyBar

__all__ = ["DEFAULT_DTE", "ChainTrading"]

DEFAULT_DTE = 45


class ChainTrading:
    """Chain -> ticket actions (mixed into ``ChainPanel``, which provides the attributes below)."""

    ctx: UiContext
    draft: TicketDraft
    loaded: LoadedChain | None
    strategy: StrategyBar
    # also used, from the panel and QWidget: _spot(exp), expand(exp), window()

    def _leg_side(self, symbol: str) -> str | None:
        leg = self.draft.leg(symbol)
        return None if leg is None else ("buy" if leg.is_buy else "sell")

    def _position(self, symbol: str) -> Decimal:
        for p in getattr(self.ctx.portfolio, "positions", None) or ():
            if p.symbol == symbol:
                return p.signed_quantity
        return Decimal(0)

    def add_leg(self, row: StrikeRow, side: str, buy: bool, count: int = 1) -> None:
        """A click on a bid (sell) or ask (buy): add the option to the ticket."""
        if self.loaded is None:
            return
        leg = chain_leg(self.loaded, row.expiration, row.strike, side, buy, self._position(row.symbol(side)))
        self.draft.add_leg(leg, count)
        self._show_ticket()

    def add_opposite(self, row: StrikeRow, side: str, buy: bool) -> None:
        spot = self._spot(row.expiration)
        if self.loaded is None or spot is None:
            self.ctx.messages.warning("No live price for the underlying yet: cannot find the mirror strike.")
            return
        other = "P" if side == "C" else "C"
        mirror = mirror_strike(row.expiration, row.strike, spot)
        self.add_leg(StrikeRow(row.expiration, row.info, mirror), other, buy)

    def _show_ticket(self) -> None:
        dock = self.window().findChild(QDockWidget, "orderTicket")
        if dock is not None and dock.isEnabled() and not dock.isVisible():
            dock.show()
            dock.raise_()

    def build_strategy(self, spec: StrategySpec) -> None:
        if self.loaded is None:
            self.strategy.say("Load a chain first.")
            return
        self.strategy.say(f"Building the {spec.label.lower()}…")
        self.ctx.spawn(self._build(spec, self.loaded), f"Building a {spec.label.lower()}")

    async def _build(self, spec: StrategySpec, loaded: LoadedChain) -> None:
        near = loaded.chain.expiration_by_dte(spec.dte)
        hub, owner = self.ctx.hub, object()
        try:
            legs = await strategy_legs(spec, loaded, hub, self._spot(near), self._position, owner)
            self._add_strategy(spec, near, legs)
        except StrategyError as exc:
            self.strategy.say(str(exc))
            self.ctx.messages.warning("%s: %s", spec.label, exc)
        finally:
            if hub is not None:  # the ticket holds its legs' data by now
                hub.unsubscribe(owner)

    def _add_strategy(self, spec: StrategySpec, near: Any, legs: list[Any]) -> None:
        side = f"{spec.side} " if spec.side else ""
        delta = f" {round(spec.target_delta * 100)}Δ" if spec.target_delta else ""
        reason = (
            f"{side}{spec.label.lower()}{delta}, {near.expiration:%d %b %y} ({near.days_to_expiration} DTE)"
        )
        self.draft.set_legs(legs, reason=reason[:1].upper() + reason[1:])
        self.strategy.say(f"Added: {reason}")
        self.expand(near)
        self._show_ticket()

    def set_strike_defaults(self) -> bool:
        """Strategy width/strike defaults from the chain's spacing at the money (once a price is in)."""
        if self.loaded is None or not self.loaded.chain.expirations:
            return False
        near = self.loaded.chain.expiration_by_dte(DEFAULT_DTE)
        spot = self._spot(near)
        if spot is None:
            return False
        self.strategy.set_strike_step(strike_step(near, spot), spot)
        return True
