"""The one table framework: declarative column specs driving a ``QAbstractTableModel``.

A panel declares its columns once (:class:`Column`) and hands rows to a
:class:`SpecTableModel`. Rows are updated by key; the model keeps each cell's last value and
emits ``dataChanged`` only for the cells whose value changed, so a streaming refresh repaints
only what moved. Sorting happens when the user clicks a header, never on a data update. Rows
in groups (positions by underlying, a subtotal row per group) use ``GroupedTableModel`` from
:mod:`desktop.ui.grouped_table`. :class:`RefreshTimer` drains a dirty set (the market-data
hub's) on a timer (~20 Hz).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from desktop.ui.refresh import RefreshTimer  # re-exported: one import path for table code

log = logging.getLogger(__name__)

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex

LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter


def plain(value: object) -> str:
    """Default formatter: ``None`` is an empty cell, everything else ``str``."""
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    """One column: what it shows, how, and how it sorts.

    ``getter(row)`` returns the cell's value (kept raw for sorting and export);
    ``formatter(value)`` turns it into text; ``tone(row, value)`` names a colour role
    (``"positive"``, ``"negative"``, ``"muted"``, ``"warning"``) or ``None``.
    ``sort_key(row)`` overrides the value as sort key. ``width`` is the default width in
    pixels at 96 dpi (the view scales it by font size).
    """

    key: str
    header: str
    tooltip: str
    getter: Callable[[R], Any]
    formatter: Callable[[Any], str] = plain
    align: Qt.AlignmentFlag = LEFT
    tone: Callable[[R, Any], str | None] | None = None
    sort_key: Callable[[R], Any] | None = None
    width: int = 90


# Colour roles resolved at paint time, so a theme switch recolours every table.
TONE_COLORS: dict[str, QColor] = {
    "positive": QColor("#1b8a3a"),
    "negative": QColor("#c62828"),
    "muted": QColor("#808080"),
    "warning": QColor("#b26a00"),
    "group": QColor(127, 127, 127, 40),
}


def set_tone_colors(colors: Mapping[str, str | QColor]) -> None:
    """Install the active theme's colours for the tone roles (called by the theme manager)."""
    for name, value in colors.items():
        TONE_COLORS[name] = QColor(value)


class _Entry:
    __slots__ = ("key", "row", "seq", "texts", "values")

    def __init__(self, key: Hashable, row: Any, seq: int, values: list[Any]) -> None:
        self.key = key
        self.row = row
        self.seq = seq
        self.values = values
        self.texts: list[str | None] = [None] * len(values)


def _sort_value(value: Any) -> tuple[int, Any]:
    """Missing values sort last; numbers and strings compare among themselves."""
    if value is None:
        return (2, 0)
    if isinstance(value, float) and value != value:  # NaN
        return (2, 0)
    if isinstance(value, str):
        return (1, value.casefold())
    return (0, value)


