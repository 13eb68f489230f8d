"""The status bar: REST, DXLink and account-streamer states, freshest-quote age, reconnects.

:class:`ConnectionStatusBar` is a plain view: whoever owns the services calls
:meth:`set_link`, :meth:`set_quote_time` and :meth:`set_reconnects`; a 1 s timer keeps the
quote age current.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from desktop.ui import format as fmt
from desktop.ui.theme import set_tone

# link name -> (label, tooltip)
LINKS = {
    "rest": ("REST", "The Tastytrade REST API: accounts, balances, orders"),
    "dxlink": ("DXLink", "The market-data stream: quotes, greeks, candles"),
    "streamer": ("Account", "The account streamer: live orders, positions and balances"),
}

# state word -> colour role in the theme's accent group
STATE_TONES = {
    "connected": "ok",
    "connecting": "busy",
    "reconnecting": "busy",
    "authorizing": "busy",
    "disconnected": "down",
    "failed": "down",
    "error": "down",
    "stopped": "off",
    "idle": "off",
}

_STALE_AFTER_S = 15.0


class ConnectionStatusBar(QStatusBar):
    """Connection lights and counters; every label has a stable object name and a tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._colors: dict[str, str] = {
            "ok": "#1f9d4c",
            "busy": "#c98a00",
            "down": "#d0342c",
            "off": "#9aa0a8",
        }
        self.states: dict[str, str] = {}
        self.details: dict[str, str] = {}
        self.links: dict[str, QLabel] = {}
        for key, (_label, tip) in LINKS.items():
            w = QLabel(self)
            w.setObjectName(f"status_{key}")
            w.setToolTip(tip)
            self.links[key] = w
            self.addPermanentWidget(w)
            self.set_link(key, "idle")
        self.quote_age = QLabel("Last quote: never", self)
        self.quote_age.setObjectName("status_quoteAge")
        self.quote_age.setToolTip("How long ago the freshest quote arrived")
        self.reconnects = QLabel("Reconnects: 0", self)
        self.reconnects.setObjectName("status_reconnects")
        self.reconnects.setToolTip("Automatic reconnect attempts of the streams since start")
        self.addPermanentWidget(self.quote_age)
        self.addPermanentWidget(self.reconnects)
        self._last_quote: float | None = None  # time.monotonic() of the freshest quote
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._refresh_age)
        self._timer.start()

    def set_colors(self, colors: dict[str, str]) -> None:
        """Theme colours for the lights (``ok``, ``busy``, ``down``, ``off``)."""
        self._colors.update(colors)
        for key in self.links:
            self.set_link(key, self.states.get(key, "idle"), self.details.get(key, ""))

    def set_link(self, key: str, state: str, detail: str = "") -> None:
        """Show ``state`` (e.g. ``connected``, ``reconnecting``) for link ``key``."""
        state = (state or "idle").lower()
        self.states[key], self.details[key] = state, detail
        label, tip = LINKS.get(key, (key, ""))
        color = self._colors.get(STATE_TONES.get(state, "busy"), "#9aa0a8")
        w = self.links[key]
        w.setText(f'<span style="color:{color}">\u25cf</span> {label}: {state}')
        w.setToolTip(f"{tip}\n{state}{': ' + detail if detail else ''}")

    def set_quote_time(self, monotonic_time: float | None) -> None:
        """The ``time.monotonic()`` at which the freshest quote arrived."""
        self._last_quote = monotonic_time
        self._refresh_age()

    def quote_arrived(self) -> None:
        """A quote arrived just now (cheap: the label itself refreshes once a second)."""
        first = self._last_quote is None
        self._last_quote = time.monotonic()
        if first:
            self._refresh_age()

    def quote_age_seconds(self) -> float | None:
        return None if self._last_quote is None else max(time.monotonic() - self._last_quote, 0.0)

    def _refresh_age(self) -> None:
        age = self.quote_age_seconds()
        self.quote_age.setText(f"Last quote: {fmt.age(age)}")
        stale = age is not None and age > _STALE_AFTER_S
        set_tone(self.quote_age, "warning" if stale else None)

    def set_reconnects(self, count: int) -> None:
        self.reconnects.setText(f"Reconnects: {count}")
