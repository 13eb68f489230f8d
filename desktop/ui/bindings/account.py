"""Account dock <-> portfolio service: account list, selection, balances, day P/L."""

from __future__ import annotations

from typing import Any

from desktop.ui.context import UiContext
from desktop.ui.docks.account import AccountPanel


def bind_account_panel(panel: AccountPanel, ctx: UiContext) -> None:
    portfolio = ctx.portfolio

    def accounts_changed(accounts: list[Any]) -> None:
        selected = portfolio.selected_account
        panel.set_accounts(accounts, selected.account_number if selected else "")

    def account_changed(account: Any) -> None:
        if account is None:
            ctx.account.select("", "")
            return
        panel.select_account(account.account_number)
        ctx.account.select(account.account_number, account.authority_level or "", account.nickname)
        ctx.messages.info("Showing account %s", account.label)

    def chosen(number: str) -> None:
        current = portfolio.selected_account
        if number and (current is None or current.account_number != number):
            ctx.spawn(portfolio.select_account(number), f"Loading account {number}")

    portfolio.accounts_changed.connect(accounts_changed)
    portfolio.account_changed.connect(account_changed)
    portfolio.balances_changed.connect(panel.set_balance)
    panel.account_chosen.connect(chosen)
    # Day P/L comes from the Positions panel's refresh (wired by the shell): one number, one source.

    def ready() -> str | None:
        if not portfolio.accounts:
            return "accounts not loaded"
        if portfolio.balance is None or not panel.value_text("net_liq"):
            return "balances not loaded"
        return None

    ctx.readiness.add("accounts and balances", ready)
