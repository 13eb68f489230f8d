"""Order ticket -> exact wire JSON (the reference's examples), fingerprints, problems."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest

from desktop.core.money import wire_decimal
from desktop.core.orders import (
    NewComplexOrder,
    NewOrder,
    OrderAction,
    OrderLeg,
    OrderType,
    PriceEffect,
    TimeInForce,
    net_price_effect,
    spread_unit,
)

# tastytrade-rest.md §3.1 and §3.8, verbatim
REFERENCE_VERTICAL = """{
  "time-in-force": "Day",
  "order-type": "Limit",
  "price": "1.09",
  "price-effect": "Debit",
  "legs": [
    {"instrument-type": "Equity Option", "symbol": "AAPL  230818C00197500", "quantity": 1,
     "action": "Buy to Open"},
    {"instrument-type": "Equity Option", "symbol": "AAPL  230818C00200000", "quantity": 1,
     "action": "Sell to Open"}
  ]
}"""
REFERENCE_STOP = """{"time-in-force": "GTC", "order-type": "Stop", "stop-trigger": 105,
 "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 100, "action": "Sell to Close"}]}"""
REFERENCE_STOP_LIMIT = """{"time-in-force": "Day", "order-type": "Stop Limit", "stop-trigger": 110,
 "price": 115, "price-effect": "Debit",
 "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 100, "action": "Buy to Open"}]}"""
REFERENCE_NOTIONAL = """{"time-in-force": "Day", "order-type": "Notional Market", "value": 10.0,
 "value-effect": "Debit",
 "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "action": "Buy to Open"}]}"""
REFERENCE_GTD = """{"time-in-force": "GTD", "gtc-date": "2022-12-01", "order-type": "Limit", "price": 0.85,
 "price-effect": "Credit",
 "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 1, "action": "Sell to Close"}]}"""
REFERENCE_OTOCO = """{
  "type": "OTOCO",
  "trigger-order": {"time-in-force": "Day", "order-type": "Limit", "price": 6.50, "price-effect": "Debit",
    "legs": [{"instrument-type": "Equity", "symbol": "UA", "quantity": 100, "action": "Buy to Open"}]},
  "orders": [
    {"time-in-force": "Day", "order-type": "Limit", "price": 8, "price-effect": "Credit",
     "legs": [{"instrument-type": "Equity", "symbol": "UA", "quantity": 100, "action": "Sell to Close"}]},
    {"time-in-force": "Day", "order-type": "Stop", "stop-trigger": 6,
     "legs": [{"instrument-type": "Equity", "symbol": "UA", "quantity": 100, "action": "Sell to Close"}]}
  ]
}"""


def as_wire_strings(node: Any) -> Any:
    """The docs write some decimals as JSON numbers; we always send decimal strings."""
    if isinstance(node, dict):
        return {
            k: wire_decimal(D(str(v))) if k in ("price", "stop-trigger", "value") else as_wire_strings(v)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [as_wire_strings(v) for v in node]
    return node


def opt(symbol: str, action: str, qty: int = 1) -> OrderLeg:
    return OrderLeg("Equity Option", symbol, OrderAction(action), D(qty))


def stock(action: str, qty: int | str = 100, symbol: str = "AAPL") -> OrderLeg:
    return OrderLeg("Equity", symbol, OrderAction(action), D(qty))


VERTICAL = NewOrder(
    OrderType.LIMIT,
    TimeInForce.DAY,
    (opt("AAPL  230818C00197500", "Buy to Open"), opt("AAPL  230818C00200000", "Sell to Open")),
    price=D("1.09"),
    price_effect=PriceEffect.DEBIT,
)


class TestWireFormat:
    def test_vertical_is_byte_for_byte_the_reference(self) -> None:
        example = json.loads(REFERENCE_VERTICAL)
        assert VERTICAL.to_wire() == example
        assert VERTICAL.to_json() == json.dumps(example, separators=(",", ":"))
        assert VERTICAL.problems() == []

    @pytest.mark.parametrize(
        ("text", "order"),
        [
            (REFERENCE_STOP, NewOrder("Stop", "GTC", (stock("Sell to Close"),), stop_trigger=D(105))),
            (
                REFERENCE_STOP_LIMIT,
                NewOrder("Stop Limit", "Day", (stock("Buy to Open"),), D(115), "Debit", stop_trigger=D(110)),
            ),
            (
                REFERENCE_NOTIONAL,
                NewOrder(
                    "Notional Market",
                    "Day",
                    (OrderLeg("Equity", "AAPL", "Buy to Open", None),),
                    value=D("10.0"),
                    value_effect="Debit",
                ),
            ),
            (
                REFERENCE_GTD,
                NewOrder(
                    "Limit",
                    "GTD",
                    (stock("Sell to Close", 1),),
                    D("0.85"),
                    "Credit",
                    gtc_date=date(2022, 12, 1),
                ),
            ),
        ],
    )
    def test_reference_examples_in_key_order(self, text: str, order: NewOrder) -> None:
        expected = as_wire_strings(json.loads(text))
        assert order.to_wire() == expected
        assert order.to_json() == json.dumps(expected, separators=(",", ":"))  # same key order too
        assert order.problems() == []
        assert NewOrder.from_wire(json.loads(text)) == order

    def test_otoco_reference(self) -> None:
        complex_order = NewComplexOrder.from_wire(json.loads(REFERENCE_OTOCO))
        expected = as_wire_strings(json.loads(REFERENCE_OTOCO))
        assert complex_order.to_json() == json.dumps(expected, separators=(",", ":"))
        assert complex_order.type == "OTOCO" and len(complex_order.orders) == 2
        assert complex_order.problems() == []

    def test_quantities_decimals_and_optional_fields(self) -> None:
        order = NewOrder(
            "Limit",
            "IOC",
            (OrderLeg("Cryptocurrency", "BTC/USD", "Buy to Open", D("0.015")),),
            price=D("65000.50"),
            price_effect="Debit",
            source="TastyDesk/0.1",
            external_identifier="td-42",
        )
        wire = order.to_wire()
        assert wire["legs"][0]["quantity"] == "0.015"
        assert wire["price"] == "65000.5"
        assert list(wire)[-2:] == ["source", "external-identifier"]
        whole = NewOrder("Market", "Day", (stock("Buy to Open", "100.00"),))
        assert whole.to_wire()["legs"][0]["quantity"] == 100
        assert "price" not in whole.to_wire() and "price-effect" not in whole.to_wire()

    def test_fingerprint_tracks_every_byte(self) -> None:
        assert VERTICAL.fingerprint() == hashlib.sha256(VERTICAL.to_json().encode()).hexdigest()
        same = NewOrder("Limit", "Day", VERTICAL.legs, price=D("1.090"), price_effect="Debit")
        assert same.fingerprint() == VERTICAL.fingerprint()  # equal amounts write the same text
        changed = NewOrder("Limit", "Day", VERTICAL.legs, price=D("1.10"), price_effect="Debit")
        assert changed.fingerprint() != VERTICAL.fingerprint()

    def test_strings_are_coerced_to_enums_and_decimals(self) -> None:
        order = NewOrder("Limit", "Day", [opt("X", "Buy to Open")], price="1.5", price_effect="Debit")  # type: ignore[arg-type]
        assert (
            order.order_type is OrderType.LIMIT and order.price == D("1.5") and isinstance(order.legs, tuple)
        )
        with pytest.raises(ValueError):
            NewOrder("Limit", "Forever", ())  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ({"order-type": "Limit", "legs": []}, "time-in-force"),
            (
                {"time-in-force": "Day", "order-type": "Limit", "legs": [{"symbol": "AAPL"}]},
                "instrument-type",
            ),
            ({"time-in-force": "Day", "order-type": "Limit", "price": "abc", "legs": []}, "price"),
            ({"time-in-force": "Day", "order-type": "Limit", "legs": {}}, "legs"),
            (
                {"time-in-force": "Day", "order-type": "Limitt", "legs": []},
                "order-type 'Limitt' is not one of",
            ),
            ({"time-in-force": "Someday", "order-type": "Limit", "legs": []}, "time-in-force 'Someday'"),
            (
                {"time-in-force": "GTD", "gtc-date": "12/01/2025", "order-type": "Limit", "legs": []},
                "gtc-date",
            ),
            (
                {
                    "time-in-force": "Day",
                    "order-type": "Limit",
                    "price": "1",
                    "price-effect": "Debt",
                    "legs": [],
                },
                "price-effect 'Debt'",
            ),
            (
                {
                    "time-in-force": "Day",
                    "order-type": "Limit",
                    "legs": [
                        {"instrument-type": "Equity", "symbol": "A", "quantity": 1, "action": "Buy to Hold"}
                    ],
                },
                "action 'Buy to Hold'",
            ),
            ({"time-in-force": "Day", "order-type": "Limit", "legs": ["AAPL"]}, "wrong type"),
        ],
    )
    def test_from_wire_names_the_bad_field(self, body: dict[str, Any], message: str) -> None:
        with pytest.raises(ValueError, match=message):
            NewOrder.from_wire(body)

    def test_from_wire_ignores_unknown_keys(self) -> None:
        body = json.loads(REFERENCE_VERTICAL) | {"behavior": "immediate", "source": "x"}
        assert NewOrder.from_wire(body).source == "x"


