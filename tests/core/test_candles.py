"""Candle symbols, periods, the time-series index and period alignment."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from desktop.core.candles import (
    REMOVE_EVENT,
    SNAPSHOT_BEGIN,
    SNAPSHOT_END,
    SNAPSHOT_SNIP,
    TX_PENDING,
    CandlePeriod,
    align_time,
    build_candle_symbol,
    event_index,
    index_sequence,
    index_time_ms,
    next_period_start,
    normalize_candle_symbol,
    parse_candle_symbol,
    parse_period,
)

NY = ZoneInfo("America/New_York")


def ms(*args: int, tz: object = UTC) -> int:
    return int(datetime(*args, tzinfo=tz).timestamp() * 1000)  # type: ignore[arg-type]


class TestPeriods:
    @pytest.mark.parametrize(
        ("text", "value", "unit", "normal"),
        [
            ("5m", 5, "m", "5m"),
            ("1h", 1, "h", "h"),
            ("w", 1, "w", "w"),
            ("1w", 1, "w", "w"),
            ("15s", 15, "s", "15s"),
            ("1mo", 1, "mo", "mo"),
            ("3MO", 3, "mo", "3mo"),
            ("2 days", 2, "d", "2d"),
            ("10min", 10, "m", "10m"),
            ("1mon", 1, "mo", "mo"),
            ("4hours", 4, "h", "4h"),
            ("0.5h", 0.5, "h", "0.5h"),
            ("o", 1, "o", "o"),
            ("1000v", 1000, "v", "1000v"),
            ("2pm", 2, "pm", "2pm"),
            ("pr", 1, "pr", "pr"),
            ("t", 1, "t", "t"),
        ],
    )
    def test_parse_and_normalize(self, text: str, value: float, unit: str, normal: str) -> None:
        p = parse_period(text)
        assert (p.value, p.unit) == (value, unit)
        assert str(p) == normal

    def test_lengths(self) -> None:
        assert parse_period("5m").ms == 300_000
        assert parse_period("15s").ms == 15_000
        assert parse_period("d").ms == 86_400_000
        assert parse_period("0.5h").ms == 1_800_000
        assert parse_period("w").ms == 604_800_000
        for calendar_or_not_time in ("mo", "y", "o", "t", "1000v", "p"):
            assert parse_period(calendar_or_not_time).ms is None
        assert parse_period("mo").is_time and not parse_period("t").is_time

    @pytest.mark.parametrize("bad", ["", "5", "5x", "-1m", "0m", "m5"])
    def test_bad_periods(self, bad: str) -> None:
        with pytest.raises(ValueError):
            parse_period(bad)


class TestSymbols:
    @pytest.mark.parametrize(
        ("raw", "normal"),
        [
            ("GOOG{=1w,tho=true}", "GOOG{=w,tho=true}"),  # the echo seen live
            ("AAPL{=5m}", "AAPL{=5m}"),
            ("AAPL{tho=TRUE,=H,a=S}", "AAPL{=h,a=s,tho=true}"),
            ("SPY{=5m,tho=false,price=last,a=m}", "SPY{=5m}"),
            ("/ESZ24:XCME{=15s}", "/ESZ24:XCME{=15s}"),
            ("BTC/USD:CXTALP{=5m}", "BTC/USD:CXTALP{=5m}"),
            ("EUR/USD{=m,price=bid}", "EUR/USD{=m,price=bid}"),
            ("X{=1d,price=Settlement}", "X{=d,price=s}"),
            (".SPY240417C437{=d}", ".SPY240417C437{=d}"),
            ("AAPL{=1t}", "AAPL"),
            ("AAPL", "AAPL"),
            ("AAPL{ = 5 minutes , tho = true }", "AAPL{=5m,tho=true}"),
            ("AAPL{=d,pl=0.5}", "AAPL{=d,pl=0.5}"),
        ],
    )
    def test_normalize(self, raw: str, normal: str) -> None:
        assert normalize_candle_symbol(raw) == normal
        assert normalize_candle_symbol(normal) == normal  # idempotent

    def test_parsed_fields(self) -> None:
        s = parse_candle_symbol("AAPL{=h,a=s,tho=true,price=mark}")
        assert s.base == "AAPL"
        assert s.period == CandlePeriod(1, "h")
        assert s.tho and s.price == "mark" and s.alignment == "s"
        plain = parse_candle_symbol("SPY{=5m}")
        assert not plain.tho and plain.price == "last" and plain.alignment == "m"
        assert plain.attributes == ()

    @pytest.mark.parametrize(
        "bad", ["AAPL{=5m", "{=5m}", "AAPL{=5x}", "AAPL{tho=maybe}", "AAPL{=5m}}", "AAPL{price}"]
    )
    def test_bad_symbols(self, bad: str) -> None:
        with pytest.raises(ValueError):
            parse_candle_symbol(bad)

    def test_build(self) -> None:
        assert build_candle_symbol("SPY", "5m", tho=True) == "SPY{=5m,tho=true}"
        assert build_candle_symbol("AAPL", "1d") == "AAPL{=d}"
        assert build_candle_symbol("/ESZ24:XCME", CandlePeriod(15, "s")) == "/ESZ24:XCME{=15s}"
        assert (
            build_candle_symbol("AAPL", "h", tho=True, price="bid", alignment="session")
            == "AAPL{=h,a=s,price=bid,tho=true}"
        )
        assert build_candle_symbol("AAPL", "h", price="last", alignment="m") == "AAPL{=h}"


class TestIndex:
    def test_flags(self) -> None:
        assert (TX_PENDING, REMOVE_EVENT, SNAPSHOT_BEGIN, SNAPSHOT_END, SNAPSHOT_SNIP) == (1, 2, 4, 8, 16)
        assert SNAPSHOT_END | REMOVE_EVENT == 0x0A

    def test_reference_worked_example(self) -> None:
        assert event_index(1684559855338) == 7235129486797176832
        assert index_time_ms(7235129486797176832) == 1684559855338

    def test_live_candle_example(self) -> None:
        assert index_time_ms(7252381703287603200) == 1688576700000
        assert event_index(1688576700000) == 7252381703287603200

    def test_sequence_round_trip_and_ordering(self) -> None:
        i = event_index(1688576700123, 17)
        assert index_time_ms(i) == 1688576700123 and index_sequence(i) == 17
        assert event_index(1000, 5) < event_index(1001, 0) < event_index(2000, 0)
        with pytest.raises(ValueError):
            event_index(0, 1 << 22)


class TestAlignment:
    def test_intraday_utc(self) -> None:
        t = ms(2025, 6, 2, 12, 34, 56) + 789
        assert align_time(t, "5m") == ms(2025, 6, 2, 12, 30)
        assert align_time(t, "15s") == ms(2025, 6, 2, 12, 34, 45)
        assert align_time(t, "h") == ms(2025, 6, 2, 12)
        assert align_time(t, "4h") == ms(2025, 6, 2, 12)
        assert next_period_start(t, "5m") == ms(2025, 6, 2, 12, 35)

    def test_day_week_month_year_utc(self) -> None:
        t = ms(2025, 6, 4, 15, 0)  # a Wednesday
        assert align_time(t, "d") == ms(2025, 6, 4)
        assert align_time(t, "w") == ms(2025, 6, 2)  # Monday
        assert align_time(t, "mo") == ms(2025, 6, 1)
        assert align_time(t, "3mo") == ms(2025, 4, 1)
        assert align_time(t, "y") == ms(2025, 1, 1)
        assert next_period_start(t, "w") == ms(2025, 6, 9)
        assert next_period_start(t, "mo") == ms(2025, 7, 1)
        assert next_period_start(ms(2025, 12, 10), "mo") == ms(2026, 1, 1)
        assert next_period_start(t, "y") == ms(2026, 1, 1)

    def test_day_in_new_york(self) -> None:
        late_evening = ms(2025, 6, 2, 3, 0)  # 23:00 on June 1 in New York
        assert align_time(late_evening, "d", NY) == ms(2025, 6, 1, tz=NY)
        assert align_time(late_evening, "h", NY) == ms(2025, 6, 1, 23, tz=NY)

    def test_dst_day_is_23_hours(self) -> None:
        start = align_time(ms(2025, 3, 9, 18, 0), "d", NY)
        assert start == ms(2025, 3, 9, 5, 0)  # midnight EST
        assert next_period_start(start, "d", NY) == ms(2025, 3, 10, 4, 0)  # midnight EDT

    def test_option_expiration_periods(self) -> None:
        # the third Friday (Nov 21, 2025) closes the period that began the day after Oct 17
        assert align_time(ms(2025, 11, 21, 15), "o") == ms(2025, 10, 18)
        assert align_time(ms(2025, 11, 22, 1), "o") == ms(2025, 11, 22)
        assert next_period_start(ms(2025, 11, 10), "o") == ms(2025, 11, 22)
        assert align_time(ms(2026, 1, 5), "o") == ms(2025, 12, 20)

    def test_candles_never_straddle_their_bounds(self) -> None:
        for period in ("1m", "5m", "h", "d", "w", "mo", "o"):
            for t in range(ms(2025, 1, 1), ms(2025, 12, 31), 7_777_777_777 // 97):
                start = align_time(t, period, NY)
                end = next_period_start(t, period, NY)
                assert start <= t < end, (period, t)
                assert align_time(end, period, NY) == end

    def test_non_time_periods_refused(self) -> None:
        for period in ("t", "1000v", "p"):
            with pytest.raises(ValueError, match="not time-based"):
                align_time(0, period)
