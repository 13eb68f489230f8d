"""The ``GET /dxlink`` websocket route: connections, their writer loop and the fault knobs.

Each connection runs a reader (client frames -> :class:`DXLinkSession`) and one writer task
that owns the socket's output: it sends queued protocol replies, flushes each FEED channel at
its aggregation period (fresh subscriptions at once), sends KEEPALIVE when it has been quiet,
and closes the socket with ``ERROR TIMEOUT`` when the client has sent no message for the
keepalive timeout. Frames over 64 KB are refused by aiohttp with close code 1009.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from typing import Any

from aiohttp import WSMsgType, web

from desktop.simulator.dxlink.encoding import dumps
from desktop.simulator.dxlink.session import DXLinkSession, SessionEnv, SubscriptionRateLimiter
from desktop.simulator.ws_endpoint import WebSocketEndpoint

log = logging.getLogger(__name__)

DEFAULT_SUBSCRIPTIONS_PER_S = 20_000.0
DEFAULT_SUBSCRIPTION_BURST = 100_000.0
_MIN_KEEPALIVE_INTERVAL_S = 0.5
#: Protocol replies queued for a client that keeps sending without reading: past this, it is dropped.
MAX_OUTBOX = 10_000


class DXLinkConnection:
    """One client socket: its session, outbox and writer task."""

    def __init__(self, server: DXLinkServer, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.server = server
        self.ws = ws
        self.request = request
        self.outbox: deque[str] = deque()
        self.wake = asyncio.Event()
        self.stall_until = 0.0
        self.closing = False
        self.last_sent = time.monotonic()
        self.session = DXLinkSession(server.session_env(), self._queue)
        self._cursors: dict[int, Any] = {}

    def _queue(self, message: dict[str, object]) -> None:
        if len(self.outbox) >= MAX_OUTBOX:
            if not self.closing:
                log.warning(
                    "DXLink client sends without reading (%d replies queued): dropping it", MAX_OUTBOX
                )
                self.abort()
            return
        self.outbox.append(dumps(message))
        self.wake.set()

    # ----------------------------------------------------------------- lifecycle
    async def run(self) -> None:
        writer = asyncio.create_task(self._writer(), name="dxlink-writer")
        try:
            await self._reader()
        finally:
            self.closing = True
            self.wake.set()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(writer, timeout=2.0)  # let a close handshake in progress finish
            if not self.ws.closed:
                with contextlib.suppress(Exception):
                    await self.ws.close()

    async def _reader(self) -> None:
        ws = self.ws
        while not self.closing:
            msg = await ws.receive()
            await self._wait_stall()
            if msg.type is WSMsgType.TEXT:
                try:
                    self.session.receive_text(msg.data)
                except Exception:  # a bug must not kill the socket: report it, carry on
                    log.exception("DXLink: handling a client message failed")
                    self._queue(
                        {"type": "ERROR", "channel": 0, "error": "UNKNOWN", "message": "Internal error."}
                    )
                self.wake.set()
            elif msg.type is WSMsgType.BINARY:
                self.session.receive_text("\x00")  # answered with ERROR INVALID_MESSAGE
                self.wake.set()
            elif msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                if msg.type is WSMsgType.ERROR:
                    log.info("DXLink connection closed: %s (close code %s)", msg.data, ws.close_code)
                return

    async def _wait_stall(self) -> None:
        """Sleep out a stall (fault knob); a longer stall set meanwhile is honoured too."""
        while (delay := self.stall_until - time.monotonic()) > 0:  # noqa: ASYNC110 - a deadline, not an event
            await asyncio.sleep(delay)

    def stall(self, seconds: float) -> None:
        self.stall_until = max(self.stall_until, time.monotonic() + seconds)
        self.wake.set()

    def abort(self) -> None:
        """Drop the socket without a close handshake (what a network failure looks like)."""
        self.closing = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    # ----------------------------------------------------------------- writer
    async def _send(self, text: str) -> None:
        await self._wait_stall()
        await self.ws.send_str(text)
        self.last_sent = time.monotonic()

    async def _drain_outbox(self) -> None:
        while self.outbox:
            await self._send(self.outbox.popleft())

    async def _writer(self) -> None:
        try:
            while not self.closing and not self.ws.closed:
                await self._wait_stall()
                await self._drain_outbox()
                now = time.monotonic()
                if self._client_timed_out(now):
                    await self._timeout()
                    return
                if self.session.authorized:
                    await self._flush_channels(now)
                if time.monotonic() - self.last_sent >= self._keepalive_interval():
                    await self._send('{"type":"KEEPALIVE","channel":0}')
                await self._sleep_until_due()
        except (ConnectionError, RuntimeError) as exc:
            log.debug("DXLink writer stopped: %s", exc)
            self.closing = True

    def _keepalive_interval(self) -> float:
        peer = self.session.client_accept_keepalive_s or 60.0
        return max(_MIN_KEEPALIVE_INTERVAL_S, min(peer, 60.0) / 2)

    def _client_timed_out(self, now: float) -> bool:
        heard = max(self.session.last_received, self.stall_until)
        return now - heard > self.server.keepalive_timeout_s

    async def _timeout(self) -> None:
        heard = max(self.session.last_received, self.stall_until)
        seconds = round(time.monotonic() - heard)
        self.outbox.clear()
        message = f"The timeout has been reached. The message was last received {seconds} seconds ago."
        await self._send(dumps({"type": "ERROR", "channel": 0, "error": "TIMEOUT", "message": message}))
        log.info("DXLink client silent for %s s: closing", seconds)
        self.closing = True
        await self.ws.close(code=1000, message=b"keepalive timeout")

    async def _flush_channels(self, now: float) -> None:
        session = self.session
        market = self.server.market
        for channel_id, feed in list(session.channels.items()):
            due = now >= feed.next_due
            if not due and not feed.has_fresh():
                continue
            changed = None
            if due:
                self._cursors[channel_id], changed = market.changed_since(self._cursors.get(channel_id))
                # keep the cadence exact on average; after a long stall, restart from now
                step = feed.aggregation_s
                feed.next_due = feed.next_due + step if feed.next_due + step > now - step else now + step
            texts = feed.flush(market, self.server.now_ms(), changed, fresh_only=not due)
            while True:
                await self._drain_outbox()
                if session.channels.get(channel_id) is not feed or not session.authorized or self.closing:
                    break
                try:
                    text = next(texts, None)
                except Exception:  # e.g. the market failing on one symbol: log, skip this flush
                    log.exception("DXLink: flushing channel %s failed", channel_id)
                    break
                if text is None:
                    break
                await self._send(text)
                await asyncio.sleep(0)  # let REST and other sockets in between two messages
            await self._wait_stall()

    async def _sleep_until_due(self) -> None:
        now = time.monotonic()
        wake_at = self.last_sent + self._keepalive_interval()
        wake_at = min(
            wake_at, max(self.session.last_received, self.stall_until) + self.server.keepalive_timeout_s
        )
        if self.session.authorized:
            for feed in self.session.channels.values():
                if feed.has_fresh():
                    return
                if feed.tickers or feed.candle_subs:
                    wake_at = min(wake_at, feed.next_due)
        if self.outbox or self.closing:
            return
        self.wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), max(0.0, wake_at - now) + 0.001)


class DXLinkServer(WebSocketEndpoint):
    """The DXLink endpoint of one exchange: live connections and the admin fault actions."""

    autoping = True  # websocket pings are answered but never count as DXLink activity

    def __init__(self, ctx: Any) -> None:
        super().__init__(ctx)
        self.market = ctx.market
        self.subscriptions_per_s = DEFAULT_SUBSCRIPTIONS_PER_S
        self.subscription_burst = DEFAULT_SUBSCRIPTION_BURST

    @property
    def keepalive_timeout_s(self) -> float:
        return float(self.ctx.config.dxlink_keepalive_timeout_s)

    def now_ms(self) -> int:
        return int(self.ctx.clock.now_ms())

    def session_env(self) -> SessionEnv:
        tokens = self.ctx.tokens
        return SessionEnv(
            market=self.market,
            validate_quote=tokens.validate_quote,
            quote_tokens_refused=lambda: bool(self.ctx.faults.quote_token_refused),
            now_ms=self.now_ms,
            user_id_of=tokens.quote_customer,
            keepalive_timeout_s=self.keepalive_timeout_s,
            rate_limiter_factory=lambda: SubscriptionRateLimiter(
                self.subscriptions_per_s, self.subscription_burst
            ),
        )

    def refused_upgrade_status(self) -> int | None:
        return self.ctx.faults.dxlink_upgrade_status

    def connection(self, ws: web.WebSocketResponse, request: web.Request) -> DXLinkConnection:
        return DXLinkConnection(self, ws, request)

    # ----------------------------------------------------------------- admin actions
    async def expire_quote_token(self, body: dict[str, Any]) -> dict[str, Any]:
        refused = self.ctx.tokens.refuse_quote_tokens()
        for conn in self.connections:
            conn.session.revoke_authorization()
        return {"tokens_expired": refused, "sockets_notified": len(self.connections)}

    async def full_format(self, body: dict[str, Any]) -> dict[str, Any]:
        switched = 0
        for conn in self.connections:
            for feed in conn.session.channels.values():
                conn._queue(feed.switch_format("FULL"))
                switched += 1
        return {"channels_switched": switched}

    async def subscription_rate(self, body: dict[str, Any]) -> dict[str, Any]:
        per_s = body.get("per_second", DEFAULT_SUBSCRIPTIONS_PER_S)
        burst = body.get("burst", per_s)
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in (per_s, burst)):
            raise ValueError("per_second and burst must be positive numbers")
        self.subscriptions_per_s, self.subscription_burst = float(per_s), float(burst)
        for conn in self.connections:
            conn.session.set_rate_limiter(SubscriptionRateLimiter(float(per_s), float(burst)))
        return {"per_second": per_s, "burst": burst}


def register(app: web.Application, ctx: Any) -> DXLinkServer:
    """Serve ``GET /dxlink`` on ``app`` and add the DXLink admin actions to ``ctx.admin_actions``."""
    server = DXLinkServer(ctx)
    app.router.add_get("/dxlink", server.handle)
    ctx.admin_actions.update(
        {
            "drop-dxlink": server.drop,
            "stall-dxlink": server.stall,
            "expire-quote-token": server.expire_quote_token,
            "dxlink-full-format": server.full_format,
            "dxlink-subscription-rate": server.subscription_rate,
        }
    )
    return server
