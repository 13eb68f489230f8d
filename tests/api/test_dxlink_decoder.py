"""FEED_DATA decoding on frames captured from the real server (reference/dxlink.md) and edge cases."""

from __future__ import annotations

import json
import logging
import math

import pytest

from desktop.api.dxlink.decoder import ChannelFeed, parse_frame
from desktop.api.dxlink.events import WIRE_FIELDS, Candle, Profile, Quote, Trade

# Server default Quote fields (FEED_CONFIG captured live, tastyware#141) and a real two-record frame.
DEFAULT_QUOTE_CONFIG = (
    '{"type":"FEED_CONFIG","channel":7,"dataFormat":"COMPACT","aggregationPeriod":0.0,"eventFields":'
    '{"Quote":["eventType","eventSymbol","eventTime","sequence","timeNanoPart","bidTime","bidExchangeCode",'
    '"bidPrice","bidSize","askTime","askExchangeCode","askPrice","askSize"]}}'
)
DEFAULT_QUOTE_DATA = (
    '{"type":"FEED_DATA","channel":7,"data":["Quote",["Quote","AAPL",0,0,0,0,"Q",168.4,51.0,0,"Q",168.46,'
    '10.0,"Quote","SPX",0,0,0,0,"",4979.73,"NaN",0,"",5064.47,"NaN"]]}'
)
# Tastytrade web platform capture (tt-doc): Trade with eventType first, Java E-notation, NaN strings.
TRADE_SETUP_FIELDS = ["eventType", "eventSymbol", "price", "dayVolume", "size"]
TRADE_DATA = (
    '{"type":"FEED_DATA","channel":3,"data":["Trade",["Trade","SPY",559.36,1.3743299E7,100.0,'
    '"Trade","BTC/USD:CXTALP",58356.71,"NaN","NaN"]]}'
)


def _decode(feed: ChannelFeed, text: str) -> list[tuple[str, list[tuple]]]:
    message, converted = parse_frame(text)
    assert message["type"] == "FEED_DATA"
    return feed.decode(message["data"], converted)


def test_real_default_quote_frame_decodes_every_record_by_the_announced_order() -> None:
    feed = ChannelFeed()
    feed.configure(json.loads(DEFAULT_QUOTE_CONFIG))
    [(event_type, events)] = _decode(feed, DEFAULT_QUOTE_DATA)
    assert event_type == "Quote"
    aapl, spx = events
    assert isinstance(aapl, Quote)
    assert (aapl.symbol, aapl.bid_price, aapl.ask_price, aapl.bid_size, aapl.ask_size) == (
        "AAPL",
        168.4,
        168.46,
        51.0,
        10.0,
    )
    assert spx.symbol == "SPX" and spx.bid_price == 4979.73 and spx.ask_price == 5064.47
    assert math.isnan(spx.bid_size) and math.isnan(spx.ask_size)
    assert isinstance(spx.bid_size, float)


def test_real_trade_frame_with_e_notation_nan_and_missing_fields() -> None:
    feed = ChannelFeed()
    feed.configure({"eventFields": {"Trade": TRADE_SETUP_FIELDS}})
    [(_, (spy, btc))] = _decode(feed, TRADE_DATA)
    assert isinstance(spy, Trade)
    assert spy.symbol == "SPY" and spy.price == 559.36 and spy.size == 100.0
    assert spy.day_volume == 13_743_299.0
    assert math.isnan(spy.change)  # not announced: NaN, not a shifted neighbour
    assert spy.time == 0
    assert btc.symbol == "BTC/USD:CXTALP" and btc.price == 58356.71
    assert math.isnan(btc.day_volume) and math.isnan(btc.size)


def test_our_own_field_order_decodes_without_a_config() -> None:
    feed = ChannelFeed()  # no FEED_CONFIG yet: the fields we asked for are assumed
    values = ["SPY", 500.1, 500.2, 300.0, "NaN", 1700000000000, 0] * 3
    frame = json.dumps({"type": "FEED_DATA", "channel": 1, "data": ["Quote", values]})
    [(_, events)] = _decode(feed, frame)
    assert len(events) == 3
    assert events[0] == Quote("SPY", 500.1, 500.2, 300.0, events[0].ask_size, 1700000000000, 0)
    assert math.isnan(events[0].ask_size)


def test_every_pair_of_a_multi_type_frame_is_decoded() -> None:
    feed = ChannelFeed()
    quote = ["AAPL", 1.0, 2.0, 3.0, 4.0, 0, 0]
    trade = ["AAPL", 1.5, 10.0, 1000.0, 0.25, 5]
    frame = json.dumps({"type": "FEED_DATA", "channel": 1, "data": ["Quote", quote, "Trade", trade]})
    batches = _decode(feed, frame)
    assert [t for t, _ in batches] == ["Quote", "Trade"]
    assert batches[1][1][0] == Trade("AAPL", 1.5, 10.0, 1000.0, 0.25, 5)


