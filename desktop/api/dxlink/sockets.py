"""Helpers shared by the streaming clients: proxy choice, the socket logger."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

# ``websockets`` logs every frame at DEBUG (truncated, so a token's first characters would get
# into a log that scrubbing by whole secret cannot catch). Our sockets log through this logger,
# which never goes below INFO: frames carrying quote or access tokens are never logged.
SOCKET_LOG = logging.getLogger("desktop.api.websocket")
SOCKET_LOG.setLevel(logging.INFO)

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def proxy_for(url: str) -> bool | None:
    """``websockets``' ``proxy`` argument: never a proxy for loopback (the embedded exchange),
    the system's proxy settings otherwise."""
    host = (urlsplit(url).hostname or "").lower()
    return None if host in _LOOPBACK else True
