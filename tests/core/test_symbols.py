"""Symbology: the reference's worked examples, round trips and readable failures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.core.symbols import (
    FutureOptionSymbol,
    FutureSymbol,
    InstrumentType,
    OccSymbol,
    crypto_to_streamer,
    format_occ,
    from_streamer_symbol,
    future_option_to_streamer,
    future_to_streamer,
    instrument_type_of,
    month_code,
    month_from_code,
    occ_to_streamer,
    parse_future,
    parse_future_option,
    parse_occ,
    parse_streamer_future_option,
    parse_streamer_option,
    streamer_to_crypto,
    streamer_to_future,
    streamer_to_occ,
    to_streamer_symbol,
)


class TestEquityOptions:
    @pytest.mark.parametrize(
        ("occ", "streamer"),
        [
            ("SPY   230731C00393000", ".SPY230731C393"),
            ("AAPL  230616C00060000", ".AAPL230616C60"),
            ("SPXW  240417C01400000", ".SPXW240417C1400"),
            ("SPY   260804P00500000", ".SPY260804P500"),
            ("XYZ   240119C00012500", ".XYZ240119C12.5"),
            ("AAPL  230818C00197500", ".AAPL230818C197.5"),
            ("F     250117P00001125", ".F250117P1.125"),
        ],
    )
    def test_occ_and_streamer_round_trip(self, occ: str, streamer: str) -> None:
        assert occ_to_streamer(occ) == streamer
        assert streamer_to_occ(streamer) == occ
        assert len(streamer_to_occ(streamer)) == 21

    def test_parsed_fields(self) -> None:
        s = parse_occ("SPY   230731C00393000")
        assert s == OccSymbol("SPY", date(2023, 7, 31), "C", Decimal("393"))
        assert s.is_call
        assert s.occ == "SPY   230731C00393000"

    @pytest.mark.parametrize(
        "text",
        ["SPY   230731C00393000", "SPY 230731C00393000", "SPY230731C00393000", "  SPY 230731C00393000 "],
    )
    def test_accepts_padded_single_space_and_no_space(self, text: str) -> None:
        assert parse_occ(text).occ == "SPY   230731C00393000"

    def test_root_with_digits_in_no_space_form(self) -> None:
        s = parse_occ("SPY1230731C00393000")
        assert s.root == "SPY1"
        assert s.occ == "SPY1  230731C00393000"

    @pytest.mark.parametrize(
        "bad",
        [
            "",
            "SPY",
            "SPY   230731X00393000",
            "SPY   231331C00393000",
            "TOOLONGR230731C00393000",
            "SPY   230731C0039300",
        ],
    )
    def test_rejects_malformed_occ_with_readable_message(self, bad: str) -> None:
        with pytest.raises(ValueError) as info:
            parse_occ(bad)
        assert repr(bad) in str(info.value) or "date" in str(info.value)

    def test_format_occ(self) -> None:
        assert format_occ("SPY", date(2026, 8, 4), "C", Decimal("500")) == "SPY   260804C00500000"
        assert format_occ("XYZ", date(2024, 1, 19), "P", Decimal("12.5")) == "XYZ   240119P00012500"

    def test_strike_not_representable_in_occ_is_refused(self) -> None:
        with pytest.raises(ValueError):
            format_occ("SPY", date(2026, 8, 4), "C", Decimal("500.0001"))
        with pytest.raises(ValueError):
            format_occ("SPY", date(2026, 8, 4), "X", Decimal("500"))

    def test_streamer_parse(self) -> None:
        s = parse_streamer_option(".XYZ240119C12.5")
        assert (s.root, s.expiration, s.option_type, s.strike) == (
            "XYZ",
            date(2024, 1, 19),
            "C",
            Decimal("12.5"),
        )
        with pytest.raises(ValueError, match="streamer option"):
            parse_streamer_option("SPY230731C393")


class TestFutures:
    def test_month_codes(self) -> None:
        assert [month_code(m) for m in (1, 3, 6, 9, 12)] == ["F", "H", "M", "U", "Z"]
        assert month_from_code("z") == 12
        with pytest.raises(ValueError):
            month_code(13)
        with pytest.raises(ValueError):
            month_from_code("A")

    def test_reference_example(self) -> None:
        assert future_to_streamer("/ESU3", "XCME", today=date(2023, 6, 1)) == "/ESU23:XCME"
        assert streamer_to_future("/ESU23:XCME") == "/ESU3"
        assert streamer_to_future("/6AM23:XCME") == "/6AM3"
        assert streamer_to_future("/RBM25:XNYM") == "/RBM5"

    @pytest.mark.parametrize("text", ["/ESZ4", "/ESZ24", "/ESZ24:XCME", "ESZ4"])
    def test_accepted_forms(self, text: str) -> None:
        f = parse_future(text, today=date(2024, 10, 1))
        assert f == FutureSymbol("ES", 12, 2024)
        assert f.symbol == "/ESZ4"
        assert f.streamer("XCME") == "/ESZ24:XCME"

    def test_one_digit_year_resolves_near_today_never_far_in_the_past(self) -> None:
        assert parse_future("/ESZ4", today=date(2025, 3, 1)).year == 2024  # a year back at most
        assert parse_future("/ESZ3", today=date(2025, 3, 1)).year == 2033
        assert parse_future("/ESH0", today=date(2029, 11, 1)).year == 2030
        assert parse_future("/ESH9", today=date(2030, 2, 1)).year == 2029

    @pytest.mark.parametrize(
        ("symbol", "code"),
        [("/MESZ4", "MES"), ("/ZNZ4", "ZN"), ("/6EM6", "6E"), ("/1OZZ5", "1OZ"), ("/HGH5", "HG")],
    )
    def test_product_codes_that_look_like_month_letters(self, symbol: str, code: str) -> None:
        assert parse_future(symbol, today=date(2025, 1, 1)).product_code == code

    def test_default_exchange_and_unknown_product(self) -> None:
        assert future_to_streamer("/CLZ5", today=date(2025, 1, 1)) == "/CLZ25:XNYM"
        with pytest.raises(ValueError, match="streamer-exchange-code"):
            future_to_streamer("/QQZ5", today=date(2025, 1, 1))

    @pytest.mark.parametrize("bad", ["/ES", "/ESA4", "ES", "/ESZ", "/ESZ245"])
    def test_rejects_malformed(self, bad: str) -> None:
        with pytest.raises(ValueError, match="futures symbol"):
            parse_future(bad)


class TestFutureOptions:
    def test_reference_example(self) -> None:
        o = parse_future_option("./ESU3 EW4N3 230728C3990")
        assert o == FutureOptionSymbol("/ESU3", "EW4N3", date(2023, 7, 28), "C", Decimal("3990"))
        assert o.symbol == "./ESU3 EW4N3 230728C3990"
        assert o.streamer("XCME") == "./EW4N23C3990:XCME"
        assert future_option_to_streamer("./ESU3 EW4N3 230728P3990", "XCME") == "./EW4N23P3990:XCME"

    def test_short_contract_code_keeps_two_spaces(self) -> None:
        o = parse_future_option("./GCQ5 OGN5  250625P2095")
        assert o.option_contract == "OGN5"
        assert o.symbol == "./GCQ5 OGN5  250625P2095"
        assert o.streamer("XCEC") == "./OGN25P2095:XCEC"
        # a single space is accepted too, and normalized back to the padded form
        assert parse_future_option("./CLJ6 LOJ6 260317P56").symbol == "./CLJ6 LOJ6  260317P56"

    def test_fractional_strike_kept(self) -> None:
        o = parse_future_option("./6EM6 EUUJ6 260403C1.225")
        assert o.strike == Decimal("1.225")
        assert o.streamer("XCME") == "./EUUJ26C1.225:XCME"

    def test_contract_year_across_year_end(self) -> None:
        # a January contract that expires in December of the previous year
        o = FutureOptionSymbol("/CLF5", "LOF5", date(2024, 12, 16), "C", Decimal("70"))
        assert o.streamer("XNYM") == "./LOF25C70:XNYM"

    def test_default_exchange(self) -> None:
        assert future_option_to_streamer("./CLZ2 LO1X2 221104C91") == "./LO1X22C91:XNYM"

    def test_streamer_split_and_not_invertible(self) -> None:
        assert parse_streamer_future_option("./EW4N23C3990:XCME") == ("EW4N23", "C", Decimal("3990"), "XCME")
        with pytest.raises(ValueError, match="chain"):
            from_streamer_symbol("./EW4N23C3990:XCME")

    @pytest.mark.parametrize("bad", ["./ESU3", "/ESU3 EW4N3 230728C3990", "./ESU3 EW4N3 230728X3990"])
    def test_rejects_malformed(self, bad: str) -> None:
        with pytest.raises(ValueError, match="future-option"):
            parse_future_option(bad)


class TestCryptoAndDispatch:
    def test_crypto(self) -> None:
        assert crypto_to_streamer("BTC/USD") == "BTC/USD:CXTALP"
        assert streamer_to_crypto("BTC/USD:CXTALP") == "BTC/USD"
        with pytest.raises(ValueError):
            crypto_to_streamer("BTCUSD")

    @pytest.mark.parametrize(
        ("symbol", "kind"),
        [
            ("AAPL", InstrumentType.EQUITY),
            ("SPY   230731C00393000", InstrumentType.EQUITY_OPTION),
            (".SPY230731C393", InstrumentType.EQUITY_OPTION),
            ("/ESU3", InstrumentType.FUTURE),
            ("/ESU23:XCME", InstrumentType.FUTURE),
            ("./ESU3 EW4N3 230728C3990", InstrumentType.FUTURE_OPTION),
            ("BTC/USD", InstrumentType.CRYPTOCURRENCY),
            ("BTC/USD:CXTALP", InstrumentType.CRYPTOCURRENCY),
        ],
    )
    def test_instrument_type_of(self, symbol: str, kind: InstrumentType) -> None:
        assert instrument_type_of(symbol) is kind

    def test_instrument_type_values_match_the_wire(self) -> None:
        assert InstrumentType.EQUITY_OPTION == "Equity Option"
        assert InstrumentType("Future Option") is InstrumentType.FUTURE_OPTION

    @pytest.mark.parametrize(
        ("rest", "streamer", "exchange"),
        [
            ("SPY", "SPY", None),
            ("SPY   230731C00393000", ".SPY230731C393", None),
            ("/ESU3", "/ESU23:XCME", "XCME"),
            ("BTC/USD", "BTC/USD:CXTALP", None),
        ],
    )
    def test_to_and_from_streamer(self, rest: str, streamer: str, exchange: str | None) -> None:
        assert to_streamer_symbol(rest, exchange_code=exchange, today=date(2023, 6, 1)) == streamer
        assert to_streamer_symbol(streamer) == streamer  # already streamer form
        assert from_streamer_symbol(streamer) == rest

    def test_explicit_type_and_future_option(self) -> None:
        assert to_streamer_symbol("./ESU3 EW4N3 230728C3990", "Future Option", "XCME") == "./EW4N23C3990:XCME"
        assert to_streamer_symbol("SPX", InstrumentType.INDEX) == "SPX"
