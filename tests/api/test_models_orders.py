"""Orders, dry-runs, submits, complex orders and streamer events parse the reference's JSON."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from desktop.api.models import (
    Balance,
    ComplexOrder,
    DryRunResult,
    FeeCalculation,
    Order,
    PlacedOrderResult,
    Position,
    parse_account_event,
)
from tests.api._fixtures import data, load


def test_dry_run_result_has_signed_buying_power_effect_and_fees() -> None:
    r = DryRunResult.from_data(data("dry_run"), raw_json='{"data": {}}')
    assert r.ok
    assert r.order is not None and r.order.is_dry_run
    assert r.order.updated_at is None  # "updated-at": 0 on a dry-run
    assert r.order.price == Decimal("2.0") and r.order.price_effect == "Credit"
    assert [leg.symbol for leg in r.order.legs] == ["SPY   191018C00298000", "SPY   191018C00295000"]
    bpe = r.buying_power_effect
    assert bpe is not None
    assert bpe.change_in_buying_power == Decimal("-102.302")
    assert bpe.change_in_buying_power_effect == "Debit"
    assert bpe.current_buying_power == Decimal("8995981.2613")
    assert bpe.impact == Decimal("-102.302") and bpe.effect == "Debit"
    assert bpe.is_spread is True
    fees = r.fee_calculation
    assert fees is not None
    assert fees.total_fees == Decimal("-2.302")
    assert fees.commission == Decimal("-2.0")
    assert r.raw_json == '{"data": {}}'


def test_fee_breakdowns_and_rebates_parse() -> None:
    fees = FeeCalculation.from_wire(load("fee_calculation_breakdown")["fee-calculation"])
    assert fees.total_fees == Decimal("-0.001")
    assert [i.name for i in fees.regulatory_fees_breakdown] == ["exchange", "nfa", "orf", "sec", "taf"]
    assert fees.clearing_fees_breakdown[0].value == Decimal("-0.001")
    assert fees.rebates == 0 and fees.per_quantity is False


def test_submit_result_carries_the_placed_order() -> None:
    r = PlacedOrderResult.from_data(data("submit_order"), raw_json="{}")
    o = r.order
    assert o is not None and o.id == 270561
    assert o.status == "Routed" and o.is_working and not o.is_terminal
    assert o.price is None  # a market order has no price
    assert o.updated_at == datetime.fromtimestamp(1748439528049 / 1000, tz=UTC)
    assert o.received_at == datetime(2025, 5, 28, 13, 38, 47, 851000, tzinfo=UTC)
    assert r.fee_calculation is not None and r.fee_calculation.clearing_fees == Decimal("-0.001")
    assert not r.recovered


def test_filled_order_event_has_fills() -> None:
    event = load("streamer_order_filled")
    o = parse_account_event(event["type"], event["data"])
    assert isinstance(o, Order)
    assert o.status == "Filled" and o.is_terminal
    leg = o.legs[0]
    assert leg.remaining_quantity == 0
    assert leg.fills[0].fill_price == Decimal("1.0")
    assert leg.fills[0].fill_id == "2_TW::TEST_A1::20250528.135-TEST_FILL"
    assert o.filled_quantity == Decimal(1) and o.has_fills


def test_docs_fill_notification_parses() -> None:
    event = load("streamer_order_filled_docs")
    o = parse_account_event(event["type"], event["data"])
    assert isinstance(o, Order)
    assert o.filled_quantity == Decimal(100)
    assert o.destination_venue == "TEST_A"
    assert o.live_at == datetime(2023, 7, 5, 19, 7, 32, 495000, tzinfo=UTC)


def test_search_result_and_cancel_response() -> None:
    o = Order.from_wire(data("orders_search")["items"][0])
    assert o.id == 68681 and o.status == "Live"
    assert o.price == Decimal("-187.45")  # Debit
    cancelled = Order.from_wire(data("cancel_order"))
    assert cancelled.status == "Cancel Requested"
    assert not cancelled.cancellable


def test_complex_order_has_trigger_and_children() -> None:
    c = ComplexOrder.from_wire(data("complex_order")["complex-order"])
    assert c.id == 2000010530 and c.type == "OTOCO"
    assert c.trigger_order is not None and c.trigger_order.complex_order_tag == "OTOCO::trigger-order"
    assert [o.id for o in c.orders] == [2002750871, 2002750872]
    assert c.orders[1].stop_trigger == Decimal("6.0")
    assert len(c.all_orders) == 3 and not c.is_terminal
    r = PlacedOrderResult.from_data(data("complex_order"), raw_json="{}")
    assert r.complex_order is not None and r.buying_power_effect is not None
    assert r.fee_calculation is not None and r.fee_calculation.total_fees == Decimal("-0.1045")


def test_dry_run_with_warnings_is_not_ok() -> None:
    payload = {
        **data("dry_run"),
        "warnings": [
            {
                "code": "tif_next_valid_sesssion",
                "message": "Your order will begin working during next valid session.",
            }
        ],
    }
    r = DryRunResult.from_data(payload)
    assert not r.ok
    assert [w.code for w in r.problems] == ["tif_next_valid_sesssion"]


def test_unknown_order_fields_and_odd_values_are_tolerated() -> None:
    o = Order.from_wire(
        {
            "id": "42",
            "size": "1",
            "status": "Live",
            "value-effect": "",
            "price": 3,
            "price-effect": "Debit",
            "legs": [{"symbol": "AAPL", "quantity": "5", "fills": None}, "garbage"],
            "a-field-from-the-future": {"x": 1},
        }
    )
    assert o.id == 42
    assert o.price == Decimal(-3)
    assert o.value is None
    assert len(o.legs) == 1 and o.legs[0].quantity == Decimal(5) and o.legs[0].fills == ()


def test_account_events_are_typed_and_unknown_ones_pass_through() -> None:
    bal = parse_account_event("AccountBalance", {"account-number": "5WT00001", "cash-balance": "10.0"})
    assert isinstance(bal, Balance) and bal.cash_balance == Decimal("10.0")
    pos = parse_account_event(
        "CurrentPosition", {"symbol": "SPY", "quantity": 1, "quantity-direction": "Long"}
    )
    assert isinstance(pos, Position) and pos.signed_quantity == 1
    raw = {"id": 1, "state": "x"}
    assert parse_account_event("ExternalTransaction", raw) is raw
    assert parse_account_event("Order", ["not", "an", "object"]) == ["not", "an", "object"]
