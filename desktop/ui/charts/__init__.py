"""Live candle charts (pyqtgraph): the chart dock, its renderer and indicators.

Entry point for the main window: ``create_chart_panel(ctx)`` returns the widget for the
``chartPanel`` dock; more than one may be open. Imports are lazy so the first frame of the
app does not pay for pyqtgraph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def create_chart_panel(ctx: Any, symbol: str | None = None) -> QWidget:
    """A chart dock widget bound to the app context ``ctx`` (see ``ChartPanel``)."""
    from .panel import ChartPanel

    return ChartPanel(ctx, symbol=symbol)


__all__ = ["create_chart_panel"]
