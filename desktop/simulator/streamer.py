"""The account streamer websocket (``GET /account-streamer``), tastytrade-rest.md section 7.

Clients send actions (``connect``, also under its older name ``account-subscribe``;
``heartbeat``; ``public-watchlists-subscribe``, ``quote-alerts-subscribe``,
``user-message-subscribe``), each carrying ``auth-token`` = ``"Bearer <access token>"`` and an
optional ``request-id``. Every action is acknowledged in the reference's shape (no ``type``
key): ``{"status": "ok"|"error", "action", "web-socket-session-id", "request-id", ...}``.
After a successful ``connect`` the account events of the exchange's bus are pushed as
``{"type", "data", "timestamp"}``. A socket that sends neither a message nor a websocket ping
for ``streamer_heartbeat_timeout_s`` is closed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from collections.abc import Iterable
from typing import Any

from aiohttp import WSMsgType, web

from desktop.simulator.bus import AccountEvent
from desktop.simulator.ws_endpoint import WebSocketEndpoint

log = logging.getLogger(__name__)

CONNECT_ACTIONS = ("connect", "account-subscribe")
SUBSCRIBE_ACTIONS = ("public-watchlists-subscribe", "quote-alerts-subscribe", "user-message-subscribe")
OUTBOX_SIZE = 10_000


class StreamerConnection:
    """One account-streamer socket: its session id, accounts and writer loop."""

    def __init__(
        self, server: AccountStreamerServer, ws: web.WebSocketResponse, request: web.Request
    ) -> None:
        self.server = server
        self.ws = ws
        self.request = request
        self.session_id = secrets.token_hex(4)
        self.accounts: set[str] = set()
        self.outbox: asyncio.Queue[AccountEvent | dict[str, Any]] = asyncio.Queue(OUTBOX_SIZE)
        self.last_heard = time.monotonic()
        self.stall_until = 0.0
        self.closing = False

    # ----------------------------------------------------------------- lifecycle
    async def run(self) -> None:
        writer = asyncio.create_task(self._writer(), name="account-streamer-writer")
        try:
            await self._reader()
        finally:
            self.closing = True
            self.server.ctx.bus.unsubscribe(self.outbox)
            with contextlib.suppress(asyncio.QueueFull):
                self.outbox.put_nowait({})  # wakes the writer, which sees ``closing``
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(writer, timeout=2.0)  # let a close handshake in progress finish
            if not self.ws.closed:
                with contextlib.suppress(Exception):
                    await self.ws.close()

    async def _wait_stall(self) -> None:
        while (delay := self.stall_until - time.monotonic()) > 0:  # noqa: ASYNC110 - a deadline, not an event
            await asyncio.sleep(delay)

    def stall(self, seconds: float) -> None:
        self.stall_until = max(self.stall_until, time.monotonic() + seconds)

    def abort(self) -> None:
        """Drop the socket without a close handshake."""
        self.closing = True
        if self.request.transport is not None:
            self.request.transport.abort()

    async def _reader(self) -> None:
        ws = self.ws
        while not self.closing:
            msg = await ws.receive()
            await self._wait_stall()
            if msg.type is WSMsgType.TEXT:
                self.last_heard = time.monotonic()
                try:
                    self._handle(msg.data)
                except Exception:  # a bug must not kill the socket: report it, carry on
                    log.exception("account streamer: handling a client message failed")
                    self._ack("", None, ok=False, message="internal-error")
            elif msg.type is WSMsgType.PING:
                self.last_heard = time.monotonic()  # tastyware v12 relies on websocket pings alone
                await ws.pong(msg.data)
            elif msg.type is WSMsgType.PONG:
                self.last_heard = time.monotonic()
            elif msg.type is WSMsgType.BINARY:
                self._ack("", None, ok=False, message="invalid-message")
            else:
                if msg.type is WSMsgType.ERROR:
                    log.info(
                        "account streamer connection closed: %s (close code %s)", msg.data, ws.close_code
                    )
                return

    # ----------------------------------------------------------------- actions
    def _handle(self, text: str) -> None:
        try:
            msg = json.loads(text)
        except ValueError:
            msg = None
        if not isinstance(msg, dict) or not isinstance(msg.get("action"), str):
            self._ack("", None, ok=False, message="invalid-message")
            return
        action: str = msg["action"]
        request_id = msg.get("request-id")
        customer = self.server.ctx.tokens.validate_access(_token(msg.get("auth-token")))
        if action == "heartbeat":
            self._ack(action, request_id, ok=customer is not None, message="failed")
        elif action in CONNECT_ACTIONS:
            self._connect(action, request_id, customer, msg.get("value"))
        elif action in SUBSCRIBE_ACTIONS:
            if customer is None:
                self._ack(action, request_id, ok=False, message="failed")
            elif not self.accounts:
                self._ack(action, request_id, ok=False, message="connect-not-completed")
            else:
                self._ack(action, request_id, ok=True)
        else:
            self._ack(action, request_id, ok=False, message="unknown-action")

    def _connect(self, action: str, request_id: object, customer: str | None, value: object) -> None:
        accounts = [value] if isinstance(value, str) else value
        if (
            customer is None
            or not isinstance(accounts, list)
            or not accounts
            or not all(isinstance(a, str) for a in accounts)
            or not self.server.owns(customer, accounts)
        ):
            log.info("account streamer %s refused (valid token: %s)", action, customer is not None)
            self._ack(action, request_id, ok=False, message="failed")
            return
        self.accounts.update(accounts)
        self.server.ctx.bus.subscribe(self.accounts, queue=self.outbox)
        self._ack(action, request_id, ok=True, value=list(accounts))

    def _ack(
        self, action: str, request_id: object, ok: bool, message: str = "", value: list[str] | None = None
    ) -> None:
        ack: dict[str, Any] = {
            "status": "ok" if ok else "error",
            "action": action,
            "web-socket-session-id": self.session_id,
        }
        if ok and value is not None:
            ack["value"] = value
        if not ok:
            ack["message"] = message
        if request_id is not None:
            ack["request-id"] = request_id
        try:
            self.outbox.put_nowait(ack)
        except asyncio.QueueFull:
            log.warning("account streamer: outbox full, %s ack dropped", action or "invalid-message")

    # ----------------------------------------------------------------- writer
    async def _writer(self) -> None:
        timeout_s = self.server.heartbeat_timeout_s
        try:
            while not self.closing and not self.ws.closed:
                await self._wait_stall()
                heard = max(self.last_heard, self.stall_until)
                left = heard + timeout_s() - time.monotonic()
                if left <= 0:
                    log.info(
                        "account streamer %s: no heartbeat for %.0f s, closing", self.session_id, timeout_s()
                    )
                    self.closing = True
                    await self.ws.close(code=1000, message=b"idle connection closed")
                    return
                try:
                    async with asyncio.timeout(left):
                        item = await self.outbox.get()
                except TimeoutError:
                    continue
                await self._wait_stall()
                if self.outbox.qsize() >= OUTBOX_SIZE - 1:  # events were dropped: reconnecting resyncs
                    log.warning("account streamer %s: client too far behind, dropping it", self.session_id)
                    self.abort()
                    return
                if self.closing or not item:
                    break
                if isinstance(item, AccountEvent):
                    if item.account_number not in self.accounts:
                        continue
                    payload: dict[str, Any] = {
                        "type": item.type,
                        "data": item.data,
                        "timestamp": item.timestamp,
                    }
                else:
                    payload = item
                await self.ws.send_str(json.dumps(payload, separators=(",", ":")))
        except (ConnectionError, RuntimeError) as exc:
            log.debug("account streamer writer stopped: %s", exc)
            self.closing = True


class AccountStreamerServer(WebSocketEndpoint):
    """The account-streamer endpoint of one exchange and its fault actions."""

    autoping = False  # pings are seen by the connection: they count as heartbeats here

    def heartbeat_timeout_s(self) -> float:
        return float(self.ctx.config.streamer_heartbeat_timeout_s)

    def owns(self, customer_id: str, accounts: Iterable[str]) -> bool:
        """Whether the customer may read every one of these accounts."""
        mine = self.ctx.account_numbers(customer_id)
        return all(a in mine for a in accounts)

    def refused_upgrade_status(self) -> int | None:
        return self.ctx.faults.streamer_upgrade_status

    def connection(self, ws: web.WebSocketResponse, request: web.Request) -> StreamerConnection:
        return StreamerConnection(self, ws, request)


def _token(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def register(app: web.Application, ctx: Any) -> AccountStreamerServer:
    """Serve ``GET /account-streamer`` on ``app`` and add its admin actions to ``ctx.admin_actions``."""
    server = AccountStreamerServer(ctx)
    app.router.add_get("/account-streamer", server.handle)
    ctx.admin_actions.update({"drop-account-streamer": server.drop, "stall-account-streamer": server.stall})
    return server
