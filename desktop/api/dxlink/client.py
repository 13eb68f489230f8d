"""DXLinkClient: a long-lived DXLink market-data connection that survives anything the network does.

It owns the reconnect loop (exponential backoff with jitter), the quote token (fetched through
the token provider, renewed when refused, withdrawn or older than its 24 hours), the wanted
subscriptions (resubscribed on every new connection, exactly once each) and the candle series.
Each socket's protocol work is done by ``session.FeedSession``.

Callbacks run on the event loop that called ``start()``: ``on_events(event_type, events)`` once
per decoded FEED_DATA batch (never per event), ``on_state(state, detail)`` on every change of
``state`` (``connecting``, ``authorizing``, ``connected``, ``reconnecting``, ``unauthorized``,
``closed``). Neither the quote token nor anything derived from it is ever logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus, WebSocketException

import desktop
from desktop.api.dxlink.candles import CandleSeries
from desktop.api.dxlink.events import EVENT_CLASSES
from desktop.api.dxlink.session import FeedSession, SessionEnded, TokenExpired, TokenRefused
from desktop.api.dxlink.sockets import SOCKET_LOG, proxy_for
from desktop.api.dxlink.subscriptions import SubscriptionBook
from desktop.api.retry import backoff_delay
from desktop.core.candles import normalize_candle_symbol as candle_key

log = logging.getLogger(__name__)

EventsCallback = Callable[[str, list[Any]], None]
StateCallback = Callable[[str, str], None]


class QuoteTokenLike(Protocol):
    """What the token provider returns (``TastytradeClient.quote_token()``); ``expires_at`` optional."""

    token: str
    dxlink_url: str


@dataclass(slots=True)
class DXLinkConfig:
    """Timings and limits; the defaults follow the reference and the official JS client."""

    keepalive_s: float = 30.0
    dead_after_s: float = 60.0
    aggregation_period: float = 0.1
    action_timeout_s: float = 10.0
    reconnect_base_s: float = 1.0
    reconnect_max_s: float = 30.0
    healthy_after_s: float = 10.0
    token_max_age_s: float = 24 * 3600.0
    batch_s: float = 0.1
    pace_s: float = 0.1
    items_per_tick: int = 300
    max_message_bytes: int = 8192
    max_candle_snapshots: int = 16
    version: str = f"0.1-TastyDesk/{desktop.__version__}"


@dataclass(slots=True)
class DXLinkStats:
    """Counters for the status bar; times are ``time.time()`` seconds."""

    reconnect_attempts: int = 0
    connects: int = 0
    frames_received: int = 0
    events_received: int = 0
    subscription_items_sent: int = 0
    last_inbound_at: float | None = None
    connected_since: float | None = None


class DXLinkClient:
    """DXLink client: subscriptions, reconnection and candle series over one socket at a time."""

    def __init__(
        self,
        token_provider: Callable[[], Awaitable[QuoteTokenLike]],
        *,
        keepalive_s: float = 30.0,
        dead_after_s: float = 60.0,
        aggregation_period: float = 0.1,
        on_events: EventsCallback | None = None,
        on_state: StateCallback | None = None,
        **config: Any,
    ) -> None:
        self.config = DXLinkConfig(
            keepalive_s=keepalive_s,
            dead_after_s=dead_after_s,
            aggregation_period=aggregation_period,
            **config,
        )
        self.on_events = on_events
        self.on_state = on_state
        self.stats = DXLinkStats()
        self.book = SubscriptionBook()
        self.items_per_tick = self.config.items_per_tick
        self._token_provider = token_provider
        self._token: QuoteTokenLike | None = None
        self._token_fetched_at = 0.0
        self._channels: dict[str, int] = {}
        self._series: dict[str, CandleSeries] = {}  # candle key -> series
        self._series_by_wire: dict[str, CandleSeries | None] = {}
        self._session: FeedSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._state = "closed"
        self._detail = ""

    # -- public API ---------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self._state

    @property
    def state_detail(self) -> str:
        return self._detail

    def start(self) -> None:
        """Start connecting (in the background, on the running loop). Idempotent."""
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="dxlink-client")

    async def close(self) -> None:
        """Close the connection and stop reconnecting. Subscriptions and candle series are kept
        for a later ``start()``, which fetches a fresh quote token."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
        self._session = None
        self._token = None  # the next start may be another environment, or hours later
        for series in self._series.values():
            series.connection_lost()
        self._set_state("closed", "")

    def subscribe(self, event_type: str, symbols: Iterable[str]) -> None:
        """Stream ``event_type`` events for ``symbols`` (streamer symbols), now and after reconnects."""
        if event_type not in EVENT_CLASSES or event_type == "Candle":
            raise ValueError(f"cannot subscribe to {event_type!r} here (candles: subscribe_candles)")
        if self.book.add(event_type, symbols):
            self._wake()

    def unsubscribe(self, event_type: str, symbols: Iterable[str]) -> None:
        if self.book.remove(event_type, symbols):
            self._wake()

    def subscribed(self, event_type: str) -> set[str]:
        """The symbols wanted for ``event_type`` (whether or not on the wire right now)."""
        return set(self.book.wanted(event_type))

    def subscribe_candles(self, candle_symbol: str, from_ms: int) -> CandleSeries:
        """The series of ``candle_symbol`` with history from ``from_ms``, live from then on.

        Subscribing a symbol that is already open returns the same series (loading older
        history first when ``from_ms`` is earlier than what it covers).
        """
        key = candle_key(candle_symbol)
        series = self._series.get(key)
        if series is not None:
            series.load_older(from_ms)
            return series
        series = CandleSeries(key, from_ms)
        series.request_history = lambda t, s=series: self._request_history(s, t)
        series.on_loading_changed.connect(self._on_series_loading)
        self._series[key] = series
        self._series_by_wire.clear()
        self.book.add("Candle", [key], from_ms)
        self.book.resend("Candle", key)  # a series released and reopened in one tick needs a snapshot
        self._wake()
        return series

    def unsubscribe_candles(self, candle_symbol: str) -> None:
        key = candle_key(candle_symbol)
        series = self._series.pop(key, None)
        if series is None:
            return
        series.request_history = None
        self._series_by_wire.clear()
        if self.book.remove("Candle", [key]):
            self._wake()

    def data_formats(self) -> dict[str, str]:
        """The data format each open channel currently uses (``COMPACT``/``FULL``), by event type."""
        session = self._session
        return session.data_formats() if session is not None else {}

    def candle_series(self, candle_symbol: str) -> CandleSeries | None:
        return self._series.get(candle_key(candle_symbol))

    # -- used by FeedSession --------------------------------------------------------------------
    def channel_for(self, event_type: str) -> int:
        """The (odd) channel number of an event type; stable for the client's lifetime."""
        channel = self._channels.get(event_type)
        if channel is None:
            channel = self._channels[event_type] = 2 * len(self._channels) + 1
        return channel

    def deliver(self, event_type: str, events: list[Any]) -> None:
        if event_type == "Candle":
            self._deliver_candles(events)
            return
        callback = self.on_events
        if callback is not None:
            try:
                callback(event_type, events)
            except Exception:
                log.exception("DXLink on_events callback failed for %d %s events", len(events), event_type)

    def session_authorizing(self) -> None:
        self._set_state("authorizing", "sending the quote token")

    def session_authorized(self, session: FeedSession) -> None:
        self.stats.connects += 1
        self.stats.connected_since = time.time()
        self._set_state("connected", "")

    def candle_snapshots_in_flight(self) -> int:
        """Candle subscriptions on the wire whose snapshot has not completed yet."""
        sent = self.book.sent("Candle")
        return sum(1 for key, series in self._series.items() if series.loading and key in sent)

    def slow_down(self) -> None:
        """The server complained about our subscription rate: halve the pace (not below 20)."""
        self.items_per_tick = max(20, self.items_per_tick // 2)
        log.warning("DXLink subscription pace lowered to %d items per tick", self.items_per_tick)

    # -- internals ----------------------------------------------------------------------------
    def _wake(self) -> None:
        if self._session is not None:
            self._session.wake()

    def _on_series_loading(self, loading: bool) -> None:
        if not loading:
            self._wake()  # room for another snapshot

    def _request_history(self, series: CandleSeries, from_ms: int) -> None:
        if self._series.get(series.symbol) is series:
            self.book.add("Candle", [series.symbol], from_ms)
            self._wake()

    def _deliver_candles(self, events: list[Any]) -> None:
        groups: dict[str, list[Any]] = {}
        for event in events:
            groups.setdefault(event.symbol, []).append(event)
        for wire_symbol, group in groups.items():
            series = self._series_by_wire.get(wire_symbol, False)
            if series is False:
                try:
                    series = self._series.get(candle_key(wire_symbol))
                except ValueError:
                    series = None
                self._series_by_wire[wire_symbol] = series
            if series is not None:
                series.apply(group)

    def _set_state(self, state: str, detail: str) -> None:
        if (state, detail) == (self._state, self._detail):
            return
        self._state, self._detail = state, detail
        log.info("DXLink %s%s", state, f": {detail}" if detail else "")
        if self.on_state is not None:
            try:
                self.on_state(state, detail)
            except Exception:
                log.exception("DXLink on_state callback failed")

    def _token_stale(self) -> bool:
        if self._token is None:
            return True
        if time.time() - self._token_fetched_at > self.config.token_max_age_s:
            return True
        expires = getattr(self._token, "expires_at", None)
        if isinstance(expires, datetime):
            expires = expires.timestamp()
        return isinstance(expires, int | float) and expires - time.time() < 60

    async def _fresh_token(self, force: bool) -> tuple[QuoteTokenLike, bool]:
        """The token to use and whether it was fetched just now."""
        if force or self._token_stale():
            self._token = await self._token_provider()
            self._token_fetched_at = time.time()
            return self._token, True
        assert self._token is not None
        return self._token, False

    def _prepare_resubscribe(self) -> None:
        """A new socket carries nothing: everything wanted is pending again, candles resync."""
        self.book.forget_sent()
        for key, series in self._series.items():
            series.connection_lost()
            self.book.add("Candle", [key], series.resync_from_ms())

    async def _run(self) -> None:
        cfg = self.config
        attempt = 0  # consecutive failed connections
        refusals = 0  # consecutive refusals of a token fresh from the provider
        force_token = False
        self._set_state("connecting", "")
        while True:
            reason = ""
            immediate = False
            session: FeedSession | None = None
            fetched_now = False
            try:
                token, fetched_now = await self._fresh_token(force_token)
                force_token = False
                self._prepare_resubscribe()
                async with connect(
                    token.dxlink_url,
                    proxy=proxy_for(token.dxlink_url),
                    ping_interval=None,
                    logger=SOCKET_LOG,
                    open_timeout=cfg.action_timeout_s,
                    close_timeout=1.0,
                    max_size=2**24,
                ) as ws:
                    session = FeedSession(self, ws, token.token)
                    self._session = session
                    await session.run()
            except TokenRefused as exc:
                reason = str(exc)
                force_token = True
                if fetched_now:
                    refusals += 1
                else:
                    immediate = True  # a cached token: try once more with a fresh one at once
            except TokenExpired as exc:
                reason, force_token, immediate = str(exc), True, True
            except SessionEnded as exc:
                reason = str(exc)
            except InvalidStatus as exc:
                reason = f"the server answered the connection with HTTP {exc.response.status_code}"
            except (OSError, TimeoutError, WebSocketException) as exc:
                reason = _network_text(exc)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the token provider (REST) failed
                log.warning("DXLink could not get a quote token: %s", exc)
                reason = f"could not get a quote token: {exc}"
            finally:
                self._session = None
            for series in self._series.values():
                series.connection_lost()
            lasted = 0.0
            if session is not None and session.authorized_at is not None:
                refusals = 0
                lasted = time.monotonic() - session.authorized_at
                if lasted >= cfg.healthy_after_s:
                    attempt = 0
            attempt += 1
            self.stats.reconnect_attempts += 1
            if attempt >= 3:
                force_token = True  # the token's URL may have moved: ask for a fresh token and URL
            if refusals:
                # Even a token fresh from the provider was refused: keep trying, more and more
                # slowly, with a new token each time (the account may regain its entitlement).
                delay = backoff_delay(refusals, cfg.reconnect_base_s * 2, cfg.reconnect_max_s * 2)
                self._set_state("unauthorized", f"{reason}; retrying in {delay:.1f} s")
            else:
                delay = backoff_delay(attempt, cfg.reconnect_base_s, cfg.reconnect_max_s)
                if immediate and (attempt == 1 or lasted >= 2.0 or session is None or not session.authorized):
                    delay = 0.0  # a token matter, not a network one: a fresh token right away
                self._set_state("reconnecting", f"attempt {attempt} in {delay:.1f} s: {reason}")
            if delay:
                await asyncio.sleep(delay)


def _network_text(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"network error: {text}"