def problems_of(**changes: Any) -> list[str]:
    base: dict[str, Any] = {
        "order_type": "Limit",
        "time_in_force": "Day",
        "legs": (stock("Buy to Open"),),
        "price": D("190.00"),
        "price_effect": "Debit",
    }
    return NewOrder(**(base | changes)).problems(today=date(2025, 6, 2))


class TestProblems:
    def test_clean_order_has_none(self) -> None:
        assert problems_of() == []

    @pytest.mark.parametrize(
        ("changes", "fragment"),
        [
            ({"order_type": "Market"}, "cannot have a limit price"),
            ({"price": None}, "needs a limit price"),
            ({"price_effect": None}, "debit or a credit"),
            ({"price_effect": "Credit"}, "cannot buy for a credit"),
            ({"legs": (stock("Sell to Close"),), "price_effect": "Debit"}, "cannot sell for a debit"),
            ({"order_type": "Stop", "price": None, "price_effect": None}, "needs a stop trigger"),
            ({"order_type": "Stop Limit"}, "needs a stop trigger"),
            ({"stop_trigger": D(180)}, "cannot have a stop trigger"),
            ({"time_in_force": "GTD"}, "needs its date"),
            ({"time_in_force": "GTD", "gtc_date": date(2025, 6, 1)}, "in the past"),
            ({"gtc_date": date(2025, 7, 1)}, "only used with the GTD"),
            (
                {"order_type": "Market", "price": None, "price_effect": None, "time_in_force": "GTC"},
                "GTC/GTD market",
            ),
            (
                {
                    "order_type": "Stop",
                    "price": None,
                    "price_effect": None,
                    "stop_trigger": D(1),
                    "time_in_force": "GTC",
                },
                "only close",
            ),
            ({"legs": (stock("Buy to Open"), stock("Buy to Open"))}, "appears more than once"),
            (
                {"legs": tuple(opt(f"SPY   260116C0050{i}000", "Buy to Open") for i in range(5))},
                "at most 4 legs",
            ),
            ({"legs": ()}, "no legs"),
            ({"legs": (stock("Buy to Open", 0),)}, "must be positive"),
            ({"legs": (OrderLeg("Equity", "AAPL", "Buy to Open", None),)}, "needs a quantity"),
            (
                {"legs": (OrderLeg("Equity Option", "SPY   260116C00500000", "Buy to Open", D("1.5")),)},
                "whole contracts",
            ),
            ({"legs": (stock("Buy"),)}, "only for futures"),
            ({"price": D("-1")}, "must not be negative"),
            ({"price": D("0")}, "above zero"),
            ({"value": D(100), "value_effect": "Debit"}, "Only notional"),
            (
                {"time_in_force": "Ext", "legs": (opt("SPY   260116C00500000", "Buy to Open"),)},
                "Extended-hours",
            ),
            (
                {
                    "order_type": "Notional Market",
                    "price": None,
                    "price_effect": None,
                    "value": D(50),
                    "value_effect": "Debit",
                },
                "not a quantity",
            ),
            (
                {
                    "order_type": "Notional Market",
                    "price": None,
                    "price_effect": None,
                    "legs": (OrderLeg("Equity Option", "SPY   260116C00500000", "Buy to Open", None),),
                    "value": D(50),
                    "value_effect": "Debit",
                },
                "only for stocks and cryptocurrencies",
            ),
        ],
    )
    def test_each_rule(self, changes: dict[str, Any], fragment: str) -> None:
        found = problems_of(**changes)
        assert any(fragment in p for p in found), found

    def test_futures_buy_sell_actions_are_fine(self) -> None:
        leg = OrderLeg("Future", "/ESZ5", "Buy", D(1))
        assert problems_of(legs=(leg,), price=D("6000.25")) == []

    def test_even_money_spread_may_be_priced_at_zero(self) -> None:
        assert problems_of(legs=VERTICAL.legs, price=D(0)) == []

    def test_complex_structure(self) -> None:
        close = NewOrder("Limit", "Day", (stock("Sell to Close"),), D(200), "Credit")
        stop = NewOrder("Stop", "Day", (stock("Sell to Close"),), stop_trigger=D(180))
        entry = NewOrder("Limit", "Day", (stock("Buy to Open"),), D(190), "Debit")
        assert NewComplexOrder("OCO", (close, stop)).problems() == []
        assert "needs a trigger" in NewComplexOrder("OTOCO", (close, stop)).problems()[0]
        assert any("exactly two" in p for p in NewComplexOrder("OCO", (close,)).problems())
        assert any("must close" in p for p in NewComplexOrder("OCO", (entry, stop)).problems())
        assert any("Unknown" in p for p in NewComplexOrder("XYZ", (close, stop)).problems())
        bad_child = NewOrder("Limit", "Day", (stock("Sell to Close"),), None, "Credit")
        found = NewComplexOrder("OTOCO", (bad_child, stop), trigger_order=entry).problems()
        assert found == ["Order 1: a limit order needs a limit price."]


