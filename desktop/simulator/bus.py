"""The account event bus: the ledger publishes, the account streamer subscribes.

Events carry exactly the REST object shapes (``Order``, ``ComplexOrder``, ``CurrentPosition``,
``AccountBalance``); the account streamer wraps them as ``{"type", "data", "timestamp"}``.
Everything runs on the exchange's event loop; ``publish`` never blocks.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any, NamedTuple

log = logging.getLogger(__name__)

EVENT_TYPES = ("Order", "ComplexOrder", "CurrentPosition", "AccountBalance")


class AccountEvent(NamedTuple):
    """One notification for one account."""

    account_number: str
    type: str  # one of EVENT_TYPES
    data: dict[str, Any]  # the REST object, freshly built for this event (do not mutate)
    timestamp: int  # epoch ms


class AccountBus:
    """Fan-out of account events to subscribers, each with its own queue and account set."""

    def __init__(self, max_queue: int = 10_000) -> None:
        self._subs: dict[asyncio.Queue[AccountEvent], frozenset[str]] = {}
        self._max_queue = max_queue
        self.published = 0

    def subscribe(
        self, account_numbers: Iterable[str], queue: asyncio.Queue[AccountEvent] | None = None
    ) -> asyncio.Queue[AccountEvent]:
        """Receive events for ``account_numbers`` on a queue (pass ``queue`` to change its set)."""
        q: asyncio.Queue[AccountEvent] = queue if queue is not None else asyncio.Queue(self._max_queue)
        self._subs[q] = frozenset(account_numbers)
        return q

    def unsubscribe(self, queue: asyncio.Queue[AccountEvent]) -> None:
        self._subs.pop(queue, None)

    def subscriptions(self) -> int:
        return len(self._subs)

    def publish(self, account_number: str, type: str, data: dict[str, Any]) -> None:
        """Deliver to every subscriber of ``account_number``; a full queue drops the event (logged)."""
        if type not in EVENT_TYPES:
            raise ValueError(f"unknown account event type {type!r}")
        event = AccountEvent(account_number, type, data, time.time_ns() // 1_000_000)
        self.published += 1
        for q, accounts in list(self._subs.items()):
            if account_number in accounts:
                try:
                    q.put_nowait(event)
                except asyncio.QueueFull:
                    log.warning(
                        "account bus: subscriber queue full, %s event for %s dropped", type, account_number
                    )
