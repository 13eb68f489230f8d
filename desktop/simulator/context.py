"""What every part of the exchange shares: config, market, account bus, faults, tokens, clock.

The websocket servers (``dxlink``, ``streamer``) receive this object in their
``register(app, ctx)`` and keep it; REST handlers find it as ``request.app["ctx"]``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from desktop.simulator.bus import AccountBus
from desktop.simulator.clock import Clock
from desktop.simulator.config import ExchangeConfig
from desktop.simulator.faults import Faults
from desktop.simulator.market import MarketModel
from desktop.simulator.tokens import TokenStore

if TYPE_CHECKING:
    from desktop.simulator.account.ledger import Ledger

AdminAction = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass
class ExchangeContext:
    """The exchange's shared state; see docs/architecture.md "The embedded exchange"."""

    config: ExchangeConfig
    market: MarketModel
    bus: AccountBus
    faults: Faults
    tokens: TokenStore
    clock: Clock
    admin_actions: dict[str, AdminAction] = field(default_factory=dict)
    ledger: Ledger | None = None  # the accounts (set by the runner)
    base_url: str = ""  # http://HOST:PORT once listening

    def account_numbers(self, customer_id: str) -> set[str]:
        """Account numbers the customer may read (the account streamer's ``connect`` check)."""
        if self.ledger is None:
            return set()
        return self.ledger.account_numbers(customer_id)
