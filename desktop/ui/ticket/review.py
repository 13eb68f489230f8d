"""What the dry-run said, for people: buying power before -> after, fees, warnings, errors, risk.

:class:`ReviewPanel` shows the last :class:`~desktop.api.models.DryRunResult` next to the
ticket's max profit, max loss and breakevens. Amounts are signed on the model (a debit is
negative); here they are written the way a trader reads them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from desktop.ui import format as fmt

from .risk import RiskProfile

__all__ = ["ReviewPanel", "buying_power_text", "fees_text", "problems_html", "risk_text"]

_STATE_TEXT = {
    "Draft": "Draft: review the order (Ctrl+R) before it can be sent",
    "Changed": "Draft: the order changed since its review; review it again (Ctrl+R)",
    "DryRunPending": "Reviewing: dry-run in progress…",
    "Reviewed": "Reviewed: this exact order passed the dry-run; Send (Ctrl+Enter)",
    "Submitting": "Sending…",
    "Working": "Sent: working at the exchange",
    "Filled": "Filled",
    "Cancelled": "Cancelled",
    "Rejected": "Rejected",
    "Failed": "Sending failed: see Messages (check the Orders panel before sending again)",
}


def _label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def buying_power_text(bpe: Any, net_liq: Decimal | None) -> str:
    """``Buying power 10,000.00 → 9,800.00 (−200.00, 2.0% of net liq)``."""
    if bpe is None:
        return "The dry-run did not report a buying-power effect."
    change = bpe.change_in_buying_power
    share = ""
    if net_liq is not None and net_liq > 0:
        share = f", {fmt.percent(abs(change) / net_liq, 2)} of net liq"
    text = (
        f"{fmt.money(bpe.current_buying_power)} → {fmt.money(bpe.new_buying_power)} "
        f"({fmt.signed_money(change)}{share})"
    )
    margin = bpe.isolated_order_margin_requirement
    if margin:
        text += f"; margin for this order {fmt.money(abs(margin))}"
    return text


def fee(value: Decimal) -> str:
    """Cents, or mils when the amount has them: ``4.00``, ``0.40``, ``0.102``."""
    amount = abs(value)
    return fmt.money(amount, 3 if amount != amount.quantize(Decimal("0.01")) else 2)


def _fee_lines(fees: Any) -> Iterable[str]:
    groups = (
        ("Commission", fees.commission, fees.commission_breakdown),
        ("Clearing", fees.clearing_fees, fees.clearing_fees_breakdown),
        ("Regulatory", fees.regulatory_fees, fees.regulatory_fees_breakdown),
        ("Index option", fees.proprietary_index_option_fees, fees.proprietary_fees_breakdown),
        ("Rebates", fees.rebates, fees.rebates_breakdown),
    )
    for name, total, parts in groups:
        if not total and not any(p.value for p in parts):
            continue
        detail = [f"{p.name} {fee(p.value)}" for p in parts if p.value]
        suffix = f" ({', '.join(detail)})" if len(detail) > 1 else ""
        yield f"{name.lower()} {fee(total)}{suffix}"


def fees_text(fees: Any) -> str:
    """``2.302 total: commission 2.00, clearing 0.20, regulatory 0.102 (sec 0.10, taf 0.002)``."""
    if fees is None:
        return "No fee estimate in the dry-run."
    lines = list(_fee_lines(fees))
    total = f"{fee(fees.total_fees)} total"
    return total + (": " + ", ".join(lines) if lines else " (no fees)")


def problems_html(errors: Iterable[Any], warnings: Iterable[Any], local: Iterable[str] = ()) -> str:
    """Errors in red, warnings in amber, one per line, in the broker's (or our) words."""
    rows = [f"<span style='color:#c62828'>✖ {html.escape(p)}</span>" for p in local]
    rows += [f"<span style='color:#c62828'>✖ {html.escape(str(e))}</span>" for e in errors]
    rows += [f"<span style='color:#b26a00'>⚠ {html.escape(str(w))}</span>" for w in warnings]
    return "<br>".join(rows) if rows else "<span style='color:#1b8a3a'>✔ No warnings, no errors</span>"


def risk_text(profile: RiskProfile | None) -> str:
    if profile is None:
        return "Waiting for quotes of every leg and the underlying…"

    def amount(value: float | None) -> str:
        return "unlimited" if value is None else fmt.money(value)

    evens = " / ".join(fmt.price(b) for b in profile.breakevens) or "none in range"
    return (
        f"Max profit <b>{amount(profile.max_profit)}</b> · max loss <b>{amount(profile.max_loss)}</b>"
        f" · breakeven {evens}"
    )


class ReviewPanel(QWidget):
    """The review area of the ticket."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPanel")
        self.state = _label("ticketStateLabel")
        self.buying_power = _label("reviewBuyingPower")
        self.fees = _label("reviewFees")
        self.problems = _label("reviewProblems")
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.risk = _label("reviewRisk")
        self.risk.setTextFormat(Qt.TextFormat.RichText)
        form = QFormLayout(self)
        form.setContentsMargins(4, 2, 4, 2)
        form.setVerticalSpacing(2)
        form.addRow("Status", self.state)
        form.addRow("Buying power", self.buying_power)
        form.addRow("Fees", self.fees)
        form.addRow("Checks", self.problems)
        form.addRow("Risk", self.risk)
        self.result: Any = None
        self.stale = False
        self.clear()

    def clear(self) -> None:
        """Nothing reviewed (yet)."""
        self.result = None
        self.stale = False
        self.buying_power.setText("—")
        self.fees.setText("—")
        self.problems.setText("<span style='color:#808080'>Not reviewed yet</span>")

    def mark_stale(self) -> None:
        """The order changed since its review: keep what the review said, marked as outdated
        (a failed check must not vanish because a quote moved)."""
        if self.result is None or self.stale:
            return
        self.stale = True
        for label in (self.buying_power, self.fees):
            label.setText(f"(previous review) {label.text()}")
        self.problems.setText("<span style='color:#808080'>(previous review)</span> " + self.problems.text())

    def show_state(self, state: str, detail: str = "") -> None:
        text = _STATE_TEXT.get(state, state)
        self.state.setText(f"{text}{' — ' + detail if detail else ''}")
        tone = {"Reviewed": "positive", "Filled": "positive", "Rejected": "negative", "Failed": "negative"}
        self.state.setProperty("tone", tone.get(state, ""))
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)

    def show_local_problems(self, problems: list[str]) -> None:
        self.result = None
        self.stale = False
        self.buying_power.setText("—")
        self.fees.setText("—")
        self.problems.setText(problems_html((), (), problems))

    def show_result(self, result: Any, net_liq: Decimal | None) -> None:
        self.result = result
        self.stale = False
        self.buying_power.setText(buying_power_text(result.buying_power_effect, net_liq))
        self.fees.setText(fees_text(result.fee_calculation))
        self.problems.setText(problems_html(result.errors, result.warnings))

    def show_risk(self, profile: RiskProfile | None) -> None:
        self.risk.setText(risk_text(profile))
