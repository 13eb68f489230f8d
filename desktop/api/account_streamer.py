"""AccountStreamer: the Tastytrade account-streamer websocket (orders, positions, balances).

Connects, subscribes the accounts with the ``connect`` action (``auth-token`` is the REST
``Authorization`` value, ``Bearer ...``, fetched fresh for every message), sends a JSON
``heartbeat`` every ``heartbeat_s`` and treats a socket that says nothing for ``dead_after_s``
as dead. Notifications (``{"type", "data", "timestamp"}``, also batched as ``{"results": [...]}``)
are parsed with ``desktop.api.models.parse_account_event`` and handed to
``on_event(event_type, event)``.

The server sends no initial state, not on connect and not on reconnect, so after every
re-connect ``on_reconnect()`` is awaited for the services to resync over REST; events that
arrive meanwhile are held and delivered after it, so they are never overwritten by the older
REST snapshot. The access token never appears in a log or an exception message.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

import desktop
from desktop.api.dxlink.sockets import SOCKET_LOG, proxy_for
from desktop.api.models import parse_account_event
from desktop.api.retry import backoff_delay

log = logging.getLogger(__name__)

EventCallback = Callable[[str, Any], None]
StateCallback = Callable[[str, str], None]


class StreamerEnded(Exception):
    """The connection is over; the message says why."""


class StreamerRefused(StreamerEnded):
    """The server refused our ``connect`` (typically an expired or wrong access token)."""


@dataclass(slots=True)
class AccountStreamerStats:
    """Counters for the status bar; times are ``time.time()`` seconds."""

    reconnect_attempts: int = 0
    connects: int = 0
    events_received: int = 0
    last_inbound_at: float | None = None


class AccountStreamer:
    """Account notifications for ``accounts`` over one websocket, reconnecting as needed."""

    def __init__(
        self,
        url: str,
        auth_token: Callable[[], Awaitable[str]],
        accounts: Iterable[str],
        on_event: EventCallback,
        on_state: StateCallback,
        on_reconnect: Callable[[], Awaitable[None]] | None = None,
        heartbeat_s: float = 20.0,
        *,
        dead_after_s: float = 60.0,
        ack_timeout_s: float = 10.0,
        reconnect_base_s: float = 1.0,
        reconnect_max_s: float = 30.0,
        healthy_after_s: float = 10.0,
        resync_on_first_connect: bool = False,
    ) -> None:
        self.url = url
        self.accounts = list(accounts)
        self.on_event = on_event
        self.on_state = on_state
        self.on_reconnect = on_reconnect
        self.heartbeat_s = heartbeat_s
        self.dead_after_s = dead_after_s
        self.ack_timeout_s = ack_timeout_s
        self.reconnect_base_s = reconnect_base_s
        self.reconnect_max_s = reconnect_max_s
        self.healthy_after_s = healthy_after_s
        self.resync_on_first_connect = resync_on_first_connect
        self.stats = AccountStreamerStats()
        self._auth_token = auth_token
        self._task: asyncio.Task[None] | None = None
        self._ws: ClientConnection | None = None
        self._request_id = 0
        self._state = "closed"
        self._detail = ""
        self._held: list[tuple[str, Any]] | None = None
        self._last_inbound = time.monotonic()
        self._connect_ack: asyncio.Future[dict[str, Any]] | None = None
        self._connected_at: float | None = None

    @property
    def state(self) -> str:
        return self._state

    def start(self) -> None:
        """Start connecting in the background on the running loop. Idempotent."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="account-streamer")

    async def close(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self._set_state("closed", "")

    async def set_accounts(self, accounts: Iterable[str]) -> None:
        """Change the subscribed accounts (re-sent on the live socket, and used on reconnects)."""
        self.accounts = list(accounts)
        if self._ws is not None and self._state == "connected":
            await self._send_action("connect", self.accounts)

    # -- connection loop ----------------------------------------------------------------------
    async def _run(self) -> None:
        attempt = 0
        first = True
        self._set_state("connecting", "")
        while True:
            reason = ""
            self._connected_at = None
            try:
                async with connect(
                    self.url,
                    proxy=proxy_for(self.url),
                    ping_interval=None,
                    logger=SOCKET_LOG,
                    open_timeout=self.ack_timeout_s,
                    close_timeout=1.0,
                ) as ws:
                    self._ws = ws
                    await self._session(ws, resync=not first or self.resync_on_first_connect)
            except StreamerRefused as exc:
                reason = str(exc)
            except StreamerEnded as exc:
                reason = str(exc)
            except InvalidStatus as exc:
                reason = f"the server answered the connection with HTTP {exc.response.status_code}"
            except (OSError, TimeoutError, WebSocketException) as exc:
                reason = f"network error: {exc or type(exc).__name__}"
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the token callable (REST) failed
                log.warning("account streamer could not get an access token: %s", exc)
                reason = f"could not get an access token: {exc}"
            finally:
                self._ws = None
                self._connect_ack = None
                self._held = None
            if self._connected_at is not None:
                first = False
                if time.monotonic() - self._connected_at >= self.healthy_after_s:
                    attempt = 0
            attempt += 1
            self.stats.reconnect_attempts += 1
            delay = backoff_delay(attempt, self.reconnect_base_s, self.reconnect_max_s)
            self._set_state("reconnecting", f"attempt {attempt} in {delay:.1f} s: {reason}")
            await asyncio.sleep(delay)

    async def _session(self, ws: ClientConnection, resync: bool) -> None:
        """Subscribe and serve one socket; always ends by raising ``StreamerEnded`` (or cancel)."""
        self._last_inbound = time.monotonic()
        loop = asyncio.get_running_loop()
        self._connect_ack = loop.create_future()
        reader = asyncio.create_task(self._read(ws), name="account-streamer-read")
        helpers: list[asyncio.Task[Any]] = [reader]
        try:
            await self._send_action("connect", self.accounts)
            ack = await self._await_ack(reader)
            if ack.get("status") != "ok":
                message = ack.get("message") or "refused"
                raise StreamerRefused(f"the server refused the account subscription ({message})")
            self._connected_at = time.monotonic()
            self.stats.connects += 1
            helpers += [
                asyncio.create_task(self._heartbeat(), name="account-streamer-heartbeat"),
                asyncio.create_task(self._watchdog(), name="account-streamer-watchdog"),
            ]
            if resync and self.on_reconnect is not None:
                self._held = []
                self._set_state("connected", "resyncing orders, positions and balances")
                helpers.append(asyncio.create_task(self._resync(), name="account-streamer-resync"))
            else:
                self._set_state("connected", "")
            while True:
                done, _ = await asyncio.wait(helpers, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    exc = task.exception()
                    if exc is not None:
                        raise exc
                    if task.get_name() != "account-streamer-resync":
                        raise StreamerEnded(_close_text(ws))
                    helpers.remove(task)
        finally:
            for task in helpers:
                task.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)

    async def _await_ack(self, reader: asyncio.Task[None]) -> dict[str, Any]:
        assert self._connect_ack is not None
        done, _ = await asyncio.wait(
            [reader, self._connect_ack], timeout=self.ack_timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
        if self._connect_ack in done:
            return self._connect_ack.result()
        if reader in done:
            exc = reader.exception()
            raise exc if exc is not None else StreamerEnded("the server closed the connection")
        raise StreamerEnded(f"no answer to the account subscription within {self.ack_timeout_s:g} s")

    async def _resync(self) -> None:
        assert self.on_reconnect is not None
        try:
            await self.on_reconnect()
        except Exception:
            log.exception("resync after the account streamer reconnected failed")
        held, self._held = self._held or [], None
        for event_type, event in held:
            self._deliver(event_type, event)
        self._set_state("connected", "")

    async def _send_action(self, action: str, value: Any = None) -> None:
        ws = self._ws
        if ws is None:
            return
        self._request_id += 1
        message: dict[str, Any] = {
            "action": action,
            "auth-token": await self._auth_token(),
            "request-id": self._request_id,
        }
        if value is not None:
            message["value"] = value
        if action == "connect":
            message["source"] = f"tastydesk/{desktop.__version__}"
        await ws.send(json.dumps(message))

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_s)
            await self._send_action("heartbeat")

    async def _watchdog(self) -> None:
        step = max(0.05, min(1.0, self.dead_after_s / 4))
        while True:
            await asyncio.sleep(step)
            if time.monotonic() - self._last_inbound > self.dead_after_s:
                raise StreamerEnded(f"no message from the server for {self.dead_after_s:g} s")

    # -- inbound ------------------------------------------------------------------------------
    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for text in ws:
                self._on_text(text)
        except ConnectionClosed:
            pass
        raise StreamerEnded(_close_text(ws))

    def _on_text(self, text: str | bytes) -> None:
        self._last_inbound = time.monotonic()
        self.stats.last_inbound_at = time.time()
        try:
            message = json.loads(text)
        except ValueError:
            log.warning("account streamer sent a frame that is not JSON (%d chars)", len(text))
            return
        if not isinstance(message, dict):
            return
        if "results" in message and "type" not in message:
            for item in message.get("results") or []:
                if isinstance(item, dict):
                    self._on_message(item)
        else:
            self._on_message(message)

    def _on_message(self, message: dict[str, Any]) -> None:
        event_type = message.get("type")
        if event_type is None:
            self._on_ack(message)
            return
        try:
            event = parse_account_event(event_type, message.get("data"))
        except Exception as exc:
            log.error("account streamer %s event could not be read (%s); skipped", event_type, exc)
            return
        self.stats.events_received += 1
        if self._held is not None:
            self._held.append((event_type, event))
        else:
            self._deliver(event_type, event)

    def _on_ack(self, message: dict[str, Any]) -> None:
        action = message.get("action")
        status = message.get("status")
        if action == "connect" and self._connect_ack is not None and not self._connect_ack.done():
            self._connect_ack.set_result(message)
        elif status != "ok":
            log.warning("account streamer: %s answered %s (%s)", action, status, message.get("message"))

    def _deliver(self, event_type: str, event: Any) -> None:
        try:
            self.on_event(event_type, event)
        except Exception:
            log.exception("account streamer on_event callback failed for a %s event", event_type)

    def _set_state(self, state: str, detail: str) -> None:
        if (state, detail) == (self._state, self._detail):
            return
        self._state, self._detail = state, detail
        log.info("account streamer %s%s", state, f": {detail}" if detail else "")
        try:
            self.on_state(state, detail)
        except Exception:
            log.exception("account streamer on_state callback failed")


def _close_text(ws: ClientConnection) -> str:
    code = ws.close_code
    if code is None or code == 1006:
        return "the connection was lost"
    reason = ws.close_reason
    return f"the server closed the connection (code {code}{': ' + reason if reason else ''})"
