"""The table framework under streaming load (offscreen, with a real view attached).

Figures: ``table_set_rows_2000_ms`` (initial fill of 2,000 rows), ``table_refresh_200_of_2000_ms``
(one refresh tick where 200 rows' live values moved: value compare + dataChanged per row),
``table_refresh_none_changed_2000_ms`` (a tick where nothing moved: the cost of checking),
``table_paint_ms`` (one full repaint of the visible rows).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication

from desktop.ui import format as fmt
from desktop.ui.table import RIGHT, Column, SpecTableModel
from desktop.ui.table_view import SpecTableView

PRICES: dict[str, float] = {}


@dataclass(frozen=True, slots=True)
class Row:
    symbol: str


def columns() -> list[Column[Row]]:
    def live(scale: float):
        return lambda r: PRICES[r.symbol] * scale

    def tone(_r: Row, v: float) -> str | None:
        return fmt.tone(v - 100)

    return [Column("symbol", "Symbol", "Symbol", lambda r: r.symbol)] + [
        Column(f"c{i}", f"C{i}", f"Column {i}", live(1 + i / 10), fmt.price, RIGHT, tone) for i in range(8)
    ]


def timed(fn, repeat: int = 20) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> None:
    app = QApplication.instance() or QApplication([])
    rows = [Row(f"SYM{i:04d}") for i in range(2000)]
    for r in rows:
        PRICES[r.symbol] = 100.0
    model = SpecTableModel(columns(), lambda r: r.symbol)
    view = SpecTableView(model, "benchTable")
    view.resize(1200, 800)
    view.show()
    app.processEvents()

    def fill() -> None:
        model.set_rows([])
        model.set_rows(rows)

    print(f"table_set_rows_2000_ms: {timed(fill, 5):.2f}")
    rng = random.Random(1)

    def tick_200() -> None:
        moved = rng.sample(rows, 200)
        for r in moved:
            PRICES[r.symbol] += rng.uniform(-1, 1)
        model.refresh({r.symbol for r in moved})

    print(f"table_refresh_200_of_2000_ms: {timed(tick_200):.2f}")
    print(f"table_refresh_none_changed_2000_ms: {timed(lambda: model.refresh(None)):.2f}")

    def paint() -> None:
        view.viewport().repaint()

    print(f"table_paint_ms: {timed(paint):.2f}")


if __name__ == "__main__":
    main()
