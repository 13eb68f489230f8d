"""``GroupedTableModel``: a :class:`~desktop.ui.table.SpecTableModel` whose rows come in groups.

Each group (e.g. the positions of one underlying) is led by its header (subtotal) row; sorting
orders the groups by their header rows and the members inside each group.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

from PySide6.QtCore import QObject

from desktop.ui.table import Column, SpecTableModel, _Entry

R = TypeVar("R")


class GroupedTableModel(SpecTableModel[R]):
    """Rows in groups: each group's header row first, members sorted within the group.

    ``group_of(row)`` names the group; ``is_header(row)`` marks the group's header (subtotal)
    row. Groups are ordered by their header rows under the active sort.
    """

    def __init__(
        self,
        columns: Sequence[Column[R]],
        row_key: Callable[[R], Hashable],
        group_of: Callable[[R], Hashable],
        is_header: Callable[[R], bool],
        *,
        row_style: Callable[[R], str | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(columns, row_key, row_style=row_style, parent=parent)
        self._group_of = group_of
        self._is_header = is_header

    def _ordered(self, entries: list[_Entry]) -> list[_Entry]:
        groups: dict[Hashable, list[_Entry]] = {}
        for e in sorted(entries, key=lambda e: e.seq):
            groups.setdefault(self._group_of(e.row), []).append(e)
        headers = [next((e for e in g if self._is_header(e.row)), g[0]) for g in groups.values()]
        ordered_headers = super()._ordered(headers)
        out: list[_Entry] = []
        for h in ordered_headers:
            members = groups[self._group_of(h.row)]
            out.append(h)
            out.extend(super()._ordered([e for e in members if e is not h]))
        return out
