"""When and how long to wait before trying a request again."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, and how much of a server's ``Retry-After`` we honour.

    ``max_attempts`` counts the first try. A ``Retry-After`` above ``max_retry_after`` seconds
    is not waited out: the caller gets :class:`~desktop.api.errors.RateLimited` and decides.
    """

    max_attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 8.0
    max_retry_after: float = 30.0

    def backoff(self, attempt: int) -> float:
        """Delay before try ``attempt + 1`` (``attempt`` >= 1): half fixed, half random."""
        return backoff_delay(attempt, self.base_delay, self.max_delay)


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Delay before retry ``attempt`` (1, 2, ...): ``base * 2**(attempt-1)`` capped at ``cap``,
    then jittered to 50-100 % of that so many clients never retry in step."""
    step = min(cap, base * 2 ** min(max(attempt, 1) - 1, 16))
    return step * (0.5 + random.random() / 2)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds (``"3"``) or an HTTP date; ``None`` when absent or garbled."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
