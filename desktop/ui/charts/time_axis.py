"""Index-based time axis: x is the candle number, so nights and weekends leave no gaps.

Ticks sit on the first candle of a calendar boundary in the user's zone (a new minute group,
hour, day, week, month or year), choosing the finest boundary that leaves room for the
labels. Where a coarser unit also changes (a new day on an intraday chart, a new year on a
daily chart) the label shows the coarser unit instead ("Mar 14" rather than "09:30").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pyqtgraph as pg

_MIN = 60_000
_HOUR = 3_600_000
_DAY = 86_400_000
_EPOCH = datetime(1970, 1, 1)

# (unit, amount) from fine to coarse
STEPS: tuple[tuple[str, int], ...] = (
    *(("m", k) for k in (1, 2, 5, 10, 15, 30)),
    *(("h", k) for k in (1, 2, 3, 4, 6, 12)),
    ("D", 1),
    ("W", 1),
    *(("M", k) for k in (1, 3, 6)),
    *(("Y", k) for k in (1, 2, 5, 10, 25, 50, 100)),
)
_RANK = {"m": 0, "h": 1, "D": 2, "W": 3, "M": 4, "Y": 5}


def boundary_ids(local_ms: np.ndarray, unit: str, amount: int) -> np.ndarray:
    """A number per row that changes exactly where a (unit, amount) boundary is crossed."""
    if unit == "m":
        return local_ms // (_MIN * amount)
    if unit == "h":
        return local_ms // (_HOUR * amount)
    if unit == "D":
        return local_ms // (_DAY * amount)
    if unit == "W":  # 1970-01-01 was a Thursday; weeks start on Monday
        return (local_ms // _DAY + 3) // 7
    if unit == "M":
        return local_ms.astype("datetime64[ms]").astype("datetime64[M]").astype(np.int64) // amount
    return local_ms.astype("datetime64[ms]").astype("datetime64[Y]").astype(np.int64) // amount


def choose_step(local_ms: np.ndarray, max_labels: int) -> tuple[str, int]:
    """The finest step with at most ``max_labels`` boundaries in ``local_ms`` (sorted)."""
    sample = local_ms
    if sample.size > 4096:  # the count only needs to be about right
        sample = sample[:: sample.size // 2048]
    for unit, amount in STEPS:
        ids = boundary_ids(sample, unit, amount)
        if np.count_nonzero(ids[1:] != ids[:-1]) <= max_labels:
            return unit, amount
    return STEPS[-1]


def label_for(local_ms: int, previous_ms: int | None, unit: str) -> str:
    """Text for a tick on the candle at ``local_ms``; ``previous_ms`` is the candle before."""
    now = _EPOCH + timedelta(milliseconds=int(local_ms))
    before = _EPOCH + timedelta(milliseconds=int(previous_ms)) if previous_ms is not None else None
    new_year = before is None or before.year != now.year
    new_day = before is None or before.date() != now.date()
    rank = _RANK[unit]
    if rank >= _RANK["Y"] or (rank >= _RANK["M"] and new_year):
        return f"{now.year}"
    if rank == _RANK["M"]:
        return now.strftime("%b")
    if rank >= _RANK["D"]:
        return f"{now.year}" if new_year and before is not None else f"{now:%b} {now.day}"
    if new_day:
        return f"{now:%b} {now.day}"
    return f"{now:%H:%M}"


def _coarseness(label: str) -> int:
    """Year labels outrank dates, dates outrank times of day."""
    if label.isdigit():
        return 2
    return 0 if ":" in label else 1


def spaced_out(labelled: list[tuple[int, str]], px_per_index: float, min_px: float) -> list[tuple[int, str]]:
    """Drop labels closer than ``min_px`` to the previous one; of two that collide, keep the coarser.

    Index gaps (nights, weekends) put a day's first candle right next to an hour tick.
    """
    kept: list[tuple[int, str]] = []
    for i, text in labelled:
        if kept and (i - kept[-1][0]) * px_per_index < min_px:
            if _coarseness(text) > _coarseness(kept[-1][1]):
                kept[-1] = (i, text)
            continue
        kept.append((i, text))
    return kept


class IndexTimeAxis(pg.AxisItem):
    """Bottom axis for candle-index x values, labelled in the user's time zone."""

    def __init__(self, local_times: Callable[[], np.ndarray], min_label_px: int = 84, **kw: object) -> None:
        super().__init__(orientation="bottom", **kw)
        self._local_times = local_times
        self._min_label_px = min_label_px
        self._labels: dict[int, str] = {}
        self._cache: tuple[tuple, list, dict[int, str]] | None = None
        self.enableAutoSIPrefix(False)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        local = self._local_times()
        n = local.size
        key = (minVal, maxVal, size, n, int(local[0]) if n else 0, int(local[-1]) if n else 0)
        if self._cache is not None and self._cache[0] == key:
            self._labels = self._cache[2]
            return self._cache[1]
        levels = self._compute(local, minVal, maxVal, size)
        self._cache = (key, levels, self._labels)
        return levels

    def _compute(self, local: np.ndarray, minVal: float, maxVal: float, size: float) -> list:
        n = local.size
        first = max(0, int(np.ceil(minVal)))
        stop = min(n, int(np.floor(maxVal)) + 1)
        self._labels = {}
        if stop - first < 2 or size <= 0:
            return []
        visible = local[first:stop]
        unit, amount = choose_step(visible, max(1, int(size / self._min_label_px)))
        ids = boundary_ids(visible, unit, amount)
        ticks = np.flatnonzero(ids[1:] != ids[:-1]) + 1 + first
        if ticks.size == 0:
            return []
        labelled = [(i, label_for(local[i], local[i - 1] if i > 0 else None, unit)) for i in ticks.tolist()]
        kept = spaced_out(labelled, size / max(maxVal - minVal, 1e-9), self._min_label_px)
        self._labels = dict(kept)
        positions = [i for i, _ in kept]
        spacing = float(np.median(np.diff(positions))) if len(positions) > 1 else float(stop - first)
        return [(spacing, [float(i) for i in positions])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self._labels.get(round(v), "") for v in values]