def test_full_format_and_a_mid_session_switch_back_and_forth() -> None:
    feed = ChannelFeed()
    compact = '{"type":"FEED_DATA","channel":1,"data":["Quote",["AAPL",1.0,2.0,3.0,4.0,0,0]]}'
    assert _decode(feed, compact)[0][1][0].bid_price == 1.0
    feed.configure({"type": "FEED_CONFIG", "channel": 1, "dataFormat": "FULL", "aggregationPeriod": 0.1})
    assert feed.data_format == "FULL"
    full = (
        '{"type":"FEED_DATA","channel":1,"data":[{"eventType":"Quote","eventSymbol":"AAPL","bidPrice":123.45,'
        '"askPrice":123.46,"bidSize":100,"askSize":"NaN"},{"eventType":"Trade","eventSymbol":"AAPL",'
        '"price":123.45,"size":5}]}'
    )
    batches = dict(_decode(feed, full))
    quote = batches["Quote"][0]
    assert (quote.symbol, quote.bid_price, quote.ask_price, quote.bid_size) == ("AAPL", 123.45, 123.46, 100)
    assert math.isnan(quote.ask_size)
    assert quote.bid_time == 0  # omitted empty field
    assert batches["Trade"][0].price == 123.45 and math.isnan(batches["Trade"][0].day_volume)
    feed.configure({"eventFields": {"Quote": list(WIRE_FIELDS["Quote"])}})
    assert feed.data_format == "FULL"  # an eventFields-only FEED_CONFIG keeps the format
    feed.configure({"dataFormat": "COMPACT"})
    assert _decode(feed, compact)[0][1][0].ask_price == 2.0


def test_infinities_become_floats() -> None:
    feed = ChannelFeed()
    frame = '{"type":"FEED_DATA","channel":1,"data":["Quote",["X","Infinity","-Infinity","NaN",1.0,0,0]]}'
    event = _decode(feed, frame)[0][1][0]
    assert event.bid_price == math.inf and event.ask_price == -math.inf and math.isnan(event.bid_size)


def test_frames_with_escapes_take_the_field_by_field_path() -> None:
    feed = ChannelFeed()
    feed.configure({"eventFields": {"Profile": ["eventSymbol", "description", "beta", "tradingStatus"]}})
    frame = json.dumps(
        {
            "type": "FEED_DATA",
            "channel": 5,
            "data": ["Profile", ["AAPL", 'Apple "NaN" Inc\\', "NaN", "ACTIVE", "X", None, "Infinity", None]],
        }
    )
    assert "\\" in frame
    message, converted = parse_frame(frame)
    assert not converted
    apple, other = feed.decode(message["data"], converted)[0][1]
    assert isinstance(apple, Profile)
    assert apple.description == 'Apple "NaN" Inc\\' and apple.trading_status == "ACTIVE"
    assert math.isnan(apple.beta) and isinstance(apple.beta, float)
    assert other.beta == math.inf and other.description is None
    assert math.isnan(apple.high_52_week_price)  # not announced


def test_a_text_field_that_says_nan_stays_text() -> None:
    feed = ChannelFeed()
    feed.configure({"eventFields": {"Profile": ["eventSymbol", "description", "beta"]}})
    frame = '{"type":"FEED_DATA","channel":5,"data":["Profile",["ABC","NaN","NaN"]]}'
    event = _decode(feed, frame)[0][1][0]
    assert event.description == "NaN"
    assert math.isnan(event.beta)


def test_candle_fields_match_case_insensitively() -> None:
    feed = ChannelFeed()
    fields = ["eventType", "eventSymbol", "eventFlags", "index", "time", "open", "high", "low", "close"]
    feed.configure({"eventFields": {"Candle": [*fields, "volume", "VWAP", "count"]}})
    values = ["Candle", "AAPL{=5m}", 4, 7235129486797176832, 1684559855338, 1.0, 2.0, 0.5, 1.5, 10.0, 1.2, 3]
    frame = json.dumps({"type": "FEED_DATA", "channel": 1, "data": ["Candle", values]})
    candle = _decode(feed, frame)[0][1][0]
    expected = Candle("AAPL{=5m}", 7235129486797176832, 1684559855338, 1.0, 2.0, 0.5, 1.5, 10.0, 1.2, 3, 4)
    assert candle == expected


def test_a_ragged_record_list_drops_only_the_tail(caplog: pytest.LogCaptureFixture) -> None:
    feed = ChannelFeed()
    frame = '{"type":"FEED_DATA","channel":1,"data":["Quote",["A",1.0,2.0,3.0,4.0,0,0,"B",1.0]]}'
    with caplog.at_level(logging.WARNING):
        [(_, events)] = _decode(feed, frame)
    assert [e.symbol for e in events] == ["A"]
    assert "not a multiple" in caplog.text


def test_unknown_event_types_are_skipped() -> None:
    feed = ChannelFeed()
    frame = (
        '{"type":"FEED_DATA","channel":1,"data":["TimeAndSale",["A",1,2],"Quote",["A",1.0,2.0,3.0,4.0,0,0]]}'
    )
    assert [t for t, _ in _decode(feed, frame)] == ["Quote"]


def test_a_new_field_order_replaces_the_old_decoder() -> None:
    feed = ChannelFeed()
    frame = '{"type":"FEED_DATA","channel":1,"data":["Quote",["A",1.0,2.0,3.0,4.0,0,0]]}'
    assert _decode(feed, frame)[0][1][0].bid_price == 1.0
    feed.configure({"eventFields": {"Quote": ["eventSymbol", "askPrice", "bidPrice"]}})
    event = _decode(feed, '{"type":"FEED_DATA","channel":1,"data":["Quote",["A",9.0,8.0]]}')[0][1][0]
    assert (event.bid_price, event.ask_price) == (8.0, 9.0)
