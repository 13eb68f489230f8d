"""Run the embedded exchange: ``Exchange`` on the current loop, ``ExchangeThread`` on its own.

One aiohttp application serves REST, ``/__admin/*`` and the websockets (``/dxlink`` from
``desktop.simulator.dxlink``, ``/account-streamer`` from ``desktop.simulator.streamer``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import urllib.error
import urllib.request
from typing import Any

from aiohttp import web

from desktop.simulator import admin, dxlink, streamer
from desktop.simulator.bus import AccountBus
from desktop.simulator.clock import Clock
from desktop.simulator.config import ExchangeConfig
from desktop.simulator.context import ExchangeContext
from desktop.simulator.faults import Faults
from desktop.simulator.market import MarketModel
from desktop.simulator.rest.app import build_app
from desktop.simulator.tokens import TokenStore

__all__ = ["Exchange", "ExchangeConfig", "ExchangeThread"]

log = logging.getLogger(__name__)


class Exchange:
    """The exchange on the running event loop (``await start()`` ... ``await stop()``)."""

    def __init__(self, config: ExchangeConfig | None = None) -> None:
        self.config = config or ExchangeConfig()
        self.ctx: ExchangeContext | None = None
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.dxlink_url = ""
        self.streamer_url = ""

    async def start(self) -> None:
        cfg = self.config
        clock = Clock()
        market = MarketModel(cfg.seed, cfg.sessions, clock.now_ms)
        ctx = ExchangeContext(cfg, market, AccountBus(), Faults(), TokenStore(clock), clock)
        self.ctx = ctx
        from desktop.simulator.account.ledger import Ledger

        ctx.ledger = Ledger.open(ctx)
        app = build_app(ctx)
        if cfg.admin:
            admin.register(app, ctx)
        dxlink.register(app, ctx)
        streamer.register(app, ctx)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, cfg.host, cfg.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            ctx.ledger.close()
            raise
        self._runner = runner
        host, port = runner.addresses[0][:2]
        shown = cfg.host if cfg.host not in ("0.0.0.0", "::") else host
        self.base_url = f"http://{shown}:{port}"
        self.dxlink_url = f"ws://{shown}:{port}/dxlink"
        self.streamer_url = f"ws://{shown}:{port}/account-streamer"
        ctx.base_url = self.base_url
        market.start()
        ctx.ledger.start()
        log.info("exchange listening on %s (seed %s, sessions %s)", self.base_url, cfg.seed, cfg.sessions)

    async def stop(self) -> None:
        ctx = self.ctx
        if ctx is None:
            return
        if ctx.ledger is not None:
            await ctx.ledger.stop()
        await ctx.market.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if ctx.ledger is not None:
            ctx.ledger.close()
        self.ctx = None
        log.info("exchange stopped")

    async def __aenter__(self) -> Exchange:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


class ExchangeThread:
    """The exchange in its own thread with its own loop (Demo mode, the test fixture)."""

    def __init__(self, config: ExchangeConfig | None = None) -> None:
        self.config = config or ExchangeConfig()
        self.exchange = Exchange(self.config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        return self.exchange.base_url

    @property
    def dxlink_url(self) -> str:
        return self.exchange.dxlink_url

    @property
    def streamer_url(self) -> str:
        return self.exchange.streamer_url

    def start(self, timeout: float = 60.0) -> None:
        """Start and return once listening; re-raises a start failure."""
        self._thread = threading.Thread(target=self._run, name="tastydesk-exchange", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout):
            raise RuntimeError(f"the exchange did not start within {timeout} s")
        if self._error is not None:
            raise RuntimeError(f"the exchange failed to start: {self._error}") from self._error

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self.exchange.start())
        except BaseException as exc:  # reported to start()'s caller
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    def stop(self, timeout: float = 30.0) -> None:
        """Clean shutdown: state flushed, sockets closed, thread joined."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            return
        future = asyncio.run_coroutine_threadsafe(self.exchange.stop(), loop)
        try:
            future.result(timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)

    def admin(self, path: str, body: dict[str, Any] | None = None, timeout: float = 30.0) -> dict[str, Any]:
        """POST ``body`` (GET when None) to ``/__admin/<path>``; the JSON answer, or RuntimeError."""
        url = f"{self.base_url}/__admin/{path.lstrip('/')}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method="GET" if body is None else "POST")
        req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")
            raise RuntimeError(f"admin {path} answered {exc.code}: {detail}") from None
