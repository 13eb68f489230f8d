"""The demo customer and its three accounts (docs/architecture.md "Demo identity")."""

from __future__ import annotations

from dataclasses import dataclass

CUSTOMER_ID = "C0000037211"
USER_ID = 1563674
USERNAME = "demotrader"
EMAIL = "demo@tastydesk.invalid"


@dataclass(frozen=True)
class AccountSpec:
    """Static facts about one account."""

    number: str
    nickname: str
    type_name: str  # Individual | Roth IRA
    margin_or_cash: str  # Margin | Cash
    authority: str  # owner | trade-only | read-only
    opened_at: str
    options_level: str
    external_id: str
    starting_cash: str


ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec(
        "5WT00001",
        "Individual",
        "Individual",
        "Margin",
        "owner",
        "2019-03-14T15:39:31.265+00:00",
        "No Restrictions",
        "A0000196557",
        "100000.00",
    ),
    AccountSpec(
        "5WT00002",
        "Roth IRA",
        "Roth IRA",
        "Cash",
        "owner",
        "2021-01-04T14:02:11.482+00:00",
        "Defined Risk Spreads",
        "A0000196558",
        "25000.00",
    ),
    AccountSpec(
        "5WT00003",
        "Shared (read-only)",
        "Individual",
        "Margin",
        "read-only",
        "2022-06-01T16:20:45.019+00:00",
        "No Restrictions",
        "A0000196559",
        "40000.00",
    ),
)
ACCOUNTS_BY_NUMBER = {a.number: a for a in ACCOUNTS}
