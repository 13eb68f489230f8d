"""One DXLink websocket connection: handshake, channels, data, keepalive, watchdog, sender.

A ``FeedSession`` lives exactly as long as its socket. It raises a ``SessionEnded`` subclass
saying why it ended (the client decides how to reconnect); it never reconnects itself.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections import deque
from typing import TYPE_CHECKING, Any

from websockets.exceptions import ConnectionClosed

from desktop.api.dxlink.decoder import ChannelFeed, parse_frame
from desktop.api.dxlink.events import WIRE_FIELDS
from desktop.api.dxlink.subscriptions import PendingChanges, subscription_messages, take

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from desktop.api.dxlink.client import DXLinkClient

log = logging.getLogger(__name__)

_monotonic = time.monotonic
_now = time.time
_RESEND_WINDOW_S = 2.0  # what was sent this recently is resent after a rate complaint


class SessionEnded(Exception):
    """The connection is over; the message says why, in words for the status bar."""


class TokenRefused(SessionEnded):
    """The server did not accept the quote token."""


class TokenExpired(SessionEnded):
    """The server withdrew an accepted token (it expired on the live connection)."""


class ServerSilent(SessionEnded):
    """Nothing arrived for longer than the dead-server timeout."""


class FeedSession:
    """The DXLink protocol over one open websocket, for one ``DXLinkClient``."""

    def __init__(self, client: DXLinkClient, ws: ClientConnection, token: str) -> None:
        self._client = client
        self._cfg = client.config
        self._ws = ws
        self._token = token
        self._auth_sent = False
        self.authorized = False
        self.authorized_at: float | None = None
        self._requested: dict[str, int] = {}  # event type -> channel requested on this socket
        self._open: set[str] = set()  # event types whose channel is open and set up
        self._feeds: dict[int, ChannelFeed] = {}
        self._reset_next: set[str] = set()  # fresh channels: first subscription frame resets
        self._wake = asyncio.Event()
        self._pause_until = 0.0
        self._recent: deque[tuple[float, PendingChanges]] = deque()  # sent in the last seconds
        self._keepalive_every = self._cfg.keepalive_s
        self._started = _monotonic()
        self.last_inbound = self._started
        self._last_sent = self._started

    # -- lifecycle ----------------------------------------------------------------------------
    async def run(self) -> None:
        """Speak DXLink until the socket ends; always raises ``SessionEnded`` (or is cancelled)."""
        cfg = self._cfg
        await self._send(
            {
                "type": "SETUP",
                "channel": 0,
                "version": cfg.version,
                "keepaliveTimeout": math.ceil(2 * cfg.keepalive_s),
                "acceptKeepaliveTimeout": math.ceil(cfg.dead_after_s),
            }
        )
        tasks = [
            asyncio.create_task(self._read(), name="dxlink-read"),
            asyncio.create_task(self._keepalive(), name="dxlink-keepalive"),
            asyncio.create_task(self._watchdog(), name="dxlink-watchdog"),
            asyncio.create_task(self._sender(), name="dxlink-sender"),
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        for task in done:
            exc = task.exception()
            if exc is not None:
                raise exc
        raise SessionEnded(self._close_text())

    def data_formats(self) -> dict[str, str]:
        formats = {}
        for event_type, channel in self._requested.items():
            feed = self._feeds.get(channel)
            if feed is not None:
                formats[event_type] = feed.data_format
        return formats

    def wake(self) -> None:
        """Subscriptions changed: let the sender look (it batches for a moment first)."""
        self._wake.set()

    def _close_text(self) -> str:
        code = self._ws.close_code
        if code == 1009:
            return "the server refused a message as too big (close 1009)"
        if code is None or code == 1006:
            return "the connection was lost"
        reason = self._ws.close_reason
        return f"the server closed the connection (code {code}{': ' + reason if reason else ''})"

    async def _send(self, message: dict[str, Any] | str) -> None:
        text = message if isinstance(message, str) else json.dumps(message, separators=(",", ":"))
        await self._ws.send(text)
        self._last_sent = _monotonic()

    # -- inbound ------------------------------------------------------------------------------
    async def _read(self) -> None:
        try:
            async for text in self._ws:
                if isinstance(text, str):
                    await self._on_text(text)
        except ConnectionClosed:
            pass
        raise SessionEnded(self._close_text())

    async def _on_text(self, text: str) -> None:
        self.last_inbound = _monotonic()
        stats = self._client.stats
        stats.last_inbound_at = _now()
        stats.frames_received += 1
        try:
            message, converted = parse_frame(text)
        except ValueError:
            log.warning("DXLink sent a frame that is not JSON (%d chars); ignored", len(text))
            return
        kind = message.get("type")
        if kind != "FEED_DATA":
            await self._on_control(kind, message)
            return
        channel = message.get("channel")
        feed = self._feeds.get(channel)
        if feed is None:
            feed = self._feeds[channel] = ChannelFeed()
        deliver = self._client.deliver
        for event_type, events in feed.decode(message.get("data") or [], converted):
            stats.events_received += len(events)
            deliver(event_type, events)

    async def _on_control(self, kind: str | None, message: dict[str, Any]) -> None:
        channel = message.get("channel", 0)
        if kind == "KEEPALIVE":
            return
        if kind == "FEED_CONFIG":
            feed = self._feeds.get(channel)
            if feed is None:
                feed = self._feeds[channel] = ChannelFeed()
            feed.configure(message)
        elif kind == "AUTH_STATE":
            await self._on_auth_state(message.get("state"))
        elif kind == "SETUP":
            timeouts = [
                t for t in (message.get("keepaliveTimeout"), message.get("acceptKeepaliveTimeout")) if t
            ]
            if timeouts:
                self._keepalive_every = min(self._cfg.keepalive_s, max(1.0, min(timeouts) / 2))
        elif kind == "CHANNEL_OPENED":
            await self._on_channel_opened(channel)
        elif kind == "CHANNEL_CLOSED":
            self._on_channel_closed(channel)
        elif kind == "ERROR":
            self._on_error(channel, str(message.get("error")), str(message.get("message", "")))
        else:
            log.debug("DXLink message %s on channel %s ignored", kind, channel)

    async def _on_auth_state(self, state: str | None) -> None:
        if state == "AUTHORIZED":
            if not self.authorized:
                self.authorized = True
                self.authorized_at = _monotonic()
                self._client.session_authorized(self)
                self.wake()
        elif state == "UNAUTHORIZED":
            if self.authorized:
                raise TokenExpired("the quote token expired on the live connection")
            if self._auth_sent:
                raise TokenRefused("the server refused the quote token")
            self._auth_sent = True
            self._client.session_authorizing()
            await self._send({"type": "AUTH", "channel": 0, "token": self._token})

    async def _on_channel_opened(self, channel: int) -> None:
        event_type = next((t for t, ch in self._requested.items() if ch == channel), None)
        if event_type is None or event_type in self._open:
            return
        self._feeds.setdefault(channel, ChannelFeed())
        await self._send(
            {
                "type": "FEED_SETUP",
                "channel": channel,
                "acceptAggregationPeriod": self._cfg.aggregation_period,
                "acceptDataFormat": "COMPACT",
                "acceptEventFields": {event_type: list(WIRE_FIELDS[event_type])},
            }
        )
        self._open.add(event_type)
        self._reset_next.add(event_type)
        self.wake()

    def _on_channel_closed(self, channel: int) -> None:
        event_type = next((t for t, ch in self._requested.items() if ch == channel), None)
        if event_type is None:
            return
        log.warning("DXLink server closed the %s channel; reopening it", event_type)
        self._requested.pop(event_type, None)
        self._open.discard(event_type)
        self._feeds.pop(channel, None)
        self._client.book.forget_sent(event_type)
        self._pause_until = _monotonic() + 1.0
        self.wake()

    def _on_error(self, channel: int, code: str, text: str) -> None:
        event_type = next((t for t, ch in self._requested.items() if ch == channel), None)
        where = f"{event_type} channel" if event_type else "connection"
        log.warning("DXLink error on the %s: %s %s", where, code, text)
        lowered = text.lower()
        if "rate" in lowered or "too big" in lowered or "too many" in lowered:
            # The server dropped a subscription message of the last moments (it does not say
            # which): slow down, pause, and send again what went out recently.
            self._client.slow_down()
            horizon = _monotonic() - _RESEND_WINDOW_S
            kept: deque[tuple[float, PendingChanges]] = deque()
            for sent_at, changes in reversed(self._recent):
                if event_type is not None and changes.event_type != event_type:
                    kept.appendleft((sent_at, changes))
                elif sent_at >= horizon:
                    self._client.book.unmark_sent(changes)
            self._recent = kept
            self._pause_until = _monotonic() + 1.0
            self.wake()
        elif code == "UNAUTHORIZED" and not self.authorized and self._auth_sent:
            raise TokenRefused("the server refused the quote token")

    # -- outbound -----------------------------------------------------------------------------
    async def _keepalive(self) -> None:
        """A KEEPALIVE whenever we have sent nothing for the interval (which the server's SETUP
        may shorten at any time: the loop looks often)."""
        while True:
            await asyncio.sleep(min(1.0, self._keepalive_every / 4))
            if _monotonic() - self._last_sent >= self._keepalive_every:
                await self._send({"type": "KEEPALIVE", "channel": 0})

    async def _watchdog(self) -> None:
        cfg = self._cfg
        step = max(0.05, min(1.0, cfg.dead_after_s / 4))
        while True:
            await asyncio.sleep(step)
            now = _monotonic()
            if now - self.last_inbound > cfg.dead_after_s:
                raise ServerSilent(f"no message from the server for {cfg.dead_after_s:g} s")
            if not self.authorized and now - self._started > cfg.action_timeout_s:
                raise SessionEnded(f"no authorization from the server within {cfg.action_timeout_s:g} s")

    async def _sender(self) -> None:
        cfg = self._cfg
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self.authorized:
                continue
            await asyncio.sleep(cfg.batch_s)
            while True:
                pause = self._pause_until - _monotonic()
                if pause > 0:
                    await asyncio.sleep(pause)
                if not await self._send_some():
                    break
                await asyncio.sleep(cfg.pace_s)

    async def _send_some(self) -> bool:
        """Send at most one pacing tick's worth of subscription changes; True if more wait."""
        client = self._client
        book = client.book
        for event_type in book.event_types():
            if event_type not in self._requested:
                channel = client.channel_for(event_type)
                self._requested[event_type] = channel
                contract = "HISTORY" if event_type == "Candle" else "AUTO"
                await self._send(
                    {
                        "type": "CHANNEL_REQUEST",
                        "channel": channel,
                        "service": "FEED",
                        "parameters": {"contract": contract},
                    }
                )
        budget = client.items_per_tick
        for event_type in sorted(self._open):
            if budget <= 0:
                return True
            changes = book.pending(event_type)
            if event_type == "Candle":  # few snapshots at a time (the server limits them)
                room = max(0, self._cfg.max_candle_snapshots - client.candle_snapshots_in_flight())
                if len(changes.adds) > room:
                    changes.adds = dict(list(changes.adds.items())[:room])  # woken when one loads
            reset = event_type in self._reset_next
            if not changes and not reset:
                continue
            chunk = take(changes, budget)
            frames = subscription_messages(
                self._requested[event_type], chunk, max_bytes=self._cfg.max_message_bytes, reset=reset
            )
            for frame in frames:
                await self._send(frame)
            self._reset_next.discard(event_type)
            book.mark_sent(event_type, chunk.adds, chunk.removes)
            now = _monotonic()
            self._recent.append((now, chunk))
            while self._recent and self._recent[0][0] < now - _RESEND_WINDOW_S:
                self._recent.popleft()
            client.stats.subscription_items_sent += len(chunk)
            budget -= len(chunk)
            if len(chunk) < len(changes):
                return True
        return False