class SpecTableModel(QAbstractTableModel, Generic[R]):
    """A flat table of rows described by :class:`Column` specs, updated by row key."""

    RowKeyRole: ClassVar[int] = Qt.ItemDataRole.UserRole + 1
    SortRole: ClassVar[int] = Qt.ItemDataRole.UserRole + 2
    ValueRole: ClassVar[int] = Qt.ItemDataRole.UserRole + 3

    def __init__(
        self,
        columns: Sequence[Column[R]],
        row_key: Callable[[R], Hashable],
        *,
        row_style: Callable[[R], str | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns: tuple[Column[R], ...] = tuple(columns)
        self._row_key = row_key
        self._row_style = row_style
        self._entries: list[_Entry] = []
        self._pos: dict[Hashable, int] = {}
        self._seq = itertools.count()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._bold = QFont()
        self._bold.setBold(True)

    # ---- reading ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def row(self, i: int) -> R:
        return self._entries[i].row

    def rows(self) -> list[R]:
        """The rows in display order."""
        return [e.row for e in self._entries]

    def keys(self) -> list[Hashable]:
        return [e.key for e in self._entries]

    def row_for_key(self, key: Hashable) -> R | None:
        i = self._pos.get(key)
        return None if i is None else self._entries[i].row

    def index_of(self, key: Hashable) -> int:
        """Row number of ``key`` in display order, or -1."""
        return self._pos.get(key, -1)

    def column_index(self, key: str) -> int:
        for i, c in enumerate(self.columns):
            if c.key == key:
                return i
        return -1

    def text(self, row: int, column: int) -> str:
        e = self._entries[row]
        t = e.texts[column]
        if t is None:
            try:
                t = self.columns[column].formatter(e.values[column])
            except Exception:  # a bad value must not break painting
                log.exception("formatting %s failed", self.columns[column].key)
                t = "?"
            e.texts[column] = t
        return t

    def value(self, row: int, column: int) -> Any:
        return self._entries[row].values[column]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if r >= len(self._entries):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(r, c)
        col = self.columns[c]
        e = self._entries[r]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col.tone is None:
                return None
            name = col.tone(e.row, e.values[c])
            return TONE_COLORS.get(name) if name else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if self._style(e) in ("group", "total") else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return TONE_COLORS.get("group") if self._style(e) == "group" else None
        if role == self.SortRole:
            return _sort_value(col.sort_key(e.row) if col.sort_key else e.values[c])
        if role == self.RowKeyRole:
            return e.key
        if role == self.ValueRole:
            return e.values[c]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        col = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.tooltip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align)
        return None

    def _style(self, e: _Entry) -> str | None:
        return self._row_style(e.row) if self._row_style else None

    # ---- writing ---------------------------------------------------------------------
    def _values(self, row: R) -> list[Any]:
        out = []
        for col in self.columns:
            try:
                out.append(col.getter(row))
            except Exception:  # one bad getter must not lose the whole row
                log.exception("column %s failed for a row", col.key)
                out.append(None)
        return out

    def _update_entry(self, i: int, row: R) -> None:
        """Store ``row`` at position ``i``; signal only the columns whose value changed."""
        e = self._entries[i]
        e.row = row
        new = self._values(row)
        changed = [
            c for c, (a, b) in enumerate(zip(e.values, new, strict=True)) if a != b or type(a) is not type(b)
        ]
        if not changed:
            return
        e.values = new
        for c in changed:
            e.texts[c] = None
        self.dataChanged.emit(self.index(i, changed[0]), self.index(i, changed[-1]))

    def refresh(self, keys: Iterable[Hashable] | None = None) -> int:
        """Re-read the cells of ``keys`` (all rows if ``None``); returns how many rows changed."""
        positions = (
            range(len(self._entries))
            if keys is None
            else sorted({p for k in keys if (p := self._pos.get(k)) is not None})
        )
        n = 0
        for i in positions:
            before = self._entries[i].values
            self._update_entry(i, self._entries[i].row)
            n += self._entries[i].values is not before
        return n

    def upsert(self, row: R) -> None:
        """Update the row with ``row``'s key, or add it (in sort position when sorted)."""
        key = self._row_key(row)
        i = self._pos.get(key)
        if i is not None:
            self._update_entry(i, row)
            return
        self.set_rows([*self.rows(), row])

    def remove(self, key: Hashable) -> bool:
        i = self._pos.get(key)
        if i is None:
            return False
        self.beginRemoveRows(QModelIndex(), i, i)
        del self._entries[i]
        self._reindex()
        self.endRemoveRows()
        return True

    def clear(self) -> None:
        self.set_rows([])

    def set_rows(self, rows: Iterable[R]) -> None:
        """Make the table show exactly ``rows``: removes, updates and inserts by key.

        Existing rows keep their selection; only changed cells repaint. The user's sort order
        (if any) is re-applied only when rows arrive or leave: a refresh that just moves values
        never moves rows (the positions table calls this on every tick).
        """
        incoming: dict[Hashable, R] = {}
        for row in rows:
            incoming[self._row_key(row)] = row
        # 1. remove vanished rows, in contiguous blocks from the bottom
        gone = [i for i, e in enumerate(self._entries) if e.key not in incoming]
        for start, stop in reversed(_blocks(gone)):
            self.beginRemoveRows(QModelIndex(), start, stop)
            del self._entries[start : stop + 1]
            self.endRemoveRows()
        self._reindex()
        # 2. update the rows that stay
        for i, e in enumerate(self._entries):
            self._update_entry(i, incoming[e.key])
        # 3. append the new ones
        order = list(incoming)
        new = [k for k in order if k not in self._pos]
        if new:
            first = len(self._entries)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            for k in new:
                row = incoming[k]
                self._entries.append(_Entry(k, row, next(self._seq), self._values(row)))
            self._reindex()
            self.endInsertRows()
        # natural order follows the caller's order
        rank = {k: n for n, k in enumerate(order)}
        for e in self._entries:
            e.seq = rank[e.key]
        if gone or new or self._sort_column < 0:
            self._apply_order()

    def _reindex(self) -> None:
        self._pos = {e.key: i for i, e in enumerate(self._entries)}

    # ---- sorting ---------------------------------------------------------------------
    @property
    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Called by the view when the user clicks a header; ``-1`` restores the natural order."""
        self._sort_column = column if 0 <= column < len(self.columns) else -1
        self._sort_order = order
        self._apply_order()

    def _entry_sort_key(self, e: _Entry) -> Any:
        c = self._sort_column
        col = self.columns[c]
        return _sort_value(col.sort_key(e.row) if col.sort_key else e.values[c])

    def _ordered(self, entries: list[_Entry]) -> list[_Entry]:
        natural = sorted(entries, key=lambda e: e.seq)
        if self._sort_column < 0:
            return natural
        desc = self._sort_order == Qt.SortOrder.DescendingOrder
        present = [e for e in natural if self._entry_sort_key(e)[0] < 2]
        missing = [e for e in natural if self._entry_sort_key(e)[0] >= 2]
        return sorted(present, key=self._entry_sort_key, reverse=desc) + missing

    def _apply_order(self) -> None:
        target = self._ordered(self._entries)
        if [e.key for e in target] == [e.key for e in self._entries]:
            return
        self.layoutAboutToBeChanged.emit()
        old_keys = [e.key for e in self._entries]
        self._entries = target
        self._reindex()
        old, new = [], []
        for idx in self.persistentIndexList():
            if 0 <= idx.row() < len(old_keys):
                old.append(idx)
                new.append(self.index(self._pos[old_keys[idx.row()]], idx.column()))
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()


def _blocks(indices: list[int]) -> list[tuple[int, int]]:
    """Sorted indices -> contiguous ``(start, stop)`` blocks."""
    out: list[tuple[int, int]] = []
    for i in indices:
        if out and out[-1][1] == i - 1:
            out[-1] = (out[-1][0], i)
        else:
            out.append((i, i))
    return out


__all__ = [
    "CENTER",
    "LEFT",
    "RIGHT",
    "Column",
    "RefreshTimer",
    "SpecTableModel",
    "plain",
    "set_tone_colors",
]
