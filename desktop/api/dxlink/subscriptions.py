"""Subscription bookkeeping: what the app wants versus what the current connection was sent.

The client never sends an add or a remove directly: it records the wish here and the sender
computes the difference with what this connection already carries. So a symbol added and
removed within one batching window costs nothing, a reconnect (``forget_sent``) resubscribes
everything exactly once, and nothing is sent twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

_dumps = json.dumps

# Time-series types are subscribed with a ``fromTime``.
TIME_SERIES_TYPES = frozenset({"Candle"})


@dataclass(slots=True)
class PendingChanges:
    """One event type's adds (symbol -> fromTime or None) and removes not yet on the wire."""

    event_type: str
    adds: dict[str, int | None]
    removes: dict[str, int | None]

    def __bool__(self) -> bool:
        return bool(self.adds or self.removes)

    def __len__(self) -> int:
        return len(self.adds) + len(self.removes)


class SubscriptionBook:
    """Wanted and sent subscriptions per event type (symbol -> fromTime, None for plain types)."""

    def __init__(self) -> None:
        self._wanted: dict[str, dict[str, int | None]] = {}
        self._sent: dict[str, dict[str, int | None]] = {}

    # -- the app's wishes -------------------------------------------------------------------
    def add(self, event_type: str, symbols: Iterable[str], from_ms: int | None = None) -> bool:
        """Want these symbols; True when that changed anything."""
        wanted = self._wanted.setdefault(event_type, {})
        changed = False
        for symbol in symbols:
            if symbol not in wanted or wanted[symbol] != from_ms:
                wanted[symbol] = from_ms
                changed = True
        return changed

    def remove(self, event_type: str, symbols: Iterable[str]) -> bool:
        """No longer want these symbols; True when that changed anything."""
        wanted = self._wanted.get(event_type)
        if not wanted:
            return False
        changed = False
        for symbol in symbols:
            if symbol in wanted:
                del wanted[symbol]
                changed = True
        return changed

    def wanted(self, event_type: str) -> dict[str, int | None]:
        return dict(self._wanted.get(event_type, {}))

    def event_types(self) -> list[str]:
        """Event types with at least one wanted symbol."""
        return [t for t, symbols in self._wanted.items() if symbols]

    def is_wanted(self, event_type: str, symbol: str) -> bool:
        return symbol in self._wanted.get(event_type, ())

    # -- the connection's state -----------------------------------------------------------
    def sent(self, event_type: str) -> dict[str, int | None]:
        return dict(self._sent.get(event_type, {}))

    def forget_sent(self, event_type: str | None = None) -> None:
        """The connection (or one channel) is gone: nothing of it is on the wire any more."""
        if event_type is None:
            self._sent.clear()
        else:
            self._sent.pop(event_type, None)

    def resend(self, event_type: str, symbol: str) -> None:
        """Send ``symbol``'s add again even if this connection still carries it (a fresh
        time-series subscription must get a fresh snapshot, not be netted out)."""
        sent = self._sent.get(event_type)
        if sent is not None:
            sent.pop(symbol, None)

    def pending(self, event_type: str) -> PendingChanges:
        wanted = self._wanted.get(event_type, {})
        sent = self._sent.get(event_type, {})
        adds = {s: f for s, f in wanted.items() if s not in sent or sent[s] != f}
        removes = {s: f for s, f in sent.items() if s not in wanted}
        return PendingChanges(event_type, adds, removes)

    def mark_sent(self, event_type: str, adds: dict[str, int | None], removes: Iterable[str]) -> None:
        sent = self._sent.setdefault(event_type, {})
        sent.update(adds)
        for symbol in removes:
            sent.pop(symbol, None)

    def unmark_sent(self, changes: PendingChanges) -> None:
        """The server may have dropped these changes: consider them unsent, so they go again
        (re-adding or re-removing is harmless when they did arrive)."""
        sent = self._sent.setdefault(changes.event_type, {})
        for symbol, from_ms in changes.adds.items():
            if symbol in sent and sent[symbol] == from_ms:
                del sent[symbol]
        for symbol, from_ms in changes.removes.items():
            sent.setdefault(symbol, from_ms)


def _item(event_type: str, symbol: str, from_ms: int | None) -> dict[str, object]:
    if event_type in TIME_SERIES_TYPES:
        return {"type": event_type, "symbol": symbol, "fromTime": int(from_ms or 0)}
    return {"type": event_type, "symbol": symbol}


def take(changes: PendingChanges, budget: int) -> PendingChanges:
    """At most ``budget`` of the changes (removes first: they free server capacity)."""
    removes = dict(list(changes.removes.items())[:budget])
    room = max(0, budget - len(removes))
    adds = dict(list(changes.adds.items())[:room])
    return PendingChanges(changes.event_type, adds, removes)


def subscription_messages(
    channel: int, changes: PendingChanges, *, max_bytes: int = 8192, reset: bool = False
) -> list[str]:
    """FEED_SUBSCRIPTION frames for ``changes``, each at most ``max_bytes`` long.

    With ``reset`` the first frame also clears the channel's subscriptions on the server
    (used on a fresh channel and after the server complained, so its state is known exactly).
    """
    kind = changes.event_type
    items: list[tuple[str, str]] = [("remove", _dumps(_item(kind, s, f))) for s, f in changes.removes.items()]
    items += [("add", _dumps(_item(kind, s, f))) for s, f in changes.adds.items()]
    frames: list[str] = []
    head = {"type": "FEED_SUBSCRIPTION", "channel": channel}
    if reset and not items:
        return [_dumps({**head, "reset": True})]
    overhead = len(_dumps(head)) + 40  # the keys of reset/add/remove lists
    batch: dict[str, list[str]] = {"add": [], "remove": []}
    size = overhead
    for key, text in items:
        if size + len(text) + 1 > max_bytes and (batch["add"] or batch["remove"]):
            frames.append(_frame(head, batch, reset and not frames))
            batch = {"add": [], "remove": []}
            size = overhead
        batch[key].append(text)
        size += len(text) + 1
    if batch["add"] or batch["remove"]:
        frames.append(_frame(head, batch, reset and not frames))
    return frames


def _frame(head: dict[str, object], batch: dict[str, list[str]], reset: bool) -> str:
    parts = [f'"type":"FEED_SUBSCRIPTION","channel":{head["channel"]}']
    if reset:
        parts.append('"reset":true')
    for key in ("remove", "add"):
        if batch[key]:
            parts.append(f'"{key}":[' + ",".join(batch[key]) + "]")
    return "{" + ",".join(parts) + "}"
