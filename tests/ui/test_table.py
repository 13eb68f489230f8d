"""The table framework: key-based updates, minimal repaint, sorting, groups, view state, CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from desktop.ui import format as fmt
from desktop.ui.grouped_table import GroupedTableModel
from desktop.ui.table import RIGHT, Column, RefreshTimer, SpecTableModel
from desktop.ui.table_view import SpecTableView


@dataclass(frozen=True)
class Quote:
    symbol: str
    last: float | None
    change: Decimal | None = None
    group: str = ""
    header: bool = False


COLUMNS = [
    Column("symbol", "Symbol", "Ticker", lambda q: q.symbol),
    Column("last", "Last", "Last trade", lambda q: q.last, fmt.price, RIGHT),
    Column(
        "change",
        "Change",
        "Change since yesterday",
        lambda q: q.change,
        fmt.signed_money,
        RIGHT,
        tone=lambda q, v: fmt.tone(v),
    ),
]


def make_model() -> SpecTableModel[Quote]:
    return SpecTableModel(COLUMNS, lambda q: q.symbol)


def changes(model: SpecTableModel[Quote]) -> list[tuple[int, int, int]]:
    seen: list[tuple[int, int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: seen.append((a.row(), a.column(), b.column())))
    return seen


def test_update_by_key_signals_only_the_changed_cells(qapp) -> None:
    m = make_model()
    m.set_rows([Quote("AAPL", 190.0, Decimal("1.5")), Quote("SPY", 500.0, Decimal("-2"))])
    seen = changes(m)
    m.set_rows([Quote("AAPL", 190.0, Decimal("1.5")), Quote("SPY", 501.25, Decimal("-2"))])
    assert seen == [(1, 1, 1)], "only SPY's last changed"
    assert m.text(1, 1) == "501.25"
    m.upsert(Quote("AAPL", 190.0, Decimal("1.5")))
    assert seen == [(1, 1, 1)], "an identical update repaints nothing"


def test_rows_are_added_and_removed_by_key_without_a_reset(qapp) -> None:
    m = make_model()
    m.set_rows([Quote("A", 1.0), Quote("B", 2.0), Quote("C", 3.0)])
    resets: list[int] = []
    m.modelReset.connect(lambda: resets.append(1))
    m.set_rows([Quote("A", 1.0), Quote("C", 3.5), Quote("D", 4.0)])
    assert m.keys() == ["A", "C", "D"]
    assert m.text(1, 1) == "3.50"
    assert not resets
    assert m.remove("A") and m.keys() == ["C", "D"]
    assert not m.remove("A")


def test_missing_numbers_show_empty_and_sort_last(qapp) -> None:
    m = make_model()
    m.set_rows([Quote("A", None), Quote("B", 2.0), Quote("C", 1.0)])
    assert m.text(0, 1) == ""
    m.sort(1, Qt.SortOrder.AscendingOrder)
    assert m.keys() == ["C", "B", "A"]
    m.sort(1, Qt.SortOrder.DescendingOrder)
    assert m.keys() == ["B", "C", "A"], "missing stays last in both directions"
    m.sort(-1)
    assert m.keys() == ["A", "B", "C"], "natural order comes back"


def test_updates_do_not_resort_but_new_rows_land_in_sort_position(qapp) -> None:
    m = make_model()
    m.set_rows([Quote("A", 1.0), Quote("B", 2.0)])
    m.sort(1, Qt.SortOrder.AscendingOrder)
    m.upsert(Quote("A", 9.0))
    assert m.keys() == ["A", "B"], "a tick must not move rows under the user's mouse"
    m.upsert(Quote("C", 1.5))
    assert m.keys() == ["C", "B", "A"], "a membership change re-applies the user's sort"
    m.set_rows([Quote("A", 0.5), Quote("B", 2.0), Quote("C", 1.5)])  # a refresh through set_rows
    assert m.keys() == ["C", "B", "A"], "new values alone never move rows"
    m.set_rows([Quote("A", 0.5), Quote("B", 2.0)])
    assert m.keys() == ["A", "B"], "a row leaving re-applies the sort"


def test_tone_and_header_tooltip_roles(qapp) -> None:
    m = make_model()
    m.set_rows([Quote("A", 1.0, Decimal("-3")), Quote("B", 1.0, Decimal("2"))])
    neg = m.data(m.index(0, 2), Qt.ItemDataRole.ForegroundRole)
    pos = m.data(m.index(1, 2), Qt.ItemDataRole.ForegroundRole)
    assert neg is not None and pos is not None and neg != pos
    assert m.text(1, 2) == "+2.00"
    assert m.headerData(1, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) == "Last trade"
    assert all(
        m.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        for c in range(m.columnCount())
    )


def test_grouped_model_sorts_inside_groups_and_keeps_headers_on_top(qapp) -> None:
    rows = [
        Quote("AAPL", 10.0, group="AAPL", header=True),
        Quote("AAPL 1", 3.0, group="AAPL"),
        Quote("AAPL 2", 1.0, group="AAPL"),
        Quote("SPY", 5.0, group="SPY", header=True),
        Quote("SPY 1", 2.0, group="SPY"),
    ]
    m = GroupedTableModel(COLUMNS, lambda q: q.symbol, lambda q: q.group, lambda q: q.header)
    m.set_rows(rows)
    m.sort(1, Qt.SortOrder.AscendingOrder)
    assert m.keys() == ["SPY", "SPY 1", "AAPL", "AAPL 2", "AAPL 1"]
    m.sort(1, Qt.SortOrder.DescendingOrder)
    assert m.keys() == ["AAPL", "AAPL 1", "AAPL 2", "SPY", "SPY 1"]


def test_refresh_rereads_live_rows(qapp) -> None:
    marks = {"A": 1.0, "B": 2.0}

    @dataclass(frozen=True)
    class Live:
        symbol: str

    cols = [Column("mark", "Mark", "Live mark", lambda r: marks[r.symbol], fmt.price, RIGHT)]
    m = SpecTableModel(cols, lambda r: r.symbol)
    m.set_rows([Live("A"), Live("B")])
    seen = changes(m)
    marks["B"] = 2.5
    assert m.refresh({"A", "B", "unknown"}) == 1
    assert seen == [(1, 0, 0)]
    assert m.text(1, 0) == "2.50"


def test_refresh_timer_coalesces_and_survives_errors(qapp, caplog) -> None:
    dirty: set[str] = set()
    applied: list[set[str]] = []

    def drain() -> set[str]:
        out = set(dirty)
        dirty.clear()
        return out

    def apply(keys: set[str]) -> None:
        if "boom" in keys:
            raise RuntimeError("handler failed")
        applied.append(keys)

    t = RefreshTimer(drain, apply)
    dirty.update({"A", "B"})
    t.tick()
    t.tick()
    assert applied == [{"A", "B"}], "one apply per tick, none when nothing is dirty"
    dirty.add("boom")
    t.tick()
    assert "handler failed" in caplog.text
    dirty.add("C")
    t.tick()
    assert applied[-1] == {"C"}


def test_view_state_round_trip_by_column_key(qtbot, tmp_path) -> None:
    m = make_model()
    m.set_rows([Quote("B", 2.0, Decimal("1")), Quote("A", 1.0, Decimal("-1"))])
    v = SpecTableView(m, "quotesTable")
    qtbot.addWidget(v)
    hh = v.horizontalHeader()
    hh.resizeSection(0, 137)
    hh.moveSection(2, 0)
    hh.setSectionHidden(1, True)
    v.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    state = v.save_state()

    m2 = make_model()
    m2.set_rows([Quote("B", 2.0), Quote("A", 1.0)])
    v2 = SpecTableView(m2, "quotesTable")
    qtbot.addWidget(v2)
    v2.restore_state(state)
    assert v2.horizontalHeader().sectionSize(0) == 137
    assert [m2.columns[c].key for c in v2.visible_columns()] == ["change", "symbol"]
    assert m2.keys() == ["A", "B"]
    assert v2.horizontalHeader().sortIndicatorSection() == 0


def test_csv_export_writes_what_the_table_shows(qtbot, tmp_path) -> None:
    m = make_model()
    m.set_rows([Quote("B", 2.0, Decimal("1234.5")), Quote("A", 0.05, None)])
    v = SpecTableView(m, "quotesTable")
    qtbot.addWidget(v)
    v.horizontalHeader().setSectionHidden(1, True)
    v.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    path = tmp_path / "out.csv"
    assert v.export_csv(path) == 2
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows == [["Symbol", "Change"], ["A", ""], ["B", "+1,234.50"]]


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("1234.5"), "1,234.50"), (None, ""), (float("nan"), ""), (Decimal("-0.5"), "-0.50")],
)
def test_money_format(value, text) -> None:
    assert fmt.money(value) == text


def test_format_helpers() -> None:
    assert fmt.price(0.055) == "0.0550"
    assert fmt.price(0.05) == "0.05"
    assert fmt.quantity(Decimal("100")) == "100"
    assert fmt.quantity(Decimal("100.29")) == "100.29"
    assert fmt.percent(0.2231) == "22.3%"
    assert fmt.signed_money(Decimal("0")) == "0.00"
    assert fmt.age(None) == "never"
    assert fmt.age(3.21) == "3.2 s"
    assert fmt.tone(Decimal("-1")) == "negative"
