"""The DXLink protocol state machine of one connection (no sockets here).

It takes the client's text frames and answers as dxlink.md section 3.3 describes: SETUP and
AUTH in either order, AUTH_STATE, channels, FEED_SETUP/FEED_SUBSCRIPTION (delegated to
:class:`~desktop.simulator.dxlink.feed.FeedChannel`), KEEPALIVE, and ERROR replies for
invalid JSON, protocol violations and a too-high subscription rate. Replies are handed to a
``send`` callable in order; the connection's writer task puts them on the wire.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from desktop.simulator.dxlink.feed import FeedChannel, FeedProtocolError, MarketView

log = logging.getLogger(__name__)

SERVER_VERSION = "1.0-tastydesk-sim"
CONTRACTS = ("AUTO", "TICKER", "STREAM", "HISTORY")
_DOM_TYPES = ("DOM_SETUP",)


@dataclass
class SessionEnv:
    """What a session needs from the exchange (tokens, market, clock, limits)."""

    market: MarketView
    validate_quote: Callable[[str], bool]
    quote_tokens_refused: Callable[[], bool]
    now_ms: Callable[[], int]
    user_id_of: Callable[[str], str | None]
    keepalive_timeout_s: float
    rate_limiter_factory: Callable[[], SubscriptionRateLimiter]


class SubscriptionRateLimiter:
    """Token bucket over subscription items (adds and removes) per connection."""

    def __init__(self, per_second: float, burst: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_second = per_second
        self.burst = burst
        self._clock = clock
        self._tokens = burst
        self._stamp = clock()

    def allow(self, items: int) -> bool:
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.per_second)
        self._stamp = now
        if items > self._tokens:
            return False
        self._tokens -= items
        return True


class DXLinkSession:
    """Protocol state of one DXLink connection."""

    def __init__(self, env: SessionEnv, send: Callable[[dict[str, object]], None]) -> None:
        self.env = env
        self._send = send
        self.setup_done = False
        self.authorized = False
        self.channels: dict[int, FeedChannel] = {}
        self.client_accept_keepalive_s: float | None = None
        self.last_received = time.monotonic()
        self._pending_token: str | None = None
        self._user_id = ""
        self._limiter = env.rate_limiter_factory()

    def set_rate_limiter(self, limiter: SubscriptionRateLimiter) -> None:
        self._limiter = limiter

    # ----------------------------------------------------------------- entry points
    def receive_text(self, text: str) -> None:
        """Handle one client text frame."""
        self.last_received = time.monotonic()
        try:
            msg = json.loads(text)
        except ValueError:
            self._error(0, "INVALID_MESSAGE", "The message is not valid JSON.")
            return
        if not isinstance(msg, dict):
            self._error(0, "INVALID_MESSAGE", "The message must be a JSON object.")
            return
        mtype, channel = msg.get("type"), msg.get("channel")
        if not isinstance(mtype, str) or isinstance(channel, bool) or not isinstance(channel, int | float):
            self._error(0, "INVALID_MESSAGE", "The message needs a string 'type' and a numeric 'channel'.")
            return
        if channel != int(channel) or channel < 0:
            self._error(0, "INVALID_MESSAGE", f"Invalid channel {channel!r}.")
            return
        handler = self._HANDLERS.get(mtype)
        if handler is None:
            if mtype in _DOM_TYPES:
                self._error(int(channel), "BAD_ACTION", f"{mtype} is not supported by this server.")
            else:
                self._error(int(channel), "INVALID_MESSAGE", f"Unknown message type {mtype!r}.")
            return
        handler(self, int(channel), msg)

    def revoke_authorization(self) -> None:
        """The quote token expired: tell the client and stop data until a new AUTH succeeds."""
        if not self.setup_done:
            self._pending_token = None
            return
        self.authorized = False
        self._send({"type": "AUTH_STATE", "channel": 0, "state": "UNAUTHORIZED"})

    # ----------------------------------------------------------------- connection channel
    def _on_setup(self, channel: int, msg: dict[str, object]) -> None:
        if channel != 0:
            self._error(channel, "BAD_ACTION", "SETUP belongs on channel 0.")
            return
        accept = msg.get("acceptKeepaliveTimeout")
        if isinstance(accept, int | float) and not isinstance(accept, bool) and accept > 0:
            self.client_accept_keepalive_s = float(accept)
        self._send(
            {
                "type": "SETUP",
                "channel": 0,
                "keepaliveTimeout": _number(min(60.0, self.client_accept_keepalive_s or 60.0)),
                "acceptKeepaliveTimeout": _number(self.env.keepalive_timeout_s),
                "version": SERVER_VERSION,
            }
        )
        first = not self.setup_done
        self.setup_done = True
        if first and self._pending_token is not None:
            token, self._pending_token = self._pending_token, None
            self._authorize(token)
        else:
            self._send_auth_state()

    def _on_auth(self, channel: int, msg: dict[str, object]) -> None:
        token = msg.get("token")
        if channel != 0 or not isinstance(token, str):
            self._error(channel, "INVALID_MESSAGE", "AUTH belongs on channel 0 and needs a string token.")
            return
        if not self.setup_done:
            self._pending_token = token  # answered right after our SETUP reply
            return
        self._authorize(token)

    def _authorize(self, token: str) -> None:
        ok = bool(token) and not self.env.quote_tokens_refused() and self.env.validate_quote(token)
        was_authorized = self.authorized
        self.authorized = ok
        self._user_id = (self.env.user_id_of(token) or "demo") if ok else ""
        if ok and not was_authorized:
            for feed in self.channels.values():
                feed.restart_snapshots()
        if not ok:
            log.info("DXLink AUTH refused (token present: %s)", bool(token))
        self._send_auth_state()

    def _send_auth_state(self) -> None:
        msg: dict[str, object] = {"type": "AUTH_STATE", "channel": 0}
        if self.authorized:
            msg.update(state="AUTHORIZED", userId=self._user_id)
        else:
            msg["state"] = "UNAUTHORIZED"
        self._send(msg)

    def _on_keepalive(self, channel: int, msg: dict[str, object]) -> None:
        return None

    def _on_client_error(self, channel: int, msg: dict[str, object]) -> None:
        log.info("DXLink client reported %s: %s", msg.get("error"), msg.get("message"))

    # ----------------------------------------------------------------- service channels
    def _on_channel_request(self, channel: int, msg: dict[str, object]) -> None:
        if not self.authorized:
            self._error(channel, "UNAUTHORIZED", "The client is not authorized.")
            return
        if channel == 0:
            self._error(0, "BAD_ACTION", "Channel 0 is reserved for connection messages.")
            return
        if channel in self.channels:
            self._error(channel, "BAD_ACTION", f"Channel with id {channel} already exists")
            return
        service = msg.get("service")
        if service != "FEED":
            self._error(channel, "BAD_ACTION", f"Service {service!r} is not supported by this server.")
            return
        params = msg.get("parameters")
        params = dict(params) if isinstance(params, dict) else {}
        contract = params.setdefault("contract", "AUTO")
        if contract not in CONTRACTS:
            self._error(channel, "INVALID_MESSAGE", f"Unknown contract {contract!r}.")
            return
        self.channels[channel] = FeedChannel(channel_id=channel, contract=str(contract))
        params["subFormat"] = "LIST"
        self._send({"type": "CHANNEL_OPENED", "channel": channel, "service": "FEED", "parameters": params})

    def _on_channel_cancel(self, channel: int, msg: dict[str, object]) -> None:
        if self.channels.pop(channel, None) is not None or channel != 0:
            self._send({"type": "CHANNEL_CLOSED", "channel": channel})

    def _feed(self, channel: int) -> FeedChannel | None:
        if not self.authorized:
            self._error(channel, "UNAUTHORIZED", "The client is not authorized.")
            return None
        feed = self.channels.get(channel)
        if feed is None:
            self._error(channel, "BAD_ACTION", f"Channel with id {channel} is not opened")
        return feed

    def _on_feed_setup(self, channel: int, msg: dict[str, object]) -> None:
        feed = self._feed(channel)
        if feed is None:
            return
        try:
            self._send(feed.apply_setup(msg))
        except FeedProtocolError as exc:
            self._error(channel, exc.error, str(exc))

    def _on_feed_subscription(self, channel: int, msg: dict[str, object]) -> None:
        feed = self._feed(channel)
        if feed is None:
            return
        items = sum(len(v) for k in ("add", "remove") if isinstance(v := msg.get(k), list))
        if items and not self._limiter.allow(items):
            self._error(channel, "BAD_ACTION", "Your subscription rate is too high")
            return
        try:
            feed.apply_subscription(msg, self.env.market, self.env.now_ms())
        except FeedProtocolError as exc:
            self._error(channel, exc.error, str(exc))

    # ----------------------------------------------------------------- helpers
    def _error(self, channel: int, error: str, message: str) -> None:
        self._send({"type": "ERROR", "channel": channel, "error": error, "message": message})

    _HANDLERS: ClassVar[dict[str, Callable[[DXLinkSession, int, dict[str, object]], None]]] = {
        "SETUP": _on_setup,
        "AUTH": _on_auth,
        "KEEPALIVE": _on_keepalive,
        "ERROR": _on_client_error,
        "CHANNEL_REQUEST": _on_channel_request,
        "CHANNEL_CANCEL": _on_channel_cancel,
        "FEED_SETUP": _on_feed_setup,
        "FEED_SUBSCRIPTION": _on_feed_subscription,
    }


def _number(value: float) -> int | float:
    """60.0 -> 60 (as the real server prints whole seconds), 1.5 stays 1.5."""
    return int(value) if float(value).is_integer() else value
