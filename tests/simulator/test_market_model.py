"""The market model on its own: deterministic history, candles consistent across periods and
with the live path, sessions, realistic chains and greeks, event fields, jumps and changes."""

from __future__ import annotations

import itertools
import math
from datetime import UTC, datetime

import pytest

from desktop.simulator.market import MarketModel

WEDNESDAY_11_ET = int(datetime(2026, 3, 11, 15, 0, tzinfo=UTC).timestamp() * 1000)
DAY = 86_400_000


def model(seed: int = 7, now: int = WEDNESDAY_11_ET, sessions: str = "always-open") -> MarketModel:
    return MarketModel(seed, sessions, lambda: now)


@pytest.fixture(scope="module")
def m() -> MarketModel:
    return model()


def test_history_is_deterministic_per_seed(m: MarketModel) -> None:
    again = model()
    other = model(seed=8)
    a = m.candles("AAPL", "d", False, WEDNESDAY_11_ET - 400 * DAY, WEDNESDAY_11_ET)
    assert len(a) >= 250, "at least a year of daily candles"
    assert [(c.time, c.close) for c in a] == [
        (c.time, c.close)
        for c in again.candles("AAPL", "d", False, WEDNESDAY_11_ET - 400 * DAY, WEDNESDAY_11_ET)
    ]
    b = other.candles("AAPL", "d", False, WEDNESDAY_11_ET - 400 * DAY, WEDNESDAY_11_ET)
    assert [c.close for c in a[-20:]] != [c.close for c in b[-20:]]


def test_months_of_intraday_history(m: MarketModel) -> None:
    bars = m.candles("SPY", "15m", False, WEDNESDAY_11_ET - 100 * DAY, WEDNESDAY_11_ET)
    assert bars[0].time < WEDNESDAY_11_ET - 90 * DAY, "three months of intraday history"
    assert all(b.low <= min(b.open, b.close) and b.high >= max(b.open, b.close) for b in bars)
    times = [b.time for b in bars]
    assert times == sorted(times) and len(set(times)) == len(times)


def test_daily_candle_is_the_regular_session_of_the_minute_candles(m: MarketModel) -> None:
    day_start = WEDNESDAY_11_ET - 6 * DAY  # the previous Thursday
    daily = [
        c
        for c in m.candles("MSFT", "d", False, day_start - DAY, WEDNESDAY_11_ET)
        if c.time < WEDNESDAY_11_ET - DAY
    ]
    target = daily[-2]
    minutes = [
        c for c in m.candles("MSFT", "1m", True, target.time, target.time + DAY) if c.time < target.time + DAY
    ]
    assert minutes, "regular-hours minutes that day"
    assert math.isclose(target.open, minutes[0].open) and math.isclose(target.close, minutes[-1].close)
    assert math.isclose(target.high, max(c.high for c in minutes))
    assert math.isclose(target.low, min(c.low for c in minutes))


def test_sub_minute_history_aggregates_back_to_the_minute(m: MarketModel) -> None:
    start = WEDNESDAY_11_ET - 2 * 3_600_000
    minute = m.candles("QQQ", "1m", False, start, start + 10 * 60_000)[2]
    seconds = [
        c
        for c in m.candles("QQQ", "15s", False, minute.time, WEDNESDAY_11_ET)
        if c.time < minute.time + 60_000
    ]
    assert len(seconds) == 4
    assert math.isclose(seconds[0].open, minute.open) and math.isclose(seconds[-1].close, minute.close)
    assert math.isclose(max(c.high for c in seconds), minute.high)
    assert math.isclose(min(c.low for c in seconds), minute.low)


def test_sessions_shape_history(m: MarketModel) -> None:
    saturday = WEDNESDAY_11_ET - 4 * DAY
    weekend = (saturday, saturday + DAY)
    stock = [c for c in m.candles("AAPL", "1m", False, *weekend) if c.time < weekend[1]]
    crypto = [c for c in m.candles("BTC/USD:CXTALP", "1m", False, *weekend) if c.time < weekend[1]]
    assert stock == [] and len(crypto) == 1440
    es = m.resolve("/ESM26:XCME")
    assert es is not None and es.kind == "Future"
    tuesday_1730_et = WEDNESDAY_11_ET - DAY + int(6.5 * 3_600_000)
    around = m.candles("/ESM26:XCME", "1m", False, tuesday_1730_et - 3_600_000, tuesday_1730_et + 3_600_000)
    assert not [c for c in around if tuesday_1730_et - 1_800_000 <= c.time < tuesday_1730_et + 1_800_000], (
        "the 17:00-18:00 ET futures break has no bars"
    )
    assert around


