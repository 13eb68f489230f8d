"""Customer, accounts, balances, positions and trading status parse the reference's responses."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from desktop.api.models import Account, Balance, Customer, Position, TradingStatus
from tests.api._fixtures import data


def test_customer_parses_the_documented_response() -> None:
    c = Customer.from_wire(data("customer"))
    assert c.display_name == "John Doe"
    assert c.email == "johndoe@nowhere.com"
    assert c.external_id == "C0000037211"
    assert c.is_professional is False
    assert c.created_at == datetime(2020, 1, 1, tzinfo=UTC)


def test_account_list_carries_the_authority_level() -> None:
    items = data("accounts")["items"]
    account = Account.from_list_item(items[0])
    assert account.account_number == "5WT00001"
    assert account.authority_level == "owner"
    assert account.can_trade and not account.is_read_only
    assert account.is_margin
    assert account.suitable_options_level == "No Restrictions"
    assert account.opened_at == datetime(2019, 3, 14, 15, 39, 31, 265000, tzinfo=UTC)


def test_read_only_and_closed_accounts_cannot_trade() -> None:
    inner = data("accounts")["items"][0]["account"]
    read_only = Account.from_list_item({"account": inner, "authority-level": "read-only"})
    assert not read_only.can_trade
    assert read_only.label.endswith("(read-only)")
    trade_only = Account.from_list_item({"account": inner, "authority-level": "trade-only"})
    assert trade_only.can_trade
    closed = Account.from_list_item({"account": {**inner, "is-closed": True}, "authority-level": "owner"})
    assert not closed.can_trade
    # The single-account form has no authority level: nothing known means no trading.
    assert not Account.from_wire(inner).can_trade


def test_account_without_optional_fields_does_not_crash() -> None:
    # is-test-drive and most other fields missing (tastyware issue #218), unknown field added.
    a = Account.from_list_item(
        {"account": {"account-number": "5WT9", "brand-new-field": [1]}, "authority-level": "owner"}
    )
    assert a.account_number == "5WT9"
    assert a.is_test_drive is False
    assert a.opened_at is None


def test_balance_amounts_are_decimals_with_signed_pending_cash() -> None:
    b = Balance.from_wire(data("balances"))
    assert b.net_liquidating_value == Decimal("32520.734")
    assert b.cash_balance == Decimal("7218.997")
    assert b.equity_buying_power == Decimal("45657.048")
    assert b.derivative_buying_power == Decimal("22828.524")
    assert b.maintenance_requirement == Decimal("9692.211")
    assert b.snapshot_date == date(2023, 7, 30)
    assert b.pending_cash == 0 and b.pending_cash_effect == "None"
    debit = Balance.from_wire({**data("balances"), "pending-cash": "12.5", "pending-cash-effect": "Debit"})
    assert debit.pending_cash == Decimal("-12.5")
    assert debit.raw is not None and debit.raw["pending-cash-effect"] == "Debit"


def test_balance_accepts_numbers_nan_and_missing_fields() -> None:
    b = Balance.from_wire({"account-number": "X", "cash-balance": 100.25, "net-liquidating-value": "NaN"})
    assert b.cash_balance == Decimal("100.25")
    assert b.net_liquidating_value == 0
    assert b.updated_at is None


def test_balance_snapshot_items_parse() -> None:
    item = data("balance_snapshots")["items"][0]
    b = Balance.from_wire(item)
    assert b.time_of_day == "EOD"
    assert b.snapshot_date == date(2016, 12, 29)


def test_positions_are_signed_by_direction_and_accept_both_multiplier_forms() -> None:
    stock, option = (Position.from_wire(i) for i in data("positions")["items"])
    assert stock.symbol == "TQQQ" and stock.signed_quantity == Decimal(742)
    assert stock.multiplier == Decimal("1.0")  # sent as the string "1.0"
    assert stock.average_open_price == Decimal("52.73")
    assert option.symbol == "RIVN  230609P00014000"
    assert option.signed_quantity == Decimal(-40)  # Short
    assert option.multiplier == Decimal(100)  # sent as the number 100
    assert option.expires_at == datetime(2023, 6, 9, 20, tzinfo=UTC)
    assert option.key == ("5YZ55555", "RIVN  230609P00014000")


def test_fractional_and_zero_positions() -> None:
    p = Position.from_wire({"symbol": "AAPL", "quantity": 100.29, "quantity-direction": "Long"})
    assert p.signed_quantity == Decimal("100.29")
    closed = Position.from_wire({"symbol": "AAPL", "quantity": 0, "quantity-direction": "Zero"})
    assert closed.is_closed


def test_trading_status_parses_and_explains_restrictions() -> None:
    s = TradingStatus.from_wire(data("trading_status"))
    assert s.options_level == "Defined Risk Spreads"
    assert s.equities_margin_calculation_type == "IRA Margin"
    assert s.day_trade_count == 0
    assert s.restrictions == []
    limited = TradingStatus.from_wire({**data("trading_status"), "is-closing-only": True})
    assert limited.restrictions == ["the account may only close positions"]
