"""Pixel geometry of candles, volume bars and lines, vectorised with numpy (Qt-free).

The chart items map data to device pixels themselves and snap to whole pixels, so candles
have even widths and crisp edges at any zoom. Output arrays are ready for QPainter's
array-drawing calls: rects as ``(k, 4)`` float64 rows ``x, y, w, h`` and line segments as
``(k, 4)`` rows ``x1, y1, x2, y2``, each with a sorted ``index`` array (the candle each row
belongs to) so a partial repaint can draw just the rows inside the exposed rectangle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lod import Buckets


@dataclass(frozen=True, slots=True)
class Mapping:
    """Data -> device pixels: ``px = x * sx + dx``, ``py = y * sy + dy`` (``sy`` < 0 upward)."""

    sx: float
    dx: float
    sy: float
    dy: float

    def key(self) -> tuple[float, float, float, float]:
        return (round(self.sx, 9), round(self.dx, 3), round(self.sy, 9), round(self.dy, 3))


@dataclass(frozen=True, slots=True)
class RectGroup:
    """Filled rects of one colour, rows sorted by candle index."""

    rects: np.ndarray
    index: np.ndarray

    def between(self, first: float, last: float) -> np.ndarray:
        """Rows whose candle index lies in [first, last] (for a partial repaint)."""
        a = int(np.searchsorted(self.index, first, side="left"))
        b = int(np.searchsorted(self.index, last, side="right"))
        return self.rects[a:b]


EMPTY_RECTS = RectGroup(np.zeros((0, 4)), np.zeros(0, dtype=np.int64))

#: A partial repaint thinner than this (device px) also skips rows outside its vertical band.
THIN_BAND_PX = 120.0


def crossing_band(rows: np.ndarray, y0: float, y1: float, segments: bool = False) -> np.ndarray:
    """Rows (rects, or segments when ``segments``) that reach into the band [y0, y1]."""
    if rows.shape[0] < 32 or y1 - y0 > THIN_BAND_PX:
        return rows
    if segments:
        top, bottom = np.minimum(rows[:, 1], rows[:, 3]), np.maximum(rows[:, 1], rows[:, 3])
    else:
        top, bottom = rows[:, 1], rows[:, 1] + rows[:, 3]
    return rows[(bottom >= y0 - 1) & (top <= y1 + 1)]


def _group(rects: np.ndarray, index: np.ndarray, mask: np.ndarray) -> RectGroup:
    if not mask.any():
        return EMPTY_RECTS
    return RectGroup(np.ascontiguousarray(rects[mask]), index[mask])


def body_width(sx: float) -> int:
    """Candle body width in pixels for ``sx`` pixels per candle (odd so the wick is centred)."""
    if sx < 3:
        return 1
    w = max(1, int(sx * 0.72))
    return w if w % 2 else w - 1


def candles(
    m: Mapping, index: np.ndarray, o: np.ndarray, h: np.ndarray, lo: np.ndarray, c: np.ndarray
) -> tuple[RectGroup, RectGroup]:
    """(rising, falling) rects for individual candles: a 1-px wick plus a body."""
    n = index.size
    if n == 0:
        return EMPTY_RECTS, EMPTY_RECTS
    xc = np.floor(index * m.sx + m.dx)
    y_hi = np.rint(h * m.sy + m.dy)
    y_lo = np.rint(lo * m.sy + m.dy)
    bw = body_width(m.sx)
    rects = np.empty((n, 2, 4))
    rects[:, 0, 0] = xc  # wick
    rects[:, 0, 1] = y_hi
    rects[:, 0, 2] = 1.0
    rects[:, 0, 3] = np.maximum(1.0, y_lo - y_hi + 1)
    if bw > 1:
        y_o = np.rint(o * m.sy + m.dy)
        y_c = np.rint(c * m.sy + m.dy)
        top = np.minimum(y_o, y_c)
        rects[:, 1, 0] = xc - bw // 2
        rects[:, 1, 1] = top
        rects[:, 1, 2] = bw
        rects[:, 1, 3] = np.maximum(1.0, np.maximum(y_o, y_c) - top + 1)
    else:
        rects[:, 1] = rects[:, 0]  # thin candles: the wick is the candle
    flat = rects.reshape(2 * n, 4)
    idx2 = np.repeat(index, 2)
    up = np.repeat(c >= o, 2)
    return _group(flat, idx2, up), _group(flat, idx2, ~up)


def buckets(m: Mapping, b: Buckets) -> tuple[RectGroup, RectGroup]:
    """(rising, falling) high-low bars, one per aggregated bucket, at least a pixel wide."""
    if len(b) == 0:
        return EMPTY_RECTS, EMPTY_RECTS
    left = np.floor((b.first - 0.5) * m.sx + m.dx)
    right = np.floor((b.first + b.size - 0.5) * m.sx + m.dx)
    y_hi = np.rint(b.high * m.sy + m.dy)
    y_lo = np.rint(b.low * m.sy + m.dy)
    rects = np.column_stack([left, y_hi, np.maximum(1.0, right - left), np.maximum(1.0, y_lo - y_hi + 1)])
    up = b.close >= b.open
    return _group(rects, b.first, up), _group(rects, b.first, ~up)


def volume_bars(
    m: Mapping, first: np.ndarray, size: int, volume: np.ndarray, up: np.ndarray
) -> tuple[RectGroup, RectGroup]:
    """(rising, falling) volume bars from zero up to ``volume`` for candles or buckets."""
    if first.size == 0:
        return EMPTY_RECTS, EMPTY_RECTS
    base = np.rint(m.dy)
    top = np.rint(volume * m.sy + m.dy)
    if size == 1:
        bw = body_width(m.sx)
        left = np.floor(first * m.sx + m.dx) - bw // 2
        width = np.full(first.size, float(bw))
    else:
        left = np.floor((first - 0.5) * m.sx + m.dx)
        width = np.maximum(1.0, np.floor((first + size - 0.5) * m.sx + m.dx) - left)
    rects = np.column_stack([left, top, width, base - top])
    keep = volume > 0
    return _group(rects, first, up & keep), _group(rects, first, ~up & keep)


def line_segments(m: Mapping, index: np.ndarray, values: np.ndarray, breaks: np.ndarray | None) -> RectGroup:
    """Segments joining consecutive finite points; ``breaks[k]`` True cuts the line before point k."""
    if index.size < 2:
        return EMPTY_RECTS
    px = index * m.sx + m.dx
    py = values * m.sy + m.dy
    ok = np.isfinite(py[:-1]) & np.isfinite(py[1:])
    if breaks is not None:
        ok &= ~breaks[1:]
    seg = np.column_stack([px[:-1], py[:-1], px[1:], py[1:]])
    return _group(seg, index[1:], ok)
