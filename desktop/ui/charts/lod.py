"""Level of detail for dense candle views (Qt-free).

When more than about two candles share a pixel column the chart stops drawing candles and
draws one high/low bar per bucket of ``2**level`` candles. Buckets are aligned to multiples
of the bucket size (not to the view's left edge) so a bucket's bar does not flicker while
panning, and are computed with ``numpy.ufunc.reduceat`` over the visible slice only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Above this many candles per pixel column, draw aggregated buckets instead of candles.
CANDLES_PER_PIXEL_LIMIT = 2.0


def lod_bucket(candles_per_pixel: float) -> int:
    """Candles per aggregated bucket: 1 (draw every candle) or a power of two <= that density."""
    if candles_per_pixel <= CANDLES_PER_PIXEL_LIMIT:
        return 1
    return 1 << math.floor(math.log2(candles_per_pixel))


@dataclass(frozen=True, slots=True)
class Buckets:
    """Aggregated rows: ``first[k]`` is the first candle index of bucket ``k``."""

    first: np.ndarray
    size: int
    open: np.ndarray
    high: np.ndarray
    low: np.ndarray
    close: np.ndarray
    volume_max: np.ndarray  # the tallest single volume bar in the bucket

    def __len__(self) -> int:
        return int(self.first.size)


def aggregate(
    open_: np.ndarray,
    high: np.ndarray,
    low: np.ndarray,
    close: np.ndarray,
    volume: np.ndarray,
    start: int,
    stop: int,
    size: int,
) -> Buckets:
    """Aggregate rows [start, stop) into aligned buckets of ``size`` candles (partial at the ends)."""
    a0 = max(0, start - start % size)
    stop = min(stop, close.size)
    if stop <= a0:
        empty = np.zeros(0)
        return Buckets(np.zeros(0, dtype=np.int64), size, empty, empty, empty, empty, empty)
    first = np.arange(a0, stop, size, dtype=np.int64)
    offsets = first - a0
    last = np.minimum(first + size, stop) - 1
    return Buckets(
        first=first,
        size=size,
        open=open_[first],
        high=np.maximum.reduceat(high[a0:stop], offsets),
        low=np.minimum.reduceat(low[a0:stop], offsets),
        close=close[last],
        volume_max=np.maximum.reduceat(volume[a0:stop], offsets),
    )


def decimate_line(values: np.ndarray, start: int, stop: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and values of a line sampled once per aligned bucket (plus the last point)."""
    a0 = max(0, start - start % size)
    stop = min(stop, values.size)
    if stop <= a0:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    idx = np.arange(a0, stop, size, dtype=np.int64)
    if idx[-1] != stop - 1:
        idx = np.append(idx, stop - 1)
    return idx, values[idx]
