"""US market calendar: published NYSE holidays 2025-2027, sessions, expirations."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from desktop.core.calendar import (
    NEW_YORK,
    MarketState,
    days_to_expiration,
    easter_sunday,
    equity_session,
    expiration_type,
    holiday_name,
    is_early_close,
    is_trading_day,
    market_state,
    monthly_expiration,
    next_session,
    next_trading_day,
    nyse_holidays,
    option_expirations,
    previous_trading_day,
    third_friday,
)

# NYSE's published holiday calendars (2025 includes the Jan 9 National Day of Mourning).
NYSE_HOLIDAYS = {
    2025: [
        date(2025, 1, 1),
        date(2025, 1, 9),
        date(2025, 1, 20),
        date(2025, 2, 17),
        date(2025, 4, 18),
        date(2025, 5, 26),
        date(2025, 6, 19),
        date(2025, 7, 4),
        date(2025, 9, 1),
        date(2025, 11, 27),
        date(2025, 12, 25),
    ],
    2026: [
        date(2026, 1, 1),
        date(2026, 1, 19),
        date(2026, 2, 16),
        date(2026, 4, 3),
        date(2026, 5, 25),
        date(2026, 6, 19),
        date(2026, 7, 3),  # July 4 is a Saturday
        date(2026, 9, 7),
        date(2026, 11, 26),
        date(2026, 12, 25),
    ],
    2027: [
        date(2027, 1, 1),
        date(2027, 1, 18),
        date(2027, 2, 15),
        date(2027, 3, 26),
        date(2027, 5, 31),
        date(2027, 6, 18),  # Juneteenth is a Saturday
        date(2027, 7, 5),  # July 4 is a Sunday
        date(2027, 9, 6),
        date(2027, 11, 25),
        date(2027, 12, 24),  # Christmas is a Saturday
    ],
}


class TestHolidays:
    @pytest.mark.parametrize("year", sorted(NYSE_HOLIDAYS))
    def test_published_holidays(self, year: int) -> None:
        assert list(nyse_holidays(year)) == NYSE_HOLIDAYS[year]
        for d in NYSE_HOLIDAYS[year]:
            assert not is_trading_day(d), d

    def test_easter(self) -> None:
        assert [easter_sunday(y) for y in (2024, 2025, 2026, 2027)] == [
            date(2024, 3, 31),
            date(2025, 4, 20),
            date(2026, 4, 5),
            date(2027, 3, 28),
        ]

    def test_saturday_new_year_is_not_observed(self) -> None:
        # 2028-01-01 is a Saturday: Friday 2027-12-31 trades.
        assert is_trading_day(date(2027, 12, 31))
        assert date(2027, 12, 31) not in nyse_holidays(2027)
        assert date(2028, 1, 1) not in nyse_holidays(2028)

    def test_sunday_new_year_observed_monday(self) -> None:
        assert holiday_name(date(2023, 1, 2)) == "New Year's Day"

    def test_names(self) -> None:
        assert holiday_name(date(2025, 4, 18)) == "Good Friday"
        assert holiday_name(date(2025, 4, 17)) is None

    def test_weekends_do_not_trade(self) -> None:
        assert not is_trading_day(date(2025, 11, 22))
        assert not is_trading_day(date(2025, 11, 23))
        assert is_trading_day(date(2025, 11, 24))

    @pytest.mark.parametrize(
        "d",
        [date(2025, 7, 3), date(2025, 11, 28), date(2025, 12, 24), date(2026, 11, 27), date(2026, 12, 24)],
    )
    def test_early_closes(self, d: date) -> None:
        assert is_early_close(d)
        session = equity_session(d)
        assert session is not None and session.early_close
        assert session.close.astimezone(NEW_YORK).time() == time(13, 0)
        assert session.post_market_close.astimezone(NEW_YORK).time() == time(17, 0)

    @pytest.mark.parametrize(
        "d", [date(2026, 7, 2), date(2027, 7, 2), date(2027, 12, 23), date(2025, 12, 23)]
    )
    def test_not_early_closes(self, d: date) -> None:
        assert is_trading_day(d)
        assert not is_early_close(d)

    def test_next_and_previous_trading_day(self) -> None:
        assert next_trading_day(date(2025, 4, 17)) == date(2025, 4, 21)  # Good Friday + weekend
        assert previous_trading_day(date(2025, 4, 21)) == date(2025, 4, 17)
        assert next_trading_day(date(2025, 12, 24)) == date(2025, 12, 26)
        assert previous_trading_day(date(2025, 1, 10)) == date(2025, 1, 8)


class TestSessions:
    def test_summer_session_in_utc(self) -> None:
        s = equity_session(date(2025, 6, 2))
        assert s is not None
        assert s.pre_market_open == datetime(2025, 6, 2, 8, 0, tzinfo=UTC)
        assert s.open == datetime(2025, 6, 2, 13, 30, tzinfo=UTC)
        assert s.close == datetime(2025, 6, 2, 20, 0, tzinfo=UTC)
        assert s.post_market_close == datetime(2025, 6, 3, 0, 0, tzinfo=UTC)

    def test_winter_session_in_utc(self) -> None:
        s = equity_session(date(2025, 12, 1))
        assert s is not None
        assert s.open == datetime(2025, 12, 1, 14, 30, tzinfo=UTC)
        assert s.close == datetime(2025, 12, 1, 21, 0, tzinfo=UTC)

    def test_holiday_has_no_session(self) -> None:
        assert equity_session(date(2025, 12, 25)) is None

    @pytest.mark.parametrize(
        ("now", "state"),
        [
            (datetime(2025, 6, 2, 7, 59, tzinfo=UTC), MarketState.CLOSED),
            (datetime(2025, 6, 2, 8, 0, tzinfo=UTC), MarketState.PRE_MARKET),
            (datetime(2025, 6, 2, 13, 29, 59, tzinfo=UTC), MarketState.PRE_MARKET),
            (datetime(2025, 6, 2, 13, 30, tzinfo=UTC), MarketState.OPEN),
            (datetime(2025, 6, 2, 19, 59, tzinfo=UTC), MarketState.OPEN),
            (datetime(2025, 6, 2, 20, 0, tzinfo=UTC), MarketState.EXTENDED),
            (datetime(2025, 6, 2, 23, 59, tzinfo=UTC), MarketState.EXTENDED),
            (datetime(2025, 6, 3, 0, 0, tzinfo=UTC), MarketState.CLOSED),
            (datetime(2025, 6, 7, 15, 0, tzinfo=UTC), MarketState.CLOSED),  # Saturday
            (datetime(2025, 11, 28, 18, 30, tzinfo=UTC), MarketState.EXTENDED),  # after the 13:00 close
        ],
    )
    def test_market_state(self, now: datetime, state: MarketState) -> None:
        assert market_state(now) is state
        assert market_state(now) == state.value

    def test_market_state_values(self) -> None:
        assert {s.value for s in MarketState} == {"Open", "Closed", "Pre-market", "Extended"}

    def test_naive_datetime_is_refused(self) -> None:
        with pytest.raises(ValueError, match="timezone-aware"):
            market_state(datetime(2025, 6, 2, 15, 0))

    def test_next_session(self) -> None:
        friday_night = datetime(2025, 4, 17, 23, 59, tzinfo=UTC)  # Thursday post-market, Good Friday next
        assert next_session(friday_night).day == date(2025, 4, 17)
        assert next_session(friday_night + timedelta(minutes=2)).day == date(2025, 4, 21)


class TestExpirations:
    def test_third_friday(self) -> None:
        assert third_friday(2025, 11) == date(2025, 11, 21)
        assert third_friday(2026, 1) == date(2026, 1, 16)
        assert third_friday(2025, 8) == date(2025, 8, 15)

    def test_monthly_moves_to_thursday_on_good_friday(self) -> None:
        assert monthly_expiration(2025, 4) == date(2025, 4, 17)
        assert expiration_type(date(2025, 4, 17)) == "Regular"

    @pytest.mark.parametrize(
        ("d", "kind"),
        [
            (date(2025, 11, 21), "Regular"),
            (date(2025, 11, 14), "Weekly"),
            (date(2025, 10, 31), "End-Of-Month"),  # a Friday, but month end wins over weekly
            (date(2025, 12, 31), "Quarterly"),
            (date(2026, 3, 31), "Quarterly"),
            (date(2026, 1, 30), "End-Of-Month"),
            (date(2025, 11, 28), "End-Of-Month"),  # Nov 30 is a Sunday
        ],
    )
    def test_expiration_type(self, d: date, kind: str) -> None:
        assert expiration_type(d) == kind

    def test_days_to_expiration(self) -> None:
        assert days_to_expiration(date(2025, 12, 19), date(2025, 11, 21)) == 28
        assert days_to_expiration(date(2025, 11, 21), date(2025, 11, 21)) == 0

    def test_listing_with_weeklies(self) -> None:
        got = option_expirations(date(2025, 11, 17), 50)
        assert got == [
            date(2025, 11, 21),  # monthly
            date(2025, 11, 28),  # weekly and month end (Thanksgiving is the Thursday before)
            date(2025, 12, 5),
            date(2025, 12, 12),
            date(2025, 12, 19),  # monthly
            date(2025, 12, 26),
            date(2025, 12, 31),  # quarterly, a Wednesday
            date(2026, 1, 2),
        ]

    def test_thursday_weekly_before_a_friday_holiday(self) -> None:
        got = option_expirations(date(2026, 3, 30), 6)
        assert date(2026, 4, 2) in got  # Good Friday 2026-04-03
        assert date(2026, 4, 3) not in got
        assert date(2026, 3, 31) in got  # quarter end

    def test_monthlies_only(self) -> None:
        got = option_expirations(date(2025, 11, 22), 100, weeklies=False)
        assert got == [date(2025, 12, 19), date(2026, 1, 16), date(2026, 2, 20)]
        assert all(expiration_type(d) == "Regular" for d in got)

    def test_dailies_are_every_trading_day(self) -> None:
        got = option_expirations(date(2025, 11, 24), 6, dailies=True)
        assert got == [date(2025, 11, 24), date(2025, 11, 25), date(2025, 11, 26), date(2025, 11, 28)]

    def test_today_included_and_only_trading_days(self) -> None:
        got = option_expirations(date(2025, 11, 21), 365)
        assert got[0] == date(2025, 11, 21)
        assert all(is_trading_day(d) for d in got)
        assert len(got) == len(set(got)) and got == sorted(got)
