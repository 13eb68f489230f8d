"""The chain table model: the shared :class:`SpecTableModel` plus the chain's own colouring.

In-the-money cells are shaded (calls below the underlying's price, puts above it), the
bid/ask cells of options already on the ticket are tinted (green for a buy, red for a sell),
expiration header rows are bold and centred, and bid/ask cells explain the click.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.ui.table import CENTER, TONE_COLORS, SpecTableModel

from .rows import CALL_KEYS, ChainRow, ExpirationRow, StrikeRow, chain_columns

__all__ = ["ChainModel"]

Index = QModelIndex | QPersistentModelIndex
_ITM = QColor(64, 128, 224, 34)
_STRIKE = QColor(127, 127, 127, 28)


def _tinted(role: str, alpha: int = 70) -> QColor:
    color = QColor(TONE_COLORS.get(role, QColor("#808080")))
    color.setAlpha(alpha)
    return color


class ChainModel(SpecTableModel[ChainRow]):
    """Rows of :mod:`desktop.ui.chain.rows`; ``spot_of(row)`` gives the underlying price the
    ITM shading uses, ``leg_side(symbol)`` ``"buy"``/``"sell"`` for options on the ticket."""

    def __init__(
        self,
        read: Callable[[str, str], Any],
        spot_of: Callable[[StrikeRow], float | None],
        leg_side: Callable[[str], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(
            chain_columns(read),
            lambda r: r.key,
            row_style=lambda r: "group" if isinstance(r, ExpirationRow) else None,
            parent=parent,
        )
        self._spot_of = spot_of
        self._leg_side = leg_side
        keys = [c.key for c in self.columns]
        self.strike_column = keys.index("strike")
        self._call_side = [k in CALL_KEYS for k in keys]
        self._bid_ask = {keys.index(k): k for k in ("c_bid", "c_ask", "p_bid", "p_ask")}

    def cell_side(self, column: int) -> str:
        """``"C"`` for call columns, ``"P"`` for put columns (the strike column counts as neither)."""
        if column == self.strike_column:
            return ""
        return "C" if self._call_side[column] else "P"

    def bid_ask_key(self, column: int) -> str | None:
        """``c_bid``/``c_ask``/``p_bid``/``p_ask`` for a clickable price cell, else ``None``."""
        return self._bid_ask.get(column)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self.rowCount():
            return None
        row = self.row(index.row())
        if isinstance(row, ExpirationRow):
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(CENTER)  # the span is symmetric: its centre is the strike column's
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Click to show or hide this expiration's strikes"
            return super().data(index, role)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            key = self.bid_ask_key(index.column())
            if key is not None:
                side = "call" if key.startswith("c") else "put"
                what = "sell" if key.endswith("bid") else "buy"
                return f"Click: {what} the {row.strike.strike.normalize():f} {side} (again to add one more)"
        return super().data(index, role)

    def _background(self, row: StrikeRow, column: int) -> QColor | None:
        if column == self.strike_column:
            return _STRIKE
        side = self.cell_side(column)
        key = self.bid_ask_key(column)
        if key is not None:
            leg = self._leg_side(row.symbol(side))
            if leg == "buy" and key.endswith("ask"):
                return _tinted("positive")
            if leg == "sell" and key.endswith("bid"):
                return _tinted("negative")
        spot = self._spot_of(row)
        if spot is None:
            return None
        strike = float(row.strike.strike)
        itm = strike < spot if side == "C" else strike > spot
        return _ITM if itm else None

    def repaint_backgrounds(self) -> None:
        """ITM boundary or ticket legs changed: repaint backgrounds only."""
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(self.rowCount() - 1, self.columnCount() - 1),
                [Qt.ItemDataRole.BackgroundRole],
            )
