"""The ticket draft, its pricing and risk profile, without a server: what a trader would check."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from desktop.core.money import TickSize
from desktop.core.orders import NewComplexOrder, NewOrder, OrderAction, OrderType, PriceEffect, TimeInForce
from desktop.ui.ticket.draft import BracketMode, TicketDraft
from desktop.ui.ticket.legs import TicketLeg, closing_action, leg_from_symbol, opening_action
from desktop.ui.ticket.pricing import LegQuote, cash_per_point, nudge, spread_price
from desktop.ui.ticket.risk import risk_profile

EXP = date.today() + timedelta(days=30)
OPTION_TICKS = (TickSize(Decimal("0.01"), Decimal(3)), TickSize(Decimal("0.05")))
BTO, STO = OrderAction.BUY_TO_OPEN, OrderAction.SELL_TO_OPEN


def option(strike: int, kind: str = "C", action: OrderAction = BTO, root: str = "SPY") -> TicketLeg:
    occ = f"{root:<6}{EXP:%y%m%d}{kind}{strike * 1000:08d}"
    return leg_from_symbol(occ, action, tick_sizes=OPTION_TICKS)


def quotes(**by_strike: tuple[float, float]) -> dict[str, LegQuote]:
    out = {}
    for key, (bid, ask) in by_strike.items():
        kind, strike = key[0].upper(), int(key[1:])
        out[option(strike, kind).symbol] = LegQuote(bid, ask)
    return out


def test_option_symbol_becomes_a_streamable_leg_with_its_details() -> None:
    leg = option(500, "P", STO)
    assert leg.instrument_type == "Equity Option"
    assert leg.streamer_symbol == f".SPY{EXP:%y%m%d}P500"
    assert (leg.option_type, leg.strike, leg.expiration) == ("P", Decimal(500), EXP)
    assert leg.underlying == "SPY" and leg.underlying_streamer == "SPY"
    assert leg.multiplier == 100 and not leg.is_buy


def test_actions_open_close_and_flip() -> None:
    assert opening_action(True) is BTO
    assert opening_action(False, Decimal(3)) is OrderAction.SELL_TO_CLOSE  # selling what you own
    assert opening_action(True, Decimal(-1)) is OrderAction.BUY_TO_CLOSE  # buying back a short
    assert closing_action(STO) is OrderAction.BUY_TO_CLOSE
    assert option(500).reversed().action is STO


def test_clicking_the_same_option_raises_quantity_and_the_other_side_lowers_it(qtbot) -> None:
    draft = TicketDraft()
    draft.add_leg(option(500))
    draft.add_leg(option(500))
    assert [leg.ratio for leg in draft.legs] == [2]
    draft.add_leg(option(500, action=STO))
    assert [leg.ratio for leg in draft.legs] == [1]
    draft.add_leg(option(500, action=STO))
    assert draft.legs == ()
    draft.add_leg(option(500, action=STO), count=3)
    assert draft.legs[0].ratio == 3 and not draft.legs[0].is_buy


def test_vertical_prices_at_the_rounded_mid_as_a_debit_and_naturally_at_ask_minus_bid(qtbot) -> None:
    draft = TicketDraft()
    draft.add_leg(option(500))
    draft.add_leg(option(505, action=STO))
    assert draft.price is None  # no quotes yet: no invented price
    draft.update_quotes(quotes(c500=(3.10, 3.20), c505=(1.02, 1.08)))
    # mid 3.15 - 1.05 = 2.10 debit; natural 3.20 - 1.02 = 2.18
    assert draft.mid == (Decimal("2.10"), PriceEffect.DEBIT)
    assert draft.natural == (Decimal("2.18"), PriceEffect.DEBIT)
    order = draft.order()
    assert isinstance(order, NewOrder)
    wire = json.loads(order.to_json())
    assert wire["price"] == "2.1" and wire["price-effect"] == "Debit" and wire["order-type"] == "Limit"
    assert [leg["action"] for leg in wire["legs"]] == ["Buy to Open", "Sell to Open"]


def test_auto_price_follows_the_mid_until_the_user_types_a_price(qtbot) -> None:
    draft = TicketDraft()
    draft.add_leg(option(500, action=STO))
    draft.update_quotes(quotes(c500=(1.00, 1.10)))
    first = draft.order().fingerprint()
    assert draft.price == Decimal("1.05") and draft.price_effect is PriceEffect.CREDIT
    with qtbot.waitSignal(draft.changed):
        draft.update_quotes(quotes(c500=(1.10, 1.20)))
    assert draft.price == Decimal("1.15") and draft.order().fingerprint() != first
    draft.set_price(Decimal("1.234"))
    assert draft.price == Decimal("1.23") and not draft.price_auto
    before = draft.order().fingerprint()
    draft.update_quotes(quotes(c500=(1.40, 1.50)))
    assert draft.price == Decimal("1.23") and draft.order().fingerprint() == before
    draft.use_mid()
    assert draft.price == Decimal("1.45")


def test_a_quote_move_that_keeps_the_rounded_mid_does_not_change_the_order(qtbot) -> None:
    draft = TicketDraft()
    draft.add_leg(option(500))
    draft.update_quotes(quotes(c500=(5.00, 5.20)))  # 5.10 on the 0.05 tick
    before = draft.order().to_json()
    with qtbot.assertNotEmitted(draft.changed):
        draft.update_quotes(quotes(c500=(5.01, 5.21)))  # 5.11 rounds to 5.10 again
    assert draft.order().to_json() == before


def test_iron_condor_is_a_credit_and_nudges_move_by_the_tick(qtbot) -> None:
    draft = TicketDraft()
    for strike, kind, action in ((480, "P", BTO), (490, "P", STO), (510, "C", STO), (520, "C", BTO)):
        draft.add_leg(option(strike, kind, action))
    draft.update_quotes(quotes(p480=(0.50, 0.54), p490=(1.20, 1.26), c510=(1.30, 1.36), c520=(0.40, 0.44)))
    assert draft.mid == (Decimal("1.62"), PriceEffect.CREDIT)  # 1.23 + 1.33 - 0.52 - 0.42
    assert nudge(Decimal("1.60"), draft.legs, 1) == Decimal("1.61")
    assert nudge(Decimal("3.00"), draft.legs, 1) == Decimal("3.05")
    assert nudge(Decimal("0.00"), draft.legs, -1) == Decimal("0")


def test_reversing_turns_the_credit_into_a_debit(qtbot) -> None:
    draft = TicketDraft()
    draft.add_leg(option(500, action=STO))
    draft.add_leg(option(505))
    draft.update_quotes(quotes(c500=(3.10, 3.20), c505=(1.02, 1.08)))
    assert draft.price_effect is PriceEffect.CREDIT
    draft.reverse()
    assert [leg.is_buy for leg in draft.legs] == [True, False]
    assert draft.price_effect is PriceEffect.DEBIT


def test_spread_ratios_and_dollars_per_point() -> None:
    fly = [option(495).with_ratio(Decimal(1)), option(500, action=STO).with_ratio(Decimal(2)), option(505)]
    q = quotes(c495=(6.0, 6.2), c500=(3.1, 3.3), c505=(1.0, 1.2))
    assert spread_price(fly, q, "mid") == (Decimal("0.80"), PriceEffect.DEBIT)  # 6.1 - 2 x 3.2 + 1.1
    assert cash_per_point(fly, Decimal(3)) == Decimal(300)
    doubled = [leg.with_ratio(leg.ratio * 2) for leg in fly]
    assert cash_per_point(doubled, Decimal(1)) == Decimal(200)
    shares = [leg_from_symbol("AAPL", BTO)]
    assert cash_per_point(shares, Decimal(50)) == Decimal(50)


def test_stock_order_types_and_time_in_force_reach_the_wire(qtbot) -> None:
    draft = TicketDraft()
    draft.set_legs([leg_from_symbol("AAPL", BTO)], size=Decimal(10))
    draft.set_order_type(OrderType.STOP_LIMIT)
    draft.set_stop_trigger(Decimal("190"))
    draft.set_price(Decimal("191.004"))
    draft.set_time_in_force(TimeInForce.GTD, EXP)
    wire = json.loads(draft.order().to_json())
    assert wire == {
        "time-in-force": "GTD",
        "gtc-date": EXP.isoformat(),
        "order-type": "Stop Limit",
        "stop-trigger": "190.0",
        "price": "191.0",
        "price-effect": "Debit",
        "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 10, "action": "Buy to Open"}],
    }
    draft.set_order_type(OrderType.NOTIONAL_MARKET)
    draft.set_time_in_force(TimeInForce.DAY)
    draft.set_value(Decimal("250"))
    wire = json.loads(draft.order().to_json())
    assert wire["value"] == "250.0" and wire["value-effect"] == "Debit" and "quantity" not in wire["legs"][0]
    assert "price" not in wire and draft.order().problems() == []


def test_otoco_bracket_closes_the_opened_legs_with_gtc_children(qtbot) -> None:
    draft = TicketDraft()
    draft.set_legs([leg_from_symbol("AAPL", BTO)], size=Decimal(100))
    draft.set_price(Decimal("200"))
    draft.set_bracket(BracketMode.OTOCO)
    assert (draft.profit_price, draft.bracket_stop) == (Decimal("210.00"), Decimal("190.00"))
    order = draft.order()
    assert isinstance(order, NewComplexOrder) and order.type == "OTOCO"
    assert order.problems() == []
    profit, stop = order.orders
    assert profit.price == Decimal("210.00") and profit.price_effect is PriceEffect.CREDIT
    assert stop.order_type is OrderType.STOP and stop.stop_trigger == Decimal("190.00")
    assert {leg.action for o in order.orders for leg in o.legs} == {OrderAction.SELL_TO_CLOSE}
    assert {o.time_in_force for o in order.orders} == {TimeInForce.GTC}
    draft.set_bracket_prices(Decimal("215"), None)
    order = draft.order()
    assert order.type == "OTO" and len(order.orders) == 1


def test_oco_on_a_position_uses_the_ticket_legs(qtbot) -> None:
    draft = TicketDraft()
    draft.set_legs([leg_from_symbol("AAPL", OrderAction.SELL_TO_CLOSE)], size=Decimal(50))
    draft.set_price(Decimal("100"))
    draft.set_bracket(BracketMode.OCO)
    order = draft.order()
    assert order.type == "OCO" and order.trigger_order is None and order.problems() == []
    assert order.orders[0].price == Decimal("105.00") and order.orders[0].price_effect is PriceEffect.CREDIT
    assert order.orders[1].stop_trigger == Decimal("95.00")


def test_risk_profile_of_a_debit_vertical_at_the_ticket_price() -> None:
    legs = [option(500), option(510, action=STO)]
    q = quotes(c500=(6.00, 6.20), c510=(2.00, 2.20))  # mid 4.00 debit
    now = datetime.now(UTC)
    profile = risk_profile(
        legs, Decimal(1), Decimal("3.80"), PriceEffect.DEBIT, q, lambda _l: 0.2, 505.0, now
    )
    assert profile is not None
    # paying 3.80 on a 10-wide: max profit 620, max loss 380, breakeven 503.80
    assert profile.max_profit == pytest.approx(620, abs=1)
    assert profile.max_loss == pytest.approx(380, abs=1)
    assert profile.breakevens == pytest.approx((503.8,), abs=0.1)
    assert profile.sigma_range is not None and profile.sigma_range[0] < 505 < profile.sigma_range[1]
    assert risk_profile(legs, Decimal(1), None, PriceEffect.DEBIT, {}, lambda _l: None, 505.0) is None


def test_short_call_risk_is_unlimited() -> None:
    legs = [option(510, action=STO)]
    profile = risk_profile(
        legs, Decimal(2), Decimal("2.00"), PriceEffect.CREDIT, quotes(c510=(1.9, 2.1)), lambda _l: 0.25, 500.0
    )
    assert profile is not None and profile.max_loss is None
    assert profile.max_profit == pytest.approx(400, abs=1)


def test_the_auto_price_holds_still_during_a_review_and_catches_up_after(qtbot) -> None:
    draft = TicketDraft()
    draft.add_leg(option(500))
    draft.update_quotes(quotes(c500=(5.00, 5.20)))
    draft.hold_price(True)
    draft.update_quotes(quotes(c500=(6.00, 6.20)))
    assert draft.price == Decimal("5.10") and draft.mid == (Decimal("6.10"), PriceEffect.DEBIT)
    with qtbot.waitSignal(draft.changed):
        draft.hold_price(False)
    assert draft.price == Decimal("6.10")
