"""The exchange's clock: wall time, optionally moved forward by the admin API for tests."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Milliseconds since the epoch, UTC; ``advance_to`` jumps forward (never backward)."""

    def __init__(self) -> None:
        self._offset_ms = 0

    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000 + self._offset_ms

    def now(self) -> datetime:
        """The current time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.now_ms() / 1000, tz=UTC)

    @property
    def offset_ms(self) -> int:
        return self._offset_ms

    def advance_to(self, when_ms: int) -> int:
        """Move the clock forward so that ``now_ms()`` is ``when_ms``; returns the new offset.

        Moving backward is refused (``ValueError``): recorded live candles and order times
        must stay in order.
        """
        delta = when_ms - self.now_ms()
        if delta < 0:
            raise ValueError("the exchange clock only moves forward")
        self._offset_ms += delta
        return self._offset_ms
