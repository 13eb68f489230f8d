"""The Positions dock: positions grouped by underlying with subtotals, live marks, P/L and greeks.

Rows are :class:`PositionLine` values (one per position, one subtotal per underlying). They are
rebuilt from the portfolio service's live positions on the refresh timer; the model then
repaints only the cells whose values moved. Double-click loads a symbol into the linked panels;
the context menu closes a position through the order ticket (which still reviews by dry-run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QVBoxLayout, QWidget

from desktop.ui import format as fmt
from desktop.ui.context import SymbolSelection, UiContext
from desktop.ui.grouped_table import GroupedTableModel
from desktop.ui.table import RIGHT, Column
from desktop.ui.table_view import SpecTableView

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PositionLine:
    """One row: a position, or (``is_group``) the subtotal of one underlying."""

    key: str
    group: str  # underlying symbol
    is_group: bool
    symbol: str
    instrument_type: str
    quantity: Decimal | None  # signed: negative = short
    average_open_price: Decimal | None
    mark: Decimal | None
    open_pl: Decimal | None
    day_pl: Decimal | None
    delta: float | None  # position delta in shares (per-share delta x quantity x multiplier)
    theta: float | None  # dollars per day
    vega: float | None  # dollars per vol point
    beta_delta: float | None  # SPY-equivalent shares
    dte: int | None
    multiplier: Decimal = Decimal(1)
    live: bool = True  # the mark comes from the live feed (False: the last REST mark/close)
    count: int = 1


def _sum(values: Iterable[Any]) -> Any:
    present = [v for v in values if v is not None]
    return sum(present[1:], present[0]) if present else None


def group_lines(lines: Iterable[PositionLine]) -> list[PositionLine]:
    """Positions sorted into groups by underlying, each led by its subtotal row."""
    groups: dict[str, list[PositionLine]] = {}
    for line in lines:
        groups.setdefault(line.group, []).append(line)
    out: list[PositionLine] = []
    for underlying in sorted(groups, key=str.casefold):
        members = groups[underlying]
        out.append(
            PositionLine(
                key=f"group:{underlying}",
                group=underlying,
                is_group=True,
                symbol=underlying,
                instrument_type="",
                quantity=None,
                average_open_price=None,
                mark=None,
                open_pl=_sum(m.open_pl for m in members),
                day_pl=_sum(m.day_pl for m in members),
                delta=_sum(m.delta for m in members),
                theta=_sum(m.theta for m in members),
                vega=_sum(m.vega for m in members),
                beta_delta=_sum(m.beta_delta for m in members),
                dte=None,
                count=len(members),
            )
        )
        out.extend(sorted(members, key=lambda m: (m.dte if m.dte is not None else -1, m.symbol)))
    return out


def _pl_tone(_row: PositionLine, value: Any) -> str | None:
    return fmt.tone(value)


def _name(line: PositionLine) -> str:
    if line.is_group:
        return f"{line.symbol}  ({line.count} position{'s' if line.count != 1 else ''})"
    return fmt.describe_symbol(line.symbol)


POSITION_COLUMNS: list[Column[PositionLine]] = [
    Column("symbol", "Symbol", "Instrument; bold rows are the subtotal of an underlying", _name, width=190),
    Column("type", "Type", "Instrument type", lambda p: p.instrument_type, width=90),
    Column(
        "quantity", "Qty", "Quantity; negative = short", lambda p: p.quantity, fmt.quantity, RIGHT, width=55
    ),
    Column(
        "dte",
        "DTE",
        "Calendar days to expiration (options and futures)",
        lambda p: p.dte,
        fmt.integer,
        RIGHT,
        width=45,
    ),
    Column(
        "avg_open",
        "Avg open",
        "Average open price per share or contract",
        lambda p: p.average_open_price,
        fmt.price,
        RIGHT,
        width=75,
    ),
    Column(
        "mark",
        "Mark",
        "Live mark: the bid/ask midpoint (grey while only the last close is known)",
        lambda p: p.mark,
        fmt.price,
        RIGHT,
        lambda p, _v: None if p.live else "muted",
        width=75,
    ),
    Column(
        "open_pl",
        "Open P/L",
        "Profit or loss since the position was opened, at the live mark",
        lambda p: p.open_pl,
        fmt.signed_money,
        RIGHT,
        _pl_tone,
    ),
    Column(
        "day_pl",
        "Day P/L",
        "Profit or loss today: live mark against yesterday's close (or today's open price)",
        lambda p: p.day_pl,
        fmt.signed_money,
        RIGHT,
        _pl_tone,
    ),
    Column("delta", "Delta", "Position delta in shares", lambda p: p.delta, fmt.greek, RIGHT, width=70),
    Column(
        "theta", "Theta", "Position theta: dollars per day", lambda p: p.theta, fmt.greek, RIGHT, width=70
    ),
    Column(
        "vega",
        "Vega",
        "Position vega: dollars per volatility point",
        lambda p: p.vega,
        fmt.greek,
        RIGHT,
        width=70,
    ),
    Column(
        "beta_delta",
        "β-Delta (SPY)",
        "Beta-weighted delta: the position's delta in SPY shares (delta × beta × price / SPY price)",
        lambda p: p.beta_delta,
        fmt.greek,
        RIGHT,
        width=95,
    ),
]


class PositionsPanel(QWidget):
    """The grouped positions table with a totals line for the whole account.

    ``day_pl_changed`` carries the account's day P/L (sum over the positions shown), so other
    panels show the very number of the same refresh.
    """

    day_pl_changed = Signal(object)  # Decimal | None

    def __init__(
        self,
        select: Callable[[SymbolSelection], None],
        close_position: Callable[[PositionLine], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("positionsView")
        self._select = select
        self._close = close_position
        self.read_only = False
        self.model: GroupedTableModel[PositionLine] = GroupedTableModel(
            POSITION_COLUMNS,
            lambda p: p.key,
            lambda p: p.group,
            lambda p: p.is_group,
            row_style=lambda p: "group" if p.is_group else None,
            parent=self,
        )
        self.table = SpecTableView(self.model, "positionsTable", self)
        self.table.doubleClicked.connect(self._double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.totals = QLabel("", self)
        self.totals.setObjectName("positionsTotals")
        self.totals.setToolTip("Sums over every position of the account")
        bar = QHBoxLayout()
        bar.setContentsMargins(6, 2, 6, 2)
        bar.addWidget(self.totals, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.table, 1)
        lay.addLayout(bar)
        self.loaded = False

    def set_lines(self, lines: Iterable[PositionLine]) -> None:
        positions = [ln for ln in lines if not ln.is_group]
        self.model.set_rows(group_lines(positions))
        self.loaded = True
        open_pl = _sum(p.open_pl for p in positions)
        day_pl = _sum(p.day_pl for p in positions) if positions else ZERO
        delta = _sum(p.beta_delta for p in positions)
        theta = _sum(p.theta for p in positions)
        self.totals.setText(
            f"{len(positions)} positions · Open P/L {fmt.signed_money(open_pl) or '-'} · "
            f"Day P/L {fmt.signed_money(day_pl) or '-'} · β-delta {fmt.greek(delta) or '-'} · "
            f"Theta {fmt.greek(theta) or '-'}"
        )
        self.day_pl_changed.emit(day_pl)

    def lines(self) -> list[PositionLine]:
        return [r for r in self.model.rows() if not r.is_group]

    def _double_clicked(self, index: QModelIndex) -> None:
        self._load(self.model.row(index.row()))

    def _load(self, line: PositionLine) -> None:
        self._select(
            SymbolSelection(
                symbol=line.group if line.is_group else line.symbol,
                underlying=line.group,
                instrument_type="Equity" if line.is_group else line.instrument_type,
                source="positionsPanel",
            )
        )

    def _menu(self, pos: QPoint) -> None:
        line = self.table.row_at(pos)
        if line is None:
            return
        menu = QMenu(self)
        load = menu.addAction("Load into chart, chain and ticket")
        load.triggered.connect(lambda: self._load(line))  # the row clicked, wherever it is now
        if not line.is_group:
            close = menu.addAction(f"Close {fmt.describe_symbol(line.symbol)}…")
            close.setObjectName("closePositionAction")
            close.setEnabled(not self.read_only)
            close.setToolTip("Prefills a closing order in the order ticket; you still review and send it")
            close.triggered.connect(lambda: self._close(line))
        menu.popup(self.table.viewport().mapToGlobal(pos))


def create_positions_panel(ctx: UiContext) -> QWidget:
    from desktop.ui.bindings.positions import bind_positions_panel

    return bind_positions_panel(ctx)
