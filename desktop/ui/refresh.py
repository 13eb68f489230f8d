"""``RefreshTimer``: coalesced repaints of live tables (drain a dirty set ~20 times a second)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable, Iterable

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)


class RefreshTimer(QObject):
    """Coalesces streaming updates: every ``interval_ms`` drains a dirty set and applies it.

    ``drain()`` returns what changed since the last call (for the hub: the symbols dirty for
    this view); ``apply(changed)`` updates the model. Nothing happens when nothing changed.
    An exception in ``apply`` is logged (it reaches the Messages dock) and the timer goes on.
    """

    def __init__(
        self,
        drain: Callable[[], Iterable[Hashable]],
        apply: Callable[[set[Hashable]], object],
        interval_ms: int = 50,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._drain = drain
        self._apply = apply
        self._failures = 0
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def tick(self) -> None:
        try:
            changed = set(self._drain())
            if changed:
                self._apply(changed)
            self._failures = 0
        except Exception:
            self._failures += 1
            if self._failures <= 3 or self._failures % 100 == 0:
                log.exception("refreshing a live table failed (%d in a row)", self._failures)
