"""Helpers shared by the streaming clients: backoff delays, proxy choice, the socket logger."""

from __future__ import annotations

import logging
import random
from urllib.parse import urlsplit

# ``websockets`` logs every frame at DEBUG (truncated, so a token's first characters would get
# into a log that scrubbing by whole secret cannot catch). Our sockets log through this logger,
# which never goes below INFO: frames carrying quote or access tokens are never logged.
SOCKET_LOG = logging.getLogger("desktop.api.websocket")
SOCKET_LOG.setLevel(logging.INFO)

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Delay before reconnect ``attempt`` (1, 2, ...): ``base * 2**(attempt-1)`` capped at ``cap``,
    then jittered to 50-100 % of that so many clients never reconnect in step."""
    step = min(cap, base * 2 ** min(max(attempt, 1) - 1, 16))
    return step * (0.5 + random.random() / 2)


def proxy_for(url: str) -> bool | None:
    """``websockets``' ``proxy`` argument: never a proxy for loopback (the embedded exchange),
    the system's proxy settings otherwise."""
    host = (urlsplit(url).hostname or "").lower()
    return None if host in _LOOPBACK else True
