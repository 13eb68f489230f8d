"""The table view every panel uses, its persisted state, copy and CSV export.

:class:`SpecTableView` shows a :class:`~desktop.ui.table.SpecTableModel`: fixed row height, no
resize-to-contents, sorting on header click, header tooltips from the column specs, a header
menu to hide columns, Ctrl+C copies the selection. Its state (widths, order, hidden columns,
sort) is saved keyed by column keys, so adding a column in a later version keeps the rest.
"""

from __future__ import annotations

import csv
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from desktop.ui.table import SpecTableModel


class SpecTableView(QTableView):
    """A ``QTableView`` configured for live trading tables."""

    def __init__(self, model: SpecTableModel[Any], object_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setModel(model)
        self.spec_model = model
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vh = self.verticalHeader()
        vh.setVisible(False)
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 6)
        hh = self.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setHighlightSections(False)
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(self._header_menu)
        scale = max(self.fontMetrics().averageCharWidth() / 7.0, 1.0)
        for i, col in enumerate(model.columns):
            hh.resizeSection(i, int(col.width * scale))
        hh.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        copy = QAction("Copy", self)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_selection)
        self.addAction(copy)

    # ---- selection -------------------------------------------------------------------
    def selected_keys(self) -> list[Hashable]:
        rows = sorted({i.row() for i in self.selectionModel().selectedRows()})
        keys = self.spec_model.keys()  # once, not once per selected row
        return [keys[r] for r in rows]

    def current_row(self) -> Any | None:
        idx = self.currentIndex()
        return self.spec_model.row(idx.row()) if idx.isValid() else None

    def row_at(self, pos: QPoint) -> Any | None:
        idx = self.indexAt(pos)
        return self.spec_model.row(idx.row()) if idx.isValid() else None

    def select_key(self, key: Hashable) -> bool:
        r = self.spec_model.index_of(key)
        if r < 0:
            return False
        self.selectRow(r)
        return True

    # ---- what the user sees ----------------------------------------------------------
    def visible_columns(self) -> list[int]:
        """Logical column numbers in the order the user sees them, hidden ones left out."""
        hh = self.horizontalHeader()
        cols = [hh.logicalIndex(v) for v in range(hh.count())]
        return [c for c in cols if not hh.isSectionHidden(c)]

    def displayed_table(self) -> tuple[list[str], list[list[str]]]:
        """Headers and cell texts exactly as shown (visible columns, visual order, sort order)."""
        m = self.spec_model
        cols = self.visible_columns()
        headers = [m.columns[c].header for c in cols]
        rows = [[m.text(r, c) for c in cols] for r in range(m.rowCount())]
        return headers, rows

    def export_csv(self, path: Path) -> int:
        """Write what the table shows to ``path`` (UTF-8 CSV); returns the number of data rows."""
        headers, rows = self.displayed_table()
        with Path(path).open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(headers)
            w.writerows(rows)
        return len(rows)

    def copy_selection(self) -> None:
        m = self.spec_model
        cols = self.visible_columns()
        rows = sorted({i.row() for i in self.selectionModel().selectedIndexes()})
        if not rows:
            return
        lines = ["\t".join(m.columns[c].header for c in cols)]
        lines += ["\t".join(m.text(r, c) for c in cols) for r in rows]
        QGuiApplication.clipboard().setText("\n".join(lines))

    # ---- header menu and persisted state ---------------------------------------------
    def _header_menu(self, pos: QPoint) -> None:
        hh = self.horizontalHeader()
        menu = QMenu(self)
        for i, col in enumerate(self.spec_model.columns):
            act = menu.addAction(col.header)
            act.setToolTip(col.tooltip)
            act.setCheckable(True)
            act.setChecked(not hh.isSectionHidden(i))
            act.toggled.connect(lambda on, i=i: hh.setSectionHidden(i, not on))
        menu.popup(hh.mapToGlobal(pos))

    def save_state(self) -> dict[str, Any]:
        """Widths, visual order, hidden columns and sort, keyed by column key."""
        hh = self.horizontalHeader()
        cols = self.spec_model.columns
        sort_col, sort_order = self.spec_model.sort_state
        return {
            "widths": {c.key: hh.sectionSize(i) for i, c in enumerate(cols)},
            "order": [cols[hh.logicalIndex(v)].key for v in range(hh.count())],
            "hidden": [c.key for i, c in enumerate(cols) if hh.isSectionHidden(i)],
            "sort": [cols[sort_col].key if sort_col >= 0 else None, int(sort_order.value)],
        }

    def restore_state(self, state: dict[str, Any]) -> None:
        """Apply a :meth:`save_state` dict; unknown keys are ignored, new columns keep defaults."""
        if not isinstance(state, dict):
            return
        hh = self.horizontalHeader()
        m = self.spec_model
        widths = state.get("widths") or {}
        for key, width in widths.items():
            i = m.column_index(key)
            if i >= 0 and isinstance(width, int) and width > 4:
                hh.resizeSection(i, width)
        order = [m.column_index(k) for k in state.get("order") or []]
        for visual, logical in enumerate(i for i in order if i >= 0):
            current = hh.visualIndex(logical)
            if current != visual:
                hh.moveSection(current, visual)
        hidden = set(state.get("hidden") or [])
        for i, col in enumerate(m.columns):
            hh.setSectionHidden(i, col.key in hidden)
        sort = state.get("sort") or [None, 0]
        col = m.column_index(sort[0]) if sort and sort[0] else -1
        order_value = Qt.SortOrder(int(sort[1])) if len(sort) > 1 else Qt.SortOrder.AscendingOrder
        hh.setSortIndicator(col, order_value)
        m.sort(col, order_value)
