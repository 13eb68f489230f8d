"""Guard against a Qt binding that corrupts reference counts while painting.

PySide6 6.12.0 on CPython 3.11 drops a reference to ``None`` on every void ``QPainter`` call
(``drawRect``, ``drawLines``, ``drawPath``, ``QImage.fill``...). ``None`` starts with a few
thousand references, so any process that paints a chart crashes within seconds with
"Fatal Python error: none_dealloc". 6.11.3 is fine; pyproject excludes 6.12.0. On Python 3.12+
``None`` is immortal and this test passes trivially.
"""

from __future__ import annotations

import sys

import numpy as np
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from desktop.ui.charts.painting import draw_rects, draw_segments


def test_painting_does_not_eat_references_to_none(qapp) -> None:
    img = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    rects = np.array([[1.0, 1.0, 5.0, 5.0], [10.0, 10.0, 3.0, 8.0]])
    painter = QPainter(img)
    before = sys.getrefcount(None)
    for _ in range(500):
        painter.drawRect(QRectF(1, 1, 4, 4))
        painter.drawLine(QLineF(0, 0, 5, 5))
        draw_rects(painter, rects, QColor("red"))
        draw_segments(painter, rects, painter.pen())
        img.fill(0)
    painter.end()
    lost = before - sys.getrefcount(None)
    assert lost < 100, (
        f"painting lost {lost} references to None: this Qt binding (PySide6 {_pyside()}) corrupts "
        "reference counts and will crash the app; install another version (see pyproject.toml)"
    )


def _pyside() -> str:
    import PySide6

    return PySide6.__version__