def test_live_candle_continues_history_without_a_jump() -> None:
    clock = [WEDNESDAY_11_ET]
    live = MarketModel(7, "always-open", lambda: clock[0])
    history = live.candles("SPY", "1m", False, WEDNESDAY_11_ET - 3_600_000, WEDNESDAY_11_ET - 1)
    for _ in range(50):
        clock[0] += 100
        live.step(clock[0], 0.1)
    bars = live.candles("SPY", "1m", False, WEDNESDAY_11_ET - 3_600_000, clock[0])
    assert bars[-1].time == WEDNESDAY_11_ET
    assert math.isclose(bars[-1].open, history[-1].close), "the live candle opens at the last close"
    quote = live.event_fields("Quote", "SPY", clock[0])
    assert quote is not None
    assert quote["bidPrice"] <= bars[-1].close + 0.02 and quote["askPrice"] >= bars[-1].close - 0.02


def test_option_chain_increments_expirations_and_greeks(m: MarketModel) -> None:
    chain = m.chain("SPY")
    assert chain is not None
    kinds = {e.spec.expiration_type for e in chain.expirations}
    assert {"Weekly", "Regular"} <= kinds
    assert (chain.expirations[-1].spec.day - chain.expirations[0].spec.day).days >= 300
    p = m.pricer("SPY")
    assert p is not None
    spot = m.price_of("SPY")
    exp = next(e for e in chain.expirations if e.spec.expiration_type == "Regular")
    calls = [i for i in chain.instruments if i.expiration == exp.spec.day and i.option_type == "C"]
    atm = min(calls, key=lambda i: abs(i.strike - spot))
    g = m.event_fields("Greeks", atm.streamer_symbol, WEDNESDAY_11_ET)
    assert g is not None and 0.35 < g["delta"] < 0.65 and g["gamma"] > 0 and g["theta"] < 0 and g["vega"] > 0
    otm_put = min(
        (i for i in chain.instruments if i.expiration == exp.spec.day and i.option_type == "P"),
        key=lambda i: abs(i.strike - spot * 0.9),
    )
    otm_call = min(calls, key=lambda i: abs(i.strike - spot * 1.1))
    iv = {
        s: m.event_fields("Greeks", s, WEDNESDAY_11_ET)["volatility"]  # type: ignore[index]
        for s in (atm.streamer_symbol, otm_put.streamer_symbol, otm_call.streamer_symbol)
    }
    assert iv[otm_put.streamer_symbol] > iv[atm.streamer_symbol] > 0.05, "index puts are rich (skew)"
    q = m.event_fields("Quote", atm.streamer_symbol, WEDNESDAY_11_ET)
    assert q is not None and 0 < q["bidPrice"] < q["askPrice"] and q["askPrice"] - q["bidPrice"] < 0.5
    unlisted = atm.streamer_symbol.rsplit("C", 1)[0] + "C" + str(int(atm.strike) + 1000)
    assert m.resolve(unlisted) is not None, "a valid option not in today's listing still resolves"


def test_event_fields_types(m: MarketModel) -> None:
    for etype in ("Quote", "Trade", "Summary", "Profile"):
        values = m.event_fields(etype, "AAPL", WEDNESDAY_11_ET)
        assert values is not None and values["eventSymbol"] == "AAPL"
    trade = m.event_fields("Trade", "AAPL", WEDNESDAY_11_ET)
    assert isinstance(trade["price"], float) and isinstance(trade["dayId"], int)  # type: ignore[index]
    spx = m.event_fields("Quote", "SPX", WEDNESDAY_11_ET)
    assert spx is not None and math.isnan(spx["bidSize"])  # type: ignore[arg-type]
    assert m.event_fields("Greeks", "AAPL", WEDNESDAY_11_ET) is None
    assert m.resolve("NOPE") is None and m.event_fields("Quote", "NOPE", WEDNESDAY_11_ET) is None
    assert m.resolve(".SPY200117C300") is None, "expired options do not resolve"


