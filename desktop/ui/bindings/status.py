"""Status bar <-> session (REST), market data hub (DXLink) and portfolio (account streamer)."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject

from desktop.ui.status_bar import ConnectionStatusBar

# REST transport states -> the words the status bar shows
_REST_WORDS = {
    "ok": "connected",
    "retrying": "reconnecting",
    "offline": "disconnected",
    "unauthorized": "failed",
}
_SESSION_WORDS = {"signed-out": "idle", "signing-in": "connecting", "error": "failed"}


class StatusBinding(QObject):
    """Keeps the status bar's lights and counters in step with the services."""

    def __init__(
        self, bar: ConnectionStatusBar, session: Any, hub: Any, portfolio: Any, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.bar, self.session, self.hub, self.portfolio = bar, session, hub, portfolio
        self._streamer_reconnects = 0
        session.state_changed.connect(self._session_state)
        session.rest_state_changed.connect(self._rest_state)
        hub.connection_state_changed.connect(lambda state, detail: bar.set_link("dxlink", state, detail))
        hub.stats_changed.connect(self._hub_stats)
        hub.updated.connect(self._hub_updated)
        portfolio.streamer_state_changed.connect(self._streamer_state)
        self._session_state(session.state)
        bar.set_link("dxlink", hub.state)

    def _session_state(self, state: str) -> None:
        if state == "ready":
            self._rest_state(self.session.rest_state)
        else:
            self.bar.set_link("rest", _SESSION_WORDS.get(state, state))

    def _rest_state(self, state: str) -> None:
        self.bar.set_link("rest", _REST_WORDS.get(state, state))

    def _streamer_state(self, state: str, detail: str = "") -> None:
        if state == "reconnecting":  # one per attempt: the streamer says "attempt N in ..."
            self._streamer_reconnects += 1
        self.bar.set_link("streamer", state, detail)
        self._update_reconnects()

    def _hub_updated(self, event_type: str) -> None:
        if event_type == "Quote":
            self.bar.quote_arrived()

    def _hub_stats(self) -> None:
        stats = self.hub.stats
        age = stats.freshest_quote_age_s
        self.bar.set_quote_time(None if age is None else time.monotonic() - age)
        self._update_reconnects()

    def _update_reconnects(self) -> None:
        self.bar.set_reconnects(int(self.hub.stats.reconnect_attempts) + self._streamer_reconnects)
