"""DXLink protocol machinery against a small in-test market: encoding, fields, feed, candles, session.

The socket-level behaviour is covered over loopback in ``test_dxlink_server.py``; these tests
pin down the rules that are easier to reach directly (every snapshot flag case, chunking,
conflation, handshake orders) and validate every produced message against the spec.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import pytest

from desktop.core.candles import REMOVE_EVENT, SNAPSHOT_BEGIN, SNAPSHOT_END, SNAPSHOT_SNIP, event_index
from desktop.simulator.dxlink.candles import MAX_SNAPSHOT_CANDLES, snapshot_events
from desktop.simulator.dxlink.encoding import dumps, encode_double, java_double
from desktop.simulator.dxlink.feed import MAX_VALUES_PER_MESSAGE, FeedChannel
from desktop.simulator.dxlink.fields import DEFAULT_QUOTE_FIELDS, resolve_fields
from desktop.simulator.dxlink.session import DXLinkSession, SessionEnv, SubscriptionRateLimiter
from tests.simulator.dxlink_schema import FeedTracker, validate_message

NOW = 1_767_225_600_000  # 2026-01-01T00:00:00Z
MINUTE = 60_000
LATER = NOW + 10 * MINUTE  # "now" for candle flushes: after the test candles start


@dataclass
class FakeCandle:
    time: int
    open: float
    high: float
    low: float
    close: float
    volume: float
    count: int = 1


class FakeMarket:
    """Just enough market: a few symbols with quotes, and 1-minute candles on a grid."""

    def __init__(self, n_options: int = 0) -> None:
        self.prices = {"AAPL": 190.25, "SPX": 5000.5}
        self.prices.update({f".SPY260116C{400 + i}": 1.0 + i / 100 for i in range(n_options)})
        self.candle_list: list[FakeCandle] = []

    def resolve(self, symbol: str) -> object | None:
        return symbol if symbol in self.prices else None

    def event_fields(self, event_type: str, symbol: str, now_ms: int) -> dict[str, object] | None:
        if symbol not in self.prices or event_type not in ("Quote", "Trade", "Profile"):
            return None
        p = self.prices[symbol]
        if event_type == "Quote":
            return {
                "eventTime": 0,
                "sequence": 0,
                "timeNanoPart": 0,
                "bidTime": 0,
                "askTime": 0,
                "bidExchangeCode": "Q",
                "askExchangeCode": "Q",
                "bidPrice": p - 0.01,
                "askPrice": p + 0.01,
                "bidSize": math.nan if symbol == "SPX" else 100.0,
                "askSize": math.nan if symbol == "SPX" else 300,
            }
        if event_type == "Trade":
            return {
                "eventTime": 0,
                "time": now_ms,
                "price": p,
                "size": 100.0,
                "dayVolume": 13743299.0,
                "dayTurnover": math.inf,
                "change": -0.0005,
                "extendedTradingHours": False,
                "tickDirection": "UP",
            }
        return {
            "eventTime": 0,
            "description": f"{symbol} Inc.",
            "tradingStatus": "ACTIVE",
            "haltStartTime": 0,
        }

    def candles(
        self, base: str, period: object, rth_only: bool, from_ms: int, now_ms: int
    ) -> list[FakeCandle]:
        return [c for c in self.candle_list if c.time >= from_ms]


def candle_grid(start: int, count: int, step: int = MINUTE) -> list[FakeCandle]:
    return [
        FakeCandle(start + i * step, 10.0 + i, 11.0 + i, 9.0 + i, 10.5 + i, 1000.0 + i) for i in range(count)
    ]


def messages(texts) -> list[dict]:
    out = [json.loads(t) for t in texts]
    tracker = FeedTracker()
    tracker.formats, tracker.fields = _TRACK.formats, _TRACK.fields
    for m in out:
        tracker.observe(m)
    return out


_TRACK = FeedTracker()


@pytest.fixture(autouse=True)
def _fresh_tracker():
    _TRACK.formats, _TRACK.fields = {}, {}
    yield


# ---------------------------------------------------------------------------------------- values


def test_java_style_doubles_and_special_values_travel_as_dxlink_prints_them() -> None:
    assert java_double(13743299.0) == "1.3743299E7"
    assert java_double(0.0005) == "5.0E-4"
    assert java_double(-2.5e8) == "-2.5E8"
    assert java_double(100.0) == "100.0"
    assert [encode_double(v) for v in (math.nan, math.inf, -math.inf, None)] == [
        "NaN",
        "Infinity",
        "-Infinity",
        "NaN",
    ]
    assert encode_double(300) == 300.0 and isinstance(encode_double(300), float)
    text = dumps({"data": ["Trade", [encode_double(13743299.0), encode_double(0.0005), 576.9, "NaN"]]})
    assert text == '{"data":["Trade",[1.3743299E7,5.0E-4,576.9,"NaN"]]}'
    assert json.loads(text)["data"][1][:2] == [13743299.0, 0.0005]


def test_requested_fields_match_case_insensitively_echo_as_asked_and_keep_unknown_names() -> None:
    resolved = resolve_fields("Candle", ("eventSymbol", "vwap", "OPEN", "noSuchField"))
    assert [f.requested for f in resolved] == ["eventSymbol", "vwap", "OPEN", "noSuchField"]
    assert [f.canonical for f in resolved] == ["eventSymbol", "VWAP", "open", None]


# ---------------------------------------------------------------------------------------- feed


def test_feed_setup_answers_config_at_once_and_announces_fields_lazily_before_first_data() -> None:
    market = FakeMarket()
    feed = FeedChannel(channel_id=3)
    config = feed.apply_setup(
        {
            "acceptAggregationPeriod": 0.001,
            "acceptDataFormat": "COMPACT",
            "acceptEventFields": {"Quote": ["eventType", "EVENTSYMBOL", "bidPrice", "askSize"]},
        }
    )
    validate_message(config)
    assert config == {"type": "FEED_CONFIG", "channel": 3, "dataFormat": "COMPACT", "aggregationPeriod": 0.05}
    _TRACK.observe(config)
    feed.apply_subscription(
        {"add": [{"type": "Quote", "symbol": "AAPL"}, {"type": "Quote", "symbol": "SPX"}]}, market, NOW
    )
    out = messages(feed.flush(market, NOW, None))
    assert [m["type"] for m in out] == ["FEED_CONFIG", "FEED_DATA"]
    assert out[0]["eventFields"] == {"Quote": ["eventType", "EVENTSYMBOL", "bidPrice", "askSize"]}
    rows = sorted(out[1]["data"][1][i : i + 4] for i in range(0, 8, 4))
    assert rows == [["Quote", "AAPL", 190.24, 300.0], ["Quote", "SPX", 5000.49, "NaN"]]


def test_unchanged_values_are_not_resent_and_a_new_value_is() -> None:
    market = FakeMarket()
    feed = FeedChannel(channel_id=1)
    _TRACK.observe(feed.apply_setup({}))
    feed.apply_subscription({"add": [{"type": "Quote", "symbol": "AAPL"}]}, market, NOW)
    assert len(messages(feed.flush(market, NOW, None))) == 2
    assert list(feed.flush(market, NOW, None)) == []
    market.prices["AAPL"] = 191.0
    again = messages(feed.flush(market, NOW, {"AAPL"}))
    assert [m["type"] for m in again] == ["FEED_DATA"]
    assert again[0]["data"][1][DEFAULT_QUOTE_FIELDS.index("bidPrice")] == 190.99


def test_the_markets_change_set_resends_quotes_but_equal_trades_are_not_repeated() -> None:
    market = FakeMarket()
    feed = FeedChannel(channel_id=1)
    _TRACK.observe(feed.apply_setup({}))
    feed.apply_subscription(
        {"add": [{"type": "Quote", "symbol": "AAPL"}, {"type": "Trade", "symbol": "AAPL"}]}, market, NOW
    )
    first = [m for m in messages(feed.flush(market, NOW, None)) if m["type"] == "FEED_DATA"]
    assert sorted(m["data"][0] for m in first) == ["Quote", "Trade"]
    again = [m for m in messages(feed.flush(market, NOW, {"AAPL"})) if m["type"] == "FEED_DATA"]
    assert [m["data"][0] for m in again] == ["Quote"], "a requote is an update; an equal trade is not"
    assert list(feed.flush(market, NOW, {"SPX"})) == [], "nothing subscribed changed"


def test_default_quote_fields_when_the_client_asked_for_none() -> None:
    market = FakeMarket()
    feed = FeedChannel(channel_id=7)
    feed.apply_subscription({"reset": True, "add": [{"type": "Quote", "symbol": "AAPL"}]}, market, NOW)
    out = messages(feed.flush(market, NOW, None))
    assert out[0]["eventFields"] == {"Quote": list(DEFAULT_QUOTE_FIELDS)}
    assert out[1]["data"][1][:2] == ["Quote", "AAPL"]


def test_unknown_symbols_and_types_stay_silent() -> None:
    market = FakeMarket()
    feed = FeedChannel(channel_id=1)
    feed.apply_subscription(
        {
            "add": [
                {"type": "Quote", "symbol": "NOPE"},
                {"type": "TimeAndSale", "symbol": "AAPL"},
                {"type": "Candle", "symbol": "NOPE{=5m}", "fromTime": NOW},
            ]
        },
        market,
        NOW,
    )
    assert list(feed.flush(market, NOW, None)) == []


def test_large_subscriptions_are_chunked_one_type_per_message() -> None:
    market = FakeMarket(n_options=2000)
    feed = FeedChannel(channel_id=1)
    _TRACK.observe(
        feed.apply_setup({"acceptEventFields": {"Quote": ["eventSymbol", "bidPrice", "askPrice"]}})
    )
    feed.apply_subscription({"add": [{"type": "Quote", "symbol": s} for s in market.prices]}, market, NOW)
    out = messages(feed.flush(market, NOW, None))
    data = [m for m in out if m["type"] == "FEED_DATA"]
    assert len(data) > 1
    assert all(len(m["data"]) == 2 and len(m["data"][1]) <= MAX_VALUES_PER_MESSAGE for m in data)
    assert sum(len(m["data"][1]) for m in data) == 3 * len(market.prices)


def test_full_format_objects_omit_absent_fields_and_mark_special_doubles() -> None:
    market = FakeMarket()
    feed = FeedChannel(channel_id=1)
    _TRACK.observe(
        feed.apply_setup(
            {
                "acceptDataFormat": "FULL",
                "acceptEventFields": {
                    "Trade": ["eventSymbol", "price", "dayVolume", "dayTurnover", "change", "exchangeCode"]
                },
            }
        )
    )
    feed.apply_subscription({"add": [{"type": "Trade", "symbol": "AAPL"}]}, market, NOW)
    out = messages(feed.flush(market, NOW, None))
    assert out[-1]["data"] == [
        {
            "eventType": "Trade",
            "eventSymbol": "AAPL",
            "price": 190.25,
            "dayVolume": 13743299.0,
            "dayTurnover": "Infinity",
            "change": -0.0005,
        }
    ]


# ---------------------------------------------------------------------------------------- candles


def _flags(events) -> list[int]:
    return [e["eventFlags"] for e in events]


def test_snapshot_is_newest_first_with_begin_and_end_when_a_candle_sits_at_from_time() -> None:
    candles = candle_grid(NOW, 5)
    events = snapshot_events(candles, NOW)
    assert [e["time"] for e in events] == [NOW + i * MINUTE for i in range(4, -1, -1)]
    assert _flags(events) == [SNAPSHOT_BEGIN, 0, 0, 0, SNAPSHOT_END]
    assert events[0]["index"] == event_index(NOW + 4 * MINUTE) == ((NOW + 4 * MINUTE) // 1000) << 32


def test_snapshot_ends_with_a_virtual_remove_event_when_nothing_sits_at_from_time() -> None:
    events = snapshot_events(candle_grid(NOW, 3), NOW - 30_000)
    assert _flags(events) == [SNAPSHOT_BEGIN, 0, 0, REMOVE_EVENT | SNAPSHOT_END]
    assert events[-1]["time"] == NOW - 30_000 and math.isnan(events[-1]["close"])
    assert _flags(snapshot_events([], NOW)) == [SNAPSHOT_BEGIN | SNAPSHOT_END | REMOVE_EVENT]  # 0x0e
    assert _flags(snapshot_events(candle_grid(NOW, 1), NOW)) == [SNAPSHOT_BEGIN | SNAPSHOT_END]  # 0x0c


def test_snapshot_longer_than_the_cap_is_snipped() -> None:
    events = snapshot_events(candle_grid(NOW, 30), NOW, cap=10)
    assert (
        len(events) == 10 and _flags(events)[-1] == SNAPSHOT_SNIP and events[0]["time"] == NOW + 29 * MINUTE
    )
    assert MAX_SNAPSHOT_CANDLES >= 5000


def test_candle_channel_sends_snapshot_then_live_updates_and_the_roll() -> None:
    market = FakeMarket()
    market.candle_list = candle_grid(NOW, 3)
    feed = FeedChannel(channel_id=1)
    _TRACK.observe(
        feed.apply_setup(
            {
                "acceptEventFields": {
                    "Candle": [
                        "eventSymbol",
                        "eventFlags",
                        "index",
                        "time",
                        "open",
                        "high",
                        "low",
                        "close",
                        "vwap",
                    ]
                }
            }
        )
    )
    feed.apply_subscription(
        {"add": [{"type": "Candle", "symbol": "AAPL{=1m}", "fromTime": NOW}]}, market, NOW
    )
    first = messages(feed.flush(market, LATER, None))
    snap = [e for m in first if m["type"] == "FEED_DATA" for e in _rows(m, 9)]
    assert [r[0] for r in snap] == ["AAPL{=m}"] * 3  # normalized symbol echoed
    assert [r[1] for r in snap] == [SNAPSHOT_BEGIN, 0, SNAPSHOT_END]
    assert list(feed.flush(market, LATER, None)) == []  # nothing moved
    market.candle_list[-1].close = 99.0  # live candle ticks
    live = [r for m in messages(feed.flush(market, LATER, None)) for r in _rows(m, 9)]
    assert len(live) == 1 and live[0][1] == 0 and live[0][3] == NOW + 2 * MINUTE and live[0][7] == 99.0
    market.candle_list[-1].close = 98.0  # final value of the finished candle ...
    market.candle_list.append(FakeCandle(NOW + 3 * MINUTE, 98.0, 98.0, 98.0, 98.0, 1.0))  # ... and the roll
    market.candle_list.append(
        FakeCandle(LATER + MINUTE, 1.0, 1.0, 1.0, 1.0, 1.0)
    )  # from the future: never sent
    rolled = [r for m in messages(feed.flush(market, LATER, None)) for r in _rows(m, 9)]
    assert [(r[3], r[7]) for r in rolled] == [(NOW + 2 * MINUTE, 98.0), (NOW + 3 * MINUTE, 98.0)]
    assert rolled[1][2] == event_index(NOW + 3 * MINUTE)


def _rows(message: dict, width: int) -> list[list]:
    values = message["data"][1]
    return [values[i : i + width] for i in range(0, len(values), width)]


# ---------------------------------------------------------------------------------------- session


def _session(valid: set[str] | None = None, refused: bool = False, limiter=None):
    sent: list[dict] = []
    env = SessionEnv(
        market=FakeMarket(),
        validate_quote=lambda t: t in (valid if valid is not None else {"good"}),
        quote_tokens_refused=lambda: refused,
        now_ms=lambda: NOW,
        user_id_of=lambda t: "U42",
        keepalive_timeout_s=60.0,
        rate_limiter_factory=limiter or (lambda: SubscriptionRateLimiter(1e6, 1e6)),
    )
    session = DXLinkSession(env, sent.append)

    def send(raw: str | None = None, **msg):
        session.receive_text(raw if raw is not None else json.dumps(msg))
        out = list(sent)
        sent.clear()
        for m in out:
            validate_message(m)
        return out

    return session, send


def _states(out):
    return [(m["type"], m.get("state")) for m in out]


def test_setup_then_auth_is_the_canonical_handshake() -> None:
    _, send = _session()
    out = send(
        type="SETUP", channel=0, version="0.1-DXF-JS/0.3.0", keepaliveTimeout=60, acceptKeepaliveTimeout=60
    )
    assert _states(out) == [("SETUP", None), ("AUTH_STATE", "UNAUTHORIZED")]
    assert out[0]["keepaliveTimeout"] == 60 and out[0]["acceptKeepaliveTimeout"] == 60
    out = send(type="AUTH", channel=0, token="good")
    assert out == [{"type": "AUTH_STATE", "channel": 0, "state": "AUTHORIZED", "userId": "U42"}]


def test_auth_before_setup_is_answered_after_the_setup_reply() -> None:
    _, send = _session()
    assert send(type="AUTH", channel=0, token="good") == []
    out = send(type="SETUP", channel=0, version="0.1-js/1.0.0")
    assert _states(out) == [("SETUP", None), ("AUTH_STATE", "AUTHORIZED")]


def test_bad_or_refused_tokens_leave_the_session_unauthorized() -> None:
    _, send = _session()
    send(type="SETUP", channel=0, version="x")
    assert _states(send(type="AUTH", channel=0, token="bad")) == [("AUTH_STATE", "UNAUTHORIZED")]
    _, send2 = _session(refused=True)
    send2(type="SETUP", channel=0, version="x")
    assert _states(send2(type="AUTH", channel=0, token="good")) == [("AUTH_STATE", "UNAUTHORIZED")]


def test_channel_rules_and_protocol_errors() -> None:
    session, send = _session()
    send(type="SETUP", channel=0, version="x")
    early = send(type="CHANNEL_REQUEST", channel=1, service="FEED", parameters={"contract": "AUTO"})
    assert [(m["type"], m["error"]) for m in early] == [("ERROR", "UNAUTHORIZED")]
    send(type="AUTH", channel=0, token="good")
    opened = send(type="CHANNEL_REQUEST", channel=3, service="FEED", parameters={"contract": "AUTO"})
    assert opened == [
        {
            "type": "CHANNEL_OPENED",
            "channel": 3,
            "service": "FEED",
            "parameters": {"contract": "AUTO", "subFormat": "LIST"},
        }
    ]
    dup = send(type="CHANNEL_REQUEST", channel=3, service="FEED", parameters={"contract": "AUTO"})
    assert dup == [
        {"type": "ERROR", "channel": 3, "error": "BAD_ACTION", "message": "Channel with id 3 already exists"}
    ]
    assert send(type="CHANNEL_CANCEL", channel=3) == [{"type": "CHANNEL_CLOSED", "channel": 3}]
    assert 3 not in session.channels
    invalid = send("{not json")
    assert invalid == [
        {
            "type": "ERROR",
            "channel": 0,
            "error": "INVALID_MESSAGE",
            "message": "The message is not valid JSON.",
        }
    ]
    assert [m["error"] for m in send(type="FEED_SETUP", channel=9)] == ["BAD_ACTION"]


def test_subscription_rate_limit_answers_bad_action_and_applies_nothing() -> None:
    session, send = _session(limiter=lambda: SubscriptionRateLimiter(per_second=1.0, burst=3.0))
    send(type="SETUP", channel=0, version="x")
    send(type="AUTH", channel=0, token="good")
    send(type="CHANNEL_REQUEST", channel=1, service="FEED", parameters={"contract": "AUTO"})
    assert send(type="FEED_SUBSCRIPTION", channel=1, add=[{"type": "Quote", "symbol": "AAPL"}]) == []
    out = send(
        type="FEED_SUBSCRIPTION", channel=1, add=[{"type": "Quote", "symbol": s} for s in ("SPX", "A", "B")]
    )
    assert out == [
        {
            "type": "ERROR",
            "channel": 1,
            "error": "BAD_ACTION",
            "message": "Your subscription rate is too high",
        }
    ]
    assert set(session.channels[1].tickers["Quote"]) == {"AAPL"}


def test_a_candle_subscription_without_from_time_gets_just_the_current_candle() -> None:
    market = FakeMarket()
    market.candle_list = candle_grid(NOW, 4)
    feed = FeedChannel(channel_id=1)
    _TRACK.observe(feed.apply_setup({"acceptEventFields": {"Candle": ["eventSymbol", "eventFlags", "time"]}}))
    feed.apply_subscription({"add": [{"type": "Candle", "symbol": "AAPL{=m}"}]}, market, NOW)
    out = messages(feed.flush(market, NOW + 3 * MINUTE + 5_000, None))
    rows = [r for m in out if m["type"] == "FEED_DATA" for r in _rows(m, 3)]
    assert rows == [["AAPL{=m}", SNAPSHOT_BEGIN | SNAPSHOT_END, NOW + 3 * MINUTE]]


def test_an_invalid_feed_setup_is_refused_whole() -> None:
    _, send = _session()
    send(type="SETUP", channel=0, version="x")
    send(type="AUTH", channel=0, token="good")
    send(type="CHANNEL_REQUEST", channel=1, service="FEED", parameters={"contract": "AUTO"})
    out = send(
        type="FEED_SETUP",
        channel=1,
        acceptAggregationPeriod=5,
        acceptDataFormat="FULL",
        acceptEventFields={"Quote": []},
    )
    assert [(m["type"], m["error"]) for m in out] == [("ERROR", "INVALID_MESSAGE")]
    config = send(type="FEED_SETUP", channel=1)
    assert config[0]["dataFormat"] == "COMPACT" and config[0]["aggregationPeriod"] == 0.1, (
        "nothing was applied"
    )
