"""QPainter helpers shared by the chart items: array drawing and the data->pixel mapping."""

from __future__ import annotations

import numpy as np
import shiboken6
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from .geometry import Mapping


def draw_rects(painter: QPainter, rects: np.ndarray, colour: QColor) -> int:
    """Fill ``(k, 4)`` float64 ``x, y, w, h`` rows in one call; returns k."""
    k = int(rects.shape[0])
    if k:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        rects = np.ascontiguousarray(rects, dtype=np.float64)
        painter.drawRects(shiboken6.wrapInstance(rects.ctypes.data, QRectF), k)
    return k


def draw_segments(painter: QPainter, segments: np.ndarray, pen: QPen) -> int:
    """Stroke ``(k, 4)`` float64 ``x1, y1, x2, y2`` rows in one call; returns k."""
    k = int(segments.shape[0])
    if k:
        painter.setPen(pen)
        segments = np.ascontiguousarray(segments, dtype=np.float64)
        painter.drawLines(shiboken6.wrapInstance(segments.ctypes.data, QLineF), k)
    return k


def device_mapping(painter: QPainter) -> Mapping:
    """The painter's current item->device transform (scale + translation only)."""
    t = painter.transform()
    return Mapping(sx=t.m11(), dx=t.m31(), sy=t.m22(), dy=t.m32())


def exposed_band(rect: QRectF, m: Mapping) -> tuple[float, float]:
    """The exposed rectangle's vertical extent in device pixels."""
    a, b = rect.top() * m.sy + m.dy, rect.bottom() * m.sy + m.dy
    return (a, b) if a <= b else (b, a)


def exposed_index_span(rect: QRectF) -> tuple[float, float]:
    """Candle indices touched by an exposed rectangle in data coordinates."""
    return rect.left() - 1.0, rect.right() + 1.0
