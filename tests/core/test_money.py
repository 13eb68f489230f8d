"""Money: wire decimals, effects and tick sizes as a trader's ticket needs them."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from desktop.core.money import (
    Effect,
    TickSize,
    is_on_tick,
    parse_tick_sizes,
    quantize_money,
    round_price,
    round_to_tick,
    signed,
    split_signed,
    step_price,
    tick_for_price,
    to_decimal,
    wire_decimal,
)

OPTION_TICKS = parse_tick_sizes([{"value": "0.01", "threshold": "3.0"}, {"value": "0.05"}])
EQUITY_TICKS = parse_tick_sizes([{"value": "0.0001", "threshold": "1.0"}, {"value": "0.01"}])


class TestParsing:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("7218.997", D("7218.997")),
            (" 3.0 ", D("3.0")),
            (100, D(100)),
            (0.1, D("0.1")),
            (1.1, D("1.1")),
            (D("2.5"), D("2.5")),
            ("-40.0", D("-40.0")),
        ],
    )
    def test_numbers_and_strings(self, raw: object, expected: D) -> None:
        assert to_decimal(raw) == expected

    @pytest.mark.parametrize("raw", [None, "", "NaN", "nan", float("nan"), float("inf"), "Infinity"])
    def test_missing_values_are_none(self, raw: object) -> None:
        assert to_decimal(raw) is None

    @pytest.mark.parametrize("raw", ["abc", "1,000", True, [1]])
    def test_garbage_is_an_error(self, raw: object) -> None:
        with pytest.raises(ValueError, match="not a number"):
            to_decimal(raw)

    @pytest.mark.parametrize(
        ("value", "text"),
        [
            (D("100"), "100.0"),
            (D("100.00"), "100.0"),
            (D("2.302"), "2.302"),
            (D("2.3020"), "2.302"),
            (D("0"), "0.0"),
            (D("-0.00"), "0.0"),
            (D("1E+2"), "100.0"),
            (D("0.0001"), "0.0001"),
            (D("-1.50"), "-1.5"),
            (5, "5.0"),
        ],
    )
    def test_wire_decimal(self, value: D, text: str) -> None:
        assert wire_decimal(value) == text

    def test_wire_decimal_refuses_nan(self) -> None:
        with pytest.raises(ValueError):
            wire_decimal(D("NaN"))


class TestEffects:
    def test_values_match_the_wire(self) -> None:
        assert [e.value for e in Effect] == ["Credit", "Debit", "None"]

    def test_signed(self) -> None:
        assert signed("102.302", "Debit") == D("-102.302")
        assert signed("2.0", Effect.CREDIT) == D("2.0")
        assert signed("0.0", "None") == D(0)
        assert signed(None, "Debit") == D(0)

    def test_split_signed_round_trip(self) -> None:
        for value in (D("-1.25"), D("3"), D(0)):
            magnitude, effect = split_signed(value)
            assert magnitude >= 0
            assert signed(magnitude, effect) == value
        assert split_signed(D("-1.25")) == (D("1.25"), Effect.DEBIT)
        assert split_signed(D(0))[1] is Effect.NONE

    def test_quantize_money(self) -> None:
        assert quantize_money(D("2.345")) == D("2.35")
        assert quantize_money(D("-2.345")) == D("-2.35")
        assert quantize_money(D("1.23456"), 4) == D("1.2346")


class TestTicks:
    def test_parse(self) -> None:
        assert (TickSize(D("0.01"), D("3.0")), TickSize(D("0.05"), None)) == OPTION_TICKS
        assert parse_tick_sizes(None) == ()
        with pytest.raises(ValueError):
            parse_tick_sizes([{"value": "0"}])

    @pytest.mark.parametrize(
        ("price", "tick"),
        [("0.50", "0.01"), ("2.99", "0.01"), ("3.00", "0.05"), ("12.40", "0.05"), ("-2.50", "0.01")],
    )
    def test_tick_for_price_threshold_is_exclusive(self, price: str, tick: str) -> None:
        assert tick_for_price(D(price), OPTION_TICKS) == D(tick)

    def test_equity_sub_dollar_ticks(self) -> None:
        assert tick_for_price(D("0.5123"), EQUITY_TICKS) == D("0.0001")
        assert tick_for_price(D("190.00"), EQUITY_TICKS) == D("0.01")

    def test_single_rule_without_threshold(self) -> None:
        assert tick_for_price(D("4000"), parse_tick_sizes([{"value": "0.25"}])) == D("0.25")
        with pytest.raises(ValueError):
            tick_for_price(D(1), ())

    @pytest.mark.parametrize(
        ("price", "tick", "mode", "expected"),
        [
            ("1.234", "0.05", "nearest", "1.25"),
            ("1.224", "0.05", "nearest", "1.20"),
            ("1.225", "0.05", "nearest", "1.25"),
            ("1.201", "0.05", "up", "1.25"),
            ("1.249", "0.05", "down", "1.20"),
            ("4012.1", "0.25", "nearest", "4012.00"),
            ("4012.13", "0.25", "nearest", "4012.25"),
            ("-1.234", "0.05", "down", "-1.25"),
            ("-1.234", "0.05", "up", "-1.20"),
        ],
    )
    def test_round_to_tick(self, price: str, tick: str, mode: str, expected: str) -> None:
        result = round_to_tick(D(price), D(tick), mode)  # type: ignore[arg-type]
        assert result == D(expected)
        assert is_on_tick(result, D(tick))

    def test_is_on_tick(self) -> None:
        assert is_on_tick(D("3.05"), D("0.05"))
        assert not is_on_tick(D("3.07"), D("0.05"))
        assert is_on_tick(D("4012.25"), D("0.25"))

    def test_round_price_honours_thresholds(self) -> None:
        assert round_price(D("2.994"), OPTION_TICKS) == D("2.99")
        assert round_price(D("2.996"), OPTION_TICKS) == D("3.00")
        assert round_price(D("3.02"), OPTION_TICKS) == D("3.00")
        assert round_price(D("3.03"), OPTION_TICKS) == D("3.05")
        assert round_price(D("3.01"), OPTION_TICKS, "up") == D("3.05")

    def test_step_price_crosses_thresholds_on_the_right_tick(self) -> None:
        assert step_price(D("2.99"), OPTION_TICKS, 1) == D("3.00")
        assert step_price(D("3.00"), OPTION_TICKS, 1) == D("3.05")
        assert step_price(D("3.00"), OPTION_TICKS, -1) == D("2.99")
        assert step_price(D("3.05"), OPTION_TICKS, -1) == D("3.00")
        assert step_price(D("2.98"), OPTION_TICKS, 3) == D("3.05")
        assert step_price(D("0.01"), OPTION_TICKS, -2) == D("-0.01")
        assert step_price(D("-3.00"), OPTION_TICKS, 1) == D("-2.99")
