"""Build the signed-in service stack (session, optional market data hub, portfolio, orders)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop.api.credentials import CredentialStore
from desktop.api.environments import demo
from desktop.services.orders import OrderService
from desktop.services.portfolio import PortfolioService
from desktop.services.session import SessionService
from tests.api._fixtures import MemoryKeyring
from tests.conftest import wait_for


@dataclass
class Stack:
    session: SessionService
    portfolio: PortfolioService
    orders: OrderService
    hub: Any = None
    quote_tokens: list[str] = field(default_factory=list)  # every token the hub was given

    @property
    def client(self) -> Any:
        assert self.session.client is not None
        return self.session.client

    async def close(self) -> None:
        await self.portfolio.close()
        if self.hub is not None:
            await self.hub.close()
        await self.session.close()


async def signed_in_stack(
    exchange: Any,
    *,
    with_hub: bool = False,
    client_secret: str = "demo-secret",
    refresh_token: str = "demo-refresh",
    client_options: dict[str, Any] | None = None,
    streamer_options: dict[str, Any] | None = None,
) -> Stack:
    """Sign in to the exchange and wait until the selected account has fully loaded."""
    session = SessionService(CredentialStore(backend=MemoryKeyring()), client_options=client_options)
    hub = None
    quote_tokens: list[str] = []
    if with_hub:
        from desktop.api.dxlink import DXLinkClient
        from desktop.services.market_data import MarketDataHub

        async def quote_token() -> Any:
            assert session.client is not None
            token = await session.client.quote_token()
            quote_tokens.append(token.token)
            return token

        hub = MarketDataHub(DXLinkClient(quote_token))
    portfolio = PortfolioService(session, hub, streamer_options=streamer_options)
    orders = OrderService(session, portfolio)
    loaded: list[bool] = []
    portfolio.loaded.connect(lambda: loaded.append(True))
    await session.sign_in(demo(exchange.base_url, exchange.streamer_url), client_secret, refresh_token)
    if hub is not None:
        hub.start()
    await wait_for(lambda: loaded, timeout=20)
    await wait_for(lambda: portfolio.streamer_state == "connected", timeout=20)
    return Stack(session, portfolio, orders, hub, quote_tokens)