def test_price_jump_moves_everything_on_the_path_and_marks_changes() -> None:
    clock = [WEDNESDAY_11_ET]
    jm = MarketModel(7, "always-open", lambda: clock[0])
    jm.freeze(True)
    tick, _ = jm.changed_since(None)
    spx0, es0 = jm.price_of("SPX"), jm.price_of("/ESM26:XCME")
    jm.set_price("SPY", round(jm.price_of("SPY") * 1.1, 2))
    assert math.isclose(jm.price_of("SPX") / spx0, 1.1, rel_tol=1e-3)
    assert math.isclose(jm.price_of("/ESM26:XCME") / es0, 1.1, rel_tol=1e-3)
    chain = jm.chain("SPY")
    assert chain is not None
    _, changed = jm.changed_since(tick)
    assert changed is not None and "SPY" in changed and "SPX" in changed and "AAPL" not in changed
    assert chain.instruments[0].streamer_symbol in changed, "an underlying's options change with it"


def test_real_sessions_freeze_closed_markets() -> None:
    saturday_noon = WEDNESDAY_11_ET + 3 * DAY + 3_600_000
    clock = [saturday_noon]
    real = MarketModel(7, "real", lambda: clock[0])
    before = {s: real.price_of(s) for s in ("SPY", "/ESM26:XCME", "BTC/USD:CXTALP")}
    for _ in range(30):
        clock[0] += 100
        real.step(clock[0], 0.1)
    after = {s: real.price_of(s) for s in before}
    assert after["SPY"] == before["SPY"] and after["/ESM26:XCME"] == before["/ESM26:XCME"]
    assert after["BTC/USD:CXTALP"] != before["BTC/USD:CXTALP"], "crypto trades on weekends"
    assert real.candles("SPY", "1m", False, saturday_noon - 3_600_000, clock[0]) == []


def test_option_candles_follow_their_underlying(m: MarketModel) -> None:
    chain = m.chain("SPY")
    assert chain is not None
    spot = m.price_of("SPY")
    exp = next(e for e in chain.expirations if e.spec.expiration_type == "Regular")
    listed = [i for i in chain.instruments if i.expiration == exp.spec.day]
    strike = min((i.strike for i in listed), key=lambda k: abs(k - spot))
    call, put = (next(i for i in listed if i.strike == strike and i.option_type == t) for t in "CP")
    start = WEDNESDAY_11_ET - 3 * DAY
    under = m.candles("SPY", "5m", False, start, WEDNESDAY_11_ET)
    for inst, sign in ((call, 1), (put, -1)):
        bars = m.candles(inst.streamer_symbol, "5m", False, start, WEDNESDAY_11_ET)
        assert [b.time for b in bars] == [u.time for u in under]
        assert all(0 < b.low <= min(b.open, b.close) and b.high >= max(b.open, b.close) for b in bars)
        pairs = list(zip(under, bars, strict=True))
        moves = [
            (u1.close - u0.close, b1.close - b0.close) for (u0, b0), (u1, b1) in itertools.pairwise(pairs)
        ]
        agree = sum(1 for du, db in moves if du * db * sign > 0)
        assert agree > 0.9 * sum(1 for du, _ in moves if du), f"{inst.option_type} moves with the underlying"
        # the option's extreme comes from the underlying's: a call's high at its high, a put's at its low
        wick = [b for u, b in pairs if (u.high if sign > 0 else -u.low) > max(sign * u.open, sign * u.close)]
        assert wick and sum(b.high > max(b.open, b.close) for b in wick) > 0.9 * len(wick)


def test_sub_minute_candles_reach_back_past_the_recorded_seconds_without_a_gap() -> None:
    clock = [WEDNESDAY_11_ET]
    live = MarketModel(7, "always-open", lambda: clock[0])
    for _ in range(3_700):  # more than the hour of one-second bars the live walk keeps
        clock[0] += 1000
        live.live.step(clock[0], 1.0)
    kept_from = live.live.first_second("AAPL")
    assert kept_from is not None and kept_from > WEDNESDAY_11_ET + 60_000
    start = WEDNESDAY_11_ET + 35_000  # inside a minute whose seconds are gone
    bars = live.candles("AAPL", "5s", False, start, clock[0])
    times = [b.time for b in bars]
    assert times[0] == start and times == list(range(start, start + 5000 * len(times), 5000)), "no gap"
    minute = live.candles("AAPL", "1m", False, WEDNESDAY_11_ET, clock[0])[0]
    seconds = [
        b for b in live.candles("AAPL", "15s", False, minute.time, clock[0]) if b.time < minute.time + 60_000
    ]
    assert len(seconds) == 4 and math.isclose(seconds[-1].close, minute.close)
    assert math.isclose(max(b.high for b in seconds), minute.high)
