"""Load the reference's recorded JSON examples (tests/api/fixtures/reference)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import keyring.backend
import keyring.errors

FIXTURES = Path(__file__).parent / "fixtures" / "reference"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def data(name: str) -> Any:
    return load(name)["data"]


def leaked_pieces(secret: str, text: str, size: int = 6) -> list[str]:
    """Every ``size``-character piece of ``secret`` that occurs in ``text``.

    Log lines get elided (websockets keeps only a frame's head and tail), so a search for the
    whole token, or for its first characters, misses a token whose middle was cut out.
    """
    pieces = (secret[i : i + size] for i in range(len(secret) - size + 1))
    return [piece for piece in pieces if piece in text]


# --- live-exchange helpers ------------------------------------------------------------------

MAIN = "5WT00001"  # the demo customer's main paper account (owner)
IRA = "5WT00002"  # Roth IRA, cash (owner)
SHARED = "5WT00003"  # read-only authority


def demo_env(exchange: Any) -> Any:
    from desktop.api.environments import demo

    return demo(exchange.base_url, exchange.streamer_url)


def demo_client(exchange: Any, **options: Any) -> Any:
    """A ``TastytradeClient`` signed in with the demo identity (not yet refreshed)."""
    from desktop.api.rest import TastytradeClient

    return TastytradeClient(demo_env(exchange), "demo-client-secret", "demo-refresh-token", **options)


def resting_limit(symbol: str = "SPY", price: str = "1.00", quantity: int = 1, **extra: Any) -> Any:
    """A buy limit far below the market: it rests (never fills) so tests can find, cancel, replace it."""
    from decimal import Decimal

    from desktop.core.orders import NewOrder, OrderAction, OrderLeg

    return NewOrder(
        order_type="Limit",
        time_in_force="Day",
        legs=(OrderLeg("Equity", symbol, OrderAction.BUY_TO_OPEN, Decimal(quantity)),),
        price=Decimal(price),
        price_effect="Debit",
        **extra,
    )


def market_buy(symbol: str = "SPY", quantity: int = 1) -> Any:
    from decimal import Decimal

    from desktop.core.orders import NewOrder, OrderAction, OrderLeg

    return NewOrder(
        order_type="Market",
        time_in_force="Day",
        legs=(OrderLeg("Equity", symbol, OrderAction.BUY_TO_OPEN, Decimal(quantity)),),
    )


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An in-memory keyring for tests."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError(username)
        del self.store[(service, username)]


class LateAnswerProxy:
    """A loopback TCP relay in front of the exchange that can hold back the *answers*.

    Requests reach the exchange at once (so it processes them); with ``delay_s`` set, every
    byte coming back waits that long first: the "the server did it but the answer came too
    late" fault at the TCP level, independent of the exchange's own ``latency_ms`` knob (which
    delays answers, not requests). It also records what the client sent (``sent``: raw request chunks) and how
    many TCP connections it opened (``connections``), so tests can check the wire itself.
    """

    def __init__(self, upstream_url: str) -> None:
        from urllib.parse import urlsplit

        parts = urlsplit(upstream_url)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.delay_s = 0.0
        self.sent: list[bytes] = []
        self.connections = 0
        self._server: Any = None

    async def start(self) -> str:
        import asyncio

        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def _serve(self, reader: Any, writer: Any) -> None:
        import asyncio

        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)

        async def pipe(src: Any, dst: Any, late: bool) -> None:
            try:
                while chunk := await src.read(65536):
                    if not late:
                        self.sent.append(chunk)
                    if late and self.delay_s:
                        await asyncio.sleep(self.delay_s)
                    dst.write(chunk)
                    await dst.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                dst.close()

        await asyncio.gather(pipe(reader, up_writer, False), pipe(up_reader, writer, True))

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