class TestNetPrice:
    def test_vertical_debit_and_credit(self) -> None:
        long_leg, short_leg = VERTICAL.legs
        assert net_price_effect([(long_leg, D("3.10")), (short_leg, D("2.01"))]) == (
            D("1.09"),
            PriceEffect.DEBIT,
        )
        assert net_price_effect([(long_leg, D("1.00")), (short_leg, D("2.50"))]) == (
            D("1.50"),
            PriceEffect.CREDIT,
        )

    def test_ratios_reduce_to_one_unit(self) -> None:
        wing1, body, wing2 = (
            opt("SPY   260116C00490000", "Buy to Open", 2),
            opt("SPY   260116C00500000", "Sell to Open", 4),
            opt("SPY   260116C00510000", "Buy to Open", 2),
        )
        price, effect = net_price_effect([(wing1, D("14.00")), (body, D("6.50")), (wing2, D("2.00"))])
        assert (price, effect) == (D("3.00"), PriceEffect.DEBIT)  # 14 - 2*6.5 + 2

    def test_single_leg_is_per_unit(self) -> None:
        assert net_price_effect([(opt("X", "Sell to Open", 5), 1.25)]) == (D("1.25"), PriceEffect.CREDIT)

    def test_covered_call_prices_per_share(self) -> None:
        legs = [
            (stock("Buy to Open", 100), D("190.00")),
            (opt("AAPL  260116C00200000", "Sell to Open"), D("4.20")),
        ]
        assert net_price_effect(legs) == (D("185.80"), PriceEffect.DEBIT)

    def test_empty(self) -> None:
        with pytest.raises(ValueError):
            net_price_effect([])

    def test_one_unit_of_a_spread(self) -> None:
        assert spread_unit([D(2), D(4), D(2)]) == D(2)  # a 2x butterfly is two 1:2:1 units
        assert spread_unit([D(3)]) == D(3) and spread_unit([D("0.015")]) == D("0.015")
        assert spread_unit([D(1), D("0.5")]) == D(1) and spread_unit([]) == D(1)
