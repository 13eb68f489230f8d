"""What the exchange's two websocket endpoints share: the upgrade (or its refusal by a fault
knob), the set of live connections, and the drop/stall fault actions."""

from __future__ import annotations

from typing import Any, Protocol

from aiohttp import web

MAX_CLIENT_FRAME_BYTES = 64 * 1024  # larger client frames are refused with close code 1009


class Connection(Protocol):
    async def run(self) -> None: ...
    def abort(self) -> None: ...
    def stall(self, seconds: float) -> None: ...


class WebSocketEndpoint:
    """Base of ``/dxlink`` and ``/account-streamer``: subclasses say how to build a connection,
    which fault knob refuses the upgrade, and whether aiohttp answers pings itself."""

    autoping = True

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.connections: set[Any] = set()

    def refused_upgrade_status(self) -> int | None:
        raise NotImplementedError

    def connection(self, ws: web.WebSocketResponse, request: web.Request) -> Connection:
        raise NotImplementedError

    async def handle(self, request: web.Request) -> web.StreamResponse:
        refuse = self.refused_upgrade_status()
        if refuse:
            return web.Response(status=int(refuse), text=f"{int(refuse)} upgrade refused by fault knob\n")
        ws = web.WebSocketResponse(
            max_msg_size=MAX_CLIENT_FRAME_BYTES, autoping=self.autoping, heartbeat=None, compress=False
        )
        await ws.prepare(request)
        conn = self.connection(ws, request)
        self.connections.add(conn)
        try:
            await conn.run()
        finally:
            self.connections.discard(conn)
        return ws

    async def drop(self, body: dict[str, Any]) -> dict[str, Any]:
        """Admin action: close every socket abruptly (no close frame)."""
        conns = list(self.connections)
        for conn in conns:
            conn.abort()
        return {"dropped": len(conns)}

    async def stall(self, body: dict[str, Any]) -> dict[str, Any]:
        """Admin action: stop sending and reading on every socket for ``seconds``, without closing."""
        seconds = body.get("seconds", 5)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 3600:
            raise ValueError("seconds must be a number from 0 to 3600")
        for conn in self.connections:
            conn.stall(float(seconds))
        return {"stalled": len(self.connections), "seconds": seconds}
