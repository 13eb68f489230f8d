"""Positions dock <-> portfolio service (positions, live values) and the hub's dirty set."""

from __future__ import annotations

import logging
from collections.abc import Hashable
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QWidget

from desktop.core.symbols import InstrumentType
from desktop.ui.context import OrderLegRequest, OrderRequest, UiContext
from desktop.ui.docks.positions import PositionLine, PositionsPanel
from desktop.ui.table import RefreshTimer

log = logging.getLogger(__name__)


def position_line(position: Any, values: Any, live: bool = True) -> PositionLine:
    return PositionLine(
        key=position.symbol,
        group=position.underlying_symbol or position.symbol,
        is_group=False,
        symbol=position.symbol,
        instrument_type=position.instrument_type,
        quantity=position.signed_quantity,
        average_open_price=position.average_open_price,
        mark=values.mark,
        open_pl=values.open_pl,
        day_pl=values.day_pl,
        delta=values.delta,
        theta=values.theta,
        vega=values.vega,
        beta_delta=values.beta_weighted_delta,
        dte=values.dte,
        multiplier=position.multiplier,
        live=live,
    )


def closing_request(line: PositionLine, account_number: str) -> OrderRequest:
    """The order that closes ``line`` at its mark (the ticket reviews it before anything is sent)."""
    qty = abs(line.quantity or Decimal(0))
    long = (line.quantity or 0) > 0
    if line.instrument_type == InstrumentType.FUTURE.value:
        action = "Sell" if long else "Buy"
    else:
        action = "Sell to Close" if long else "Buy to Close"
    return OrderRequest(
        account_number=account_number,
        legs=(OrderLegRequest(line.symbol, line.instrument_type, action, qty),),
        underlying=line.group,
        order_type="Limit",
        price=abs(line.mark) if line.mark is not None else None,
        price_effect="Credit" if long else "Debit",
        reason=f"Close {'long' if long else 'short'} {qty.normalize():f} {line.symbol.strip()}",
        source="positionsPanel",
    )


def bind_positions_panel(ctx: UiContext) -> QWidget:
    portfolio = ctx.portfolio

    def close(line: PositionLine) -> None:
        if ctx.account.read_only:
            ctx.messages.warning(
                "Account %s is read-only: positions cannot be closed here.", ctx.account.account_number
            )
            return
        ctx.bus.request_order(closing_request(line, ctx.account.account_number))

    panel = PositionsPanel(ctx.bus.select, close)

    hub = ctx.hub

    def is_live(position: Any) -> bool:
        s = portfolio.quotes.streamer_symbol(position.symbol)
        return bool(s) and (hub.latest("Quote", s) is not None or hub.latest("Trade", s) is not None)

    def rebuild(*_: object) -> None:
        lines = [position_line(p, portfolio.values(p), is_live(p)) for p in portfolio.positions]
        panel.set_lines(lines)

    def account_changed(*_: object) -> None:
        panel.set_lines([])
        panel.loaded = False  # until the new account's positions arrive

    # registered under the portfolio's key: only the symbols the positions subscribed to
    dirty: set[Hashable] = hub.register_view(portfolio)

    def drain() -> set[Hashable]:
        if not dirty:
            return set()
        symbols = {s for _event, s in dirty}
        dirty.clear()
        return {p.symbol for p in portfolio.positions_affected_by(symbols)}

    RefreshTimer(drain, lambda _changed: rebuild(), parent=panel).start()
    portfolio.positions_changed.connect(rebuild)
    portfolio.metrics_changed.connect(rebuild)
    portfolio.account_changed.connect(account_changed)
    ctx.account.changed.connect(lambda *_: setattr(panel, "read_only", ctx.account.read_only))

    def ready() -> str | None:
        if not panel.loaded:
            return "positions not loaded"
        lines = panel.lines()
        if not lines:
            return None  # an account without positions is loaded too
        unmarked = [ln.symbol.strip() for ln in lines if ln.mark is None or not ln.live]
        if unmarked:
            return f"no live mark yet for {', '.join(unmarked[:3])}"
        if all(ln.delta is None for ln in lines):
            return "no greeks yet"
        return None

    ctx.readiness.add("positions with live marks", ready)
    return panel
