"""Strategy templates: the legs a trader expects, chosen by strike, width or live delta."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from desktop.core.chains import build_chain
from desktop.core.orders import NewOrder, OrderAction
from desktop.core.pricing import bs_greeks
from desktop.core.strategies import STRATEGY_NAMES, StrategyError, StrategyLeg, build, to_order_legs
from desktop.core.symbols import parse_streamer_option

TODAY = date(2025, 11, 21)
SPOT = 500.0
EXPIRATIONS = {
    date(2025, 11, 28): range(450, 551, 5),
    date(2025, 12, 19): range(400, 601, 5),
    date(2026, 1, 16): range(400, 601, 5),
    date(2026, 2, 20): range(400, 601, 10),
}
CHAIN = build_chain("SPY", {d: [D(k) for k in ks] for d, ks in EXPIRATIONS.items()}, TODAY)
BUY, SELL = OrderAction.BUY_TO_OPEN, OrderAction.SELL_TO_OPEN


def live_delta(streamer: str) -> float | None:
    """Black-Scholes deltas at 20 % volatility, as the market-data hub would supply them."""
    o = parse_streamer_option(streamer)
    years = (o.expiration - TODAY).days / 365
    return bs_greeks(SPOT, float(o.strike), years, 0.04, 0.2, o.is_call).delta


def shape(legs: tuple[StrategyLeg, ...]) -> list[tuple[str | None, float | None, str, int]]:
    return [
        (leg.option_type, float(leg.strike) if leg.strike is not None else None, leg.action.value, leg.ratio)
        for leg in legs
    ]


class TestTemplates:
    @pytest.mark.parametrize(
        ("name", "side", "option_type", "action"),
        [
            ("long_call", None, "C", BUY),
            ("short_call", None, "C", SELL),
            ("long put", None, "P", BUY),
            ("Short-Put", None, "P", SELL),
        ],
    )
    def test_single_options(self, name: str, side: str | None, option_type: str, action: OrderAction) -> None:
        (leg,) = build(name, CHAIN, dte=28, strike=505)
        assert (leg.option_type, leg.strike, leg.action, leg.ratio) == (option_type, D(505), action, 1)
        assert leg.expiration == date(2025, 12, 19)
        assert leg.symbol == f"SPY   251219{option_type}00505000" and leg.instrument_type == "Equity Option"
        assert leg.streamer_symbol == f".SPY251219{option_type}505"

    def test_verticals_by_width(self) -> None:
        debit_call = build("vertical", CHAIN, option_type="call", side="debit", dte=28, spot=SPOT, width=10)
        assert shape(debit_call) == [("C", 500, "Buy to Open", 1), ("C", 510, "Sell to Open", 1)]
        credit_put = build("vertical", CHAIN, option_type="P", side="credit", dte=28, strike=480, width=5)
        assert shape(credit_put) == [("P", 480, "Sell to Open", 1), ("P", 475, "Buy to Open", 1)]
        assert shape(build("bear_call_spread", CHAIN, dte=28, strike=520, width=5)) == [
            ("C", 520, "Sell to Open", 1),
            ("C", 525, "Buy to Open", 1),
        ]
        assert shape(build("bear_put_spread", CHAIN, dte=28, strikes=(500, 490))) == [
            ("P", 500, "Buy to Open", 1),
            ("P", 490, "Sell to Open", 1),
        ]

    def test_short_strangle_by_delta(self) -> None:
        legs = build("strangle", CHAIN, side="short", target_delta=0.16, dte=45, delta_of=live_delta)
        put, call = legs
        assert put.expiration == call.expiration == date(2026, 1, 16)  # 56 DTE is nearest 45
        assert (put.option_type, put.action, call.option_type, call.action) == ("P", SELL, "C", SELL)
        for leg in legs:
            delta = abs(live_delta(leg.streamer_symbol) or 0)
            assert abs(delta - 0.16) < 0.02  # the closest listed strike to 16 delta
            neighbours = [leg.strike - 5, leg.strike + 5]
            for k in neighbours:
                other = f".SPY260116{leg.option_type}{k}"
                assert abs(abs(live_delta(other) or 0) - 0.16) >= abs(delta - 0.16)
        assert put.strike < SPOT < call.strike

    def test_strangle_and_straddle_around_the_money(self) -> None:
        assert shape(build("strangle", CHAIN, dte=28, spot=502, width=20)) == [
            ("P", 480, "Buy to Open", 1),
            ("C", 520, "Buy to Open", 1),
        ]
        assert shape(build("straddle", CHAIN, side="short", dte=28, spot=498)) == [
            ("P", 500, "Sell to Open", 1),
            ("C", 500, "Sell to Open", 1),
        ]
        # without a spot, at the money is the call nearest 50 delta
        (put, call) = build("straddle", CHAIN, dte=28, delta_of=live_delta)
        assert put.strike == call.strike == D(500)

    def test_iron_condor(self) -> None:
        legs = build("iron_condor", CHAIN, target_delta=0.2, width=10, dte=28, delta_of=live_delta)
        kinds = [(leg.option_type, leg.action) for leg in legs]
        assert kinds == [("P", BUY), ("P", SELL), ("C", SELL), ("C", BUY)]
        strikes = [leg.strike for leg in legs]
        assert strikes == sorted(strikes)
        assert strikes[1] - strikes[0] == strikes[3] - strikes[2] == D(10)
        explicit = build("iron condor", CHAIN, side="long", dte=28, strikes=(470, 480, 520, 530))
        assert shape(explicit) == [
            ("P", 470, "Sell to Open", 1),
            ("P", 480, "Buy to Open", 1),
            ("C", 520, "Buy to Open", 1),
            ("C", 530, "Sell to Open", 1),
        ]

    def test_butterflies(self) -> None:
        assert shape(build("butterfly", CHAIN, dte=28, spot=SPOT, width=10)) == [
            ("C", 490, "Buy to Open", 1),
            ("C", 500, "Sell to Open", 2),
            ("C", 510, "Buy to Open", 1),
        ]
        assert shape(
            build("butterfly", CHAIN, option_type="P", side="short", dte=28, strikes=(480, 490, 500))
        ) == [
            ("P", 480, "Sell to Open", 1),
            ("P", 490, "Buy to Open", 2),
            ("P", 500, "Sell to Open", 1),
        ]
        assert shape(build("iron_butterfly", CHAIN, dte=28, spot=SPOT, width=15)) == [
            ("P", 485, "Buy to Open", 1),
            ("P", 500, "Sell to Open", 1),
            ("C", 500, "Sell to Open", 1),
            ("C", 515, "Buy to Open", 1),
        ]

    def test_calendar_and_diagonal(self) -> None:
        near, far = build("calendar", CHAIN, dte=28, far_dte=56, spot=SPOT)
        assert (near.expiration, near.action, far.expiration, far.action) == (
            date(2025, 12, 19),
            SELL,
            date(2026, 1, 16),
            BUY,
        )
        assert near.strike == far.strike == D(500) and near.option_type == far.option_type == "C"
        short, long_ = build("diagonal", CHAIN, dte=28, far_dte=56, strike=520, width=20)
        assert (short.strike, short.action, long_.strike, long_.action) == (D(520), SELL, D(500), BUY)
        put_near, put_far = build("diagonal", CHAIN, option_type="P", dte=28, far_dte=56, strikes=(480, 490))
        assert (put_near.strike, put_far.strike, put_far.expiration) == (D(480), D(490), date(2026, 1, 16))

    def test_covered_call(self) -> None:
        stock, call = build("covered_call", CHAIN, dte=28, target_delta=0.3, delta_of=live_delta)
        assert (stock.symbol, stock.instrument_type, stock.action, stock.ratio) == ("SPY", "Equity", BUY, 100)
        assert (call.option_type, call.action, call.ratio) == ("C", SELL, 1)
        assert abs((live_delta(call.streamer_symbol) or 0) - 0.3) < 0.03

    def test_width_lands_on_the_nearest_listed_strike(self) -> None:
        # February lists strikes every 10: a 5-wide spread widens to the next listed strike
        legs = build("vertical", CHAIN, option_type="C", expiration=date(2026, 2, 20), strike=500, width=5)
        assert [leg.strike for leg in legs] == [D(500), D(510)]


class TestEveryTemplateMakesASendableOrder:
    @pytest.mark.parametrize("name", STRATEGY_NAMES)
    def test_order_passes_client_checks(self, name: str) -> None:
        kwargs: dict[str, object] = {"dte": 28, "delta_of": live_delta, "width": 10, "spot": SPOT}
        if name in ("calendar", "diagonal"):
            kwargs["far_dte"] = 56
        if name in ("vertical",):
            kwargs["option_type"] = "C"
        if name in ("iron_condor", "strangle"):
            kwargs["target_delta"] = 0.2
        legs = build(name, CHAIN, **kwargs)  # type: ignore[arg-type]
        order = NewOrder(
            "Limit", "Day", to_order_legs(legs, quantity=2), price=D("1.00"), price_effect="Debit"
        )
        problems = [p for p in order.problems() if "credit" not in p and "debit" not in p]
        assert problems == []
        assert all(leg.quantity == D(2 * s.ratio) for leg, s in zip(order.legs, legs, strict=True))


class TestErrors:
    @pytest.mark.parametrize(
        ("name", "kwargs", "fragment"),
        [
            ("condor_of_doom", {"dte": 28}, "Unknown strategy"),
            ("long_call", {"strike": 500}, "Choose an expiration"),
            ("long_call", {"dte": 28, "strike": 501}, "no 501 strike"),
            ("long_call", {"dte": 28}, "Say where"),
            ("long_call", {"dte": 28, "target_delta": 0.3}, "needs live deltas"),
            ("long_call", {"dte": 28, "target_delta": 0.3, "delta_of": lambda s: None}, "No live deltas yet"),
            ("long_call", {"dte": 28, "target_delta": 16}, "between 0 and 1"),
            ("long_call", {"dte": 28, "strike": 500, "side": "short"}, "always long"),
            ("vertical", {"dte": 28, "strike": 500}, "calls or puts"),
            ("vertical", {"dte": 28, "strike": 500, "option_type": "C"}, "width"),
            ("vertical", {"dte": 28, "strike": 600, "option_type": "C", "width": 5}, "No strike above 600"),
            ("vertical", {"dte": 28, "strikes": (500,), "option_type": "C"}, "takes 2 strikes"),
            ("iron_condor", {"dte": 28, "width": 5}, "target_delta"),
            ("iron_condor", {"dte": 28, "strikes": (480, 470, 520, 530)}, "rising strikes"),
            ("strangle", {"dte": 28, "strikes": (520, 480)}, "below its call"),
            ("calendar", {"dte": 28, "strike": 500}, "later expiration"),
            ("calendar", {"dte": 56, "far_dte": 28, "strike": 500}, "after the near"),
            ("covered_call", {"dte": 28, "strike": 510, "side": "short"}, "always long"),
            ("straddle", {"dte": 28, "side": "sideways", "spot": 500}, "Side must be"),
            ("long_call", {"expiration": date(2025, 12, 5), "strike": 500}, "2025-12-05"),
        ],
    )
    def test_readable_errors(self, name: str, kwargs: dict[str, object], fragment: str) -> None:
        with pytest.raises(StrategyError, match=fragment):
            build(name, CHAIN, **kwargs)  # type: ignore[arg-type]
