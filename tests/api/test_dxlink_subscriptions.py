"""Subscription bookkeeping and FEED_SUBSCRIPTION framing (chunked under the frame limit)."""

from __future__ import annotations

import json

from desktop.api.dxlink.subscriptions import SubscriptionBook, subscription_messages, take


def test_the_book_sends_only_the_difference_and_everything_again_after_a_reconnect() -> None:
    book = SubscriptionBook()
    book.add("Quote", ["AAPL", "SPY", "QQQ"])
    book.remove("Quote", ["QQQ"])  # added and removed before sending: costs nothing
    pending = book.pending("Quote")
    assert set(pending.adds) == {"AAPL", "SPY"} and not pending.removes
    book.mark_sent("Quote", pending.adds, pending.removes)
    assert not book.pending("Quote")
    book.add("Quote", ["AAPL"])  # already there: no change
    assert not book.pending("Quote")
    book.remove("Quote", ["SPY"])
    assert set(book.pending("Quote").removes) == {"SPY"}
    book.mark_sent("Quote", {}, ["SPY"])
    book.forget_sent()
    assert set(book.pending("Quote").adds) == {"AAPL"}


def test_a_new_from_time_is_a_new_add_for_candles() -> None:
    book = SubscriptionBook()
    book.add("Candle", ["AAPL{=5m}"], 1_000)
    book.mark_sent("Candle", book.pending("Candle").adds, [])
    assert not book.pending("Candle")
    assert book.add("Candle", ["AAPL{=5m}"], 500)
    assert book.pending("Candle").adds == {"AAPL{=5m}": 500}
    assert not book.add("Candle", ["AAPL{=5m}"], 500)


def test_from_time_zero_is_a_real_value() -> None:
    book = SubscriptionBook()
    book.add("Candle", ["X{=d}"], 0)
    assert book.wanted("Candle") == {"X{=d}": 0}
    book.mark_sent("Candle", book.pending("Candle").adds, [])
    assert not book.add("Candle", ["X{=d}"], 0) and not book.pending("Candle")  # no change
    assert book.remove("Candle", ["X{=d}"])
    assert not book.wanted("Candle")


def test_frames_stay_under_the_limit_and_carry_every_item_once() -> None:
    book = SubscriptionBook()
    symbols = [f".SPXW260116C{4000 + i}" for i in range(3000)]
    book.add("Quote", symbols)
    frames = subscription_messages(7, book.pending("Quote"), max_bytes=8192, reset=True)
    assert len(frames) > 5
    assert all(len(f.encode()) <= 8192 for f in frames)
    decoded = [json.loads(f) for f in frames]
    assert decoded[0]["reset"] is True and all("reset" not in d for d in decoded[1:])
    assert all(d["type"] == "FEED_SUBSCRIPTION" and d["channel"] == 7 for d in decoded)
    sent = [item["symbol"] for d in decoded for item in d["add"]]
    assert sorted(sent) == sorted(symbols)
    assert all(item == {"type": "Quote", "symbol": item["symbol"]} for d in decoded for item in d["add"])


def test_candle_items_carry_from_time_on_add_and_remove() -> None:
    book = SubscriptionBook()
    book.add("Candle", ["AAPL{=5m}"], 1_700_000_000_000)
    pending = book.pending("Candle")
    [frame] = subscription_messages(1, pending)
    expected = [{"type": "Candle", "symbol": "AAPL{=5m}", "fromTime": 1_700_000_000_000}]
    assert json.loads(frame)["add"] == expected
    book.mark_sent("Candle", pending.adds, [])
    book.remove("Candle", ["AAPL{=5m}"])
    [frame] = subscription_messages(1, book.pending("Candle"))
    assert json.loads(frame)["remove"] == [
        {"type": "Candle", "symbol": "AAPL{=5m}", "fromTime": 1_700_000_000_000}
    ]


def test_take_respects_the_pacing_budget_removes_first() -> None:
    book = SubscriptionBook()
    book.add("Quote", [f"S{i}" for i in range(10)])
    book.mark_sent("Quote", book.pending("Quote").adds, [])
    book.remove("Quote", ["S0", "S1"])
    book.add("Quote", [f"N{i}" for i in range(10)])
    chunk = take(book.pending("Quote"), 5)
    assert len(chunk) == 5 and set(chunk.removes) == {"S0", "S1"} and len(chunk.adds) == 3


def test_reset_alone_is_one_frame() -> None:
    book = SubscriptionBook()
    [frame] = subscription_messages(3, book.pending("Quote"), reset=True)
    assert json.loads(frame) == {"type": "FEED_SUBSCRIPTION", "channel": 3, "reset": True}
