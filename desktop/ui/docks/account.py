"""The Account dock: account picker, authority, balances and buying power, day P/L."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QLabel, QVBoxLayout, QWidget

from desktop.ui import format as fmt
from desktop.ui.context import UiContext
from desktop.ui.theme import set_tone

# key, label, tooltip, getter(balance)
BALANCE_FIELDS: tuple[tuple[str, str, str, Callable[[Any], Decimal | None]], ...] = (
    (
        "net_liq",
        "Net liquidating value",
        "What the account would be worth if every position were closed at the mark",
        lambda b: b.net_liquidating_value,
    ),
    ("cash", "Cash balance", "Settled and unsettled cash", lambda b: b.cash_balance),
    (
        "equity_bp",
        "Equity buying power",
        "How much stock you can buy (margin accounts: with leverage)",
        lambda b: b.equity_buying_power,
    ),
    (
        "derivative_bp",
        "Derivative buying power",
        "Buying power for options (option buying power)",
        lambda b: b.derivative_buying_power,
    ),
    (
        "futures_bp",
        "Futures buying power",
        "Funds available for futures margin (available trading funds)",
        lambda b: b.available_trading_funds,
    ),
    (
        "maintenance",
        "Maintenance requirement",
        "Margin the positions require to stay open",
        lambda b: b.maintenance_requirement,
    ),
    ("pending_cash", "Pending cash", "Cash movements not settled yet", lambda b: b.pending_cash),
)


class AccountPanel(QWidget):
    """Pick an account and see its balances; ``account_chosen`` carries the account number."""

    account_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountView")
        self.picker = QComboBox(self)
        self.picker.setObjectName("accountPicker")
        self.picker.setToolTip("The account every panel shows and the order ticket trades")
        self.picker.currentIndexChanged.connect(self._picked)
        self.authority = QLabel("", self)
        self.authority.setObjectName("accountAuthority")
        self.authority.setToolTip("What this login may do in the account (authority level)")
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for key, label, tip, _ in (*BALANCE_FIELDS, ("day_pl", "Day P/L", "", None)):
            value = QLabel("", self)
            value.setObjectName(f"balance_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            value.setProperty("role", "value")
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            name = QLabel(label, self)
            tip = (
                tip or "Today's profit or loss: open positions against yesterday's close, plus realized today"
            )
            name.setToolTip(tip)
            value.setToolTip(tip)
            form.addRow(name, value)
            self.values[key] = value
        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.notice = QLabel("", self)
        self.notice.setObjectName("accountNotice")
        self.notice.setWordWrap(True)
        self.notice.setProperty("tone", "warning")
        self.updated = QLabel("", self)
        self.updated.setObjectName("balanceUpdated")
        self.updated.setProperty("tone", "muted")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addWidget(self.picker)
        lay.addWidget(self.authority)
        lay.addWidget(line)
        lay.addLayout(form)
        lay.addWidget(self.notice)
        lay.addStretch(1)
        lay.addWidget(self.updated)
        self._accounts: dict[str, Any] = {}

    # ---- accounts ----------------------------------------------------------------------
    def set_accounts(self, accounts: Sequence[Any], selected: str = "") -> None:
        """Fill the picker (``Account`` objects); keeps the current choice when it still exists.

        Filling asks for no account (``account_chosen`` is the user's pick): the portfolio
        service chooses the default (a tradeable one), and the panel follows its choice.
        """
        current = selected or self.current_account()
        self._accounts = {a.account_number: a for a in accounts}
        self.picker.blockSignals(True)
        self.picker.clear()
        for a in accounts:
            self.picker.addItem(a.label, a.account_number)
            self.picker.setItemData(
                self.picker.count() - 1,
                f"{a.account_type_name} · {a.margin_or_cash} · authority: {a.authority_level or 'unknown'}",
                Qt.ItemDataRole.ToolTipRole,
            )
        i = self.picker.findData(current)
        self.picker.setCurrentIndex(i if i >= 0 else (0 if accounts else -1))
        self.picker.blockSignals(False)
        if self._show_authority() is None:
            self.set_balance(None)

    def current_account(self) -> str:
        data = self.picker.currentData()
        return str(data) if data else ""

    def select_account(self, account_number: str) -> bool:
        i = self.picker.findData(account_number)
        if i >= 0:
            self.picker.setCurrentIndex(i)
        return i >= 0

    def _picked(self, *_: object) -> None:
        if self._show_authority() is None:
            return
        self.set_balance(None)
        self.account_chosen.emit(self.current_account())

    def _show_authority(self) -> Any | None:
        """Describe the shown account's type and authority; returns the account (or ``None``)."""
        acct = self._accounts.get(self.current_account())
        if acct is None:
            self.authority.setText("")
            return None
        level = (acct.authority_level or "unknown").replace("_", "-")
        read_only = not acct.can_trade
        self.authority.setText(
            f"{acct.account_type_name} · {acct.margin_or_cash} · "
            + ("read-only: viewing only, no trading" if read_only else f"{level}: can trade")
        )
        set_tone(self.authority, "warning" if read_only else "muted")
        return acct

    # ---- balances ----------------------------------------------------------------------
    def set_balance(self, balance: Any | None) -> None:
        for key, _label, _tip, getter in BALANCE_FIELDS:
            self.values[key].setText(fmt.money(getter(balance)) if balance is not None else "")
        if balance is None:
            self.notice.setText("")
            self.updated.setText("Loading balances…" if self.current_account() else "")
            return
        calls = []
        if balance.maintenance_call_value > 0:
            calls.append(f"maintenance call {fmt.money(balance.maintenance_call_value)}")
        if balance.reg_t_call_value > 0:
            calls.append(f"Reg T call {fmt.money(balance.reg_t_call_value)}")
        if balance.day_trading_call_value > 0:
            calls.append(f"day-trading call {fmt.money(balance.day_trading_call_value)}")
        self.notice.setText("Margin call: " + ", ".join(calls) if calls else "")
        updated: datetime | None = balance.updated_at
        self.updated.setText(f"Balances as of {fmt.local_time(updated) if updated else 'now'}")

    def set_day_pl(self, value: Decimal | None) -> None:
        label = self.values["day_pl"]
        text = fmt.signed_money(value)
        if text == label.text():
            return
        label.setText(text)
        set_tone(label, fmt.tone(value))

    def value_text(self, key: str) -> str:
        return self.values[key].text()


def create_account_panel(ctx: UiContext) -> QWidget:
    from desktop.ui.bindings.account import bind_account_panel

    panel = AccountPanel()
    bind_account_panel(panel, ctx)
    return panel
