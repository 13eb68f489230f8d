"""The REST client against the live embedded exchange: every resource the app uses, typed."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from desktop.api.errors import InvalidRequest, NotFound, NotPermitted, PreflightFailed
from desktop.api.models import Watchlist
from tests.api._fixtures import IRA, MAIN, SHARED, demo_client, resting_limit


@pytest.fixture
async def client(exchange: Any) -> Any:
    c = demo_client(exchange)
    try:
        yield c
    finally:
        await c.aclose()


async def test_sign_in_customer_and_accounts_with_authority(client: Any) -> None:
    await client.sign_in()
    assert client.token_refreshes == 1
    customer = await client.customer()
    assert customer.display_name
    accounts = {a.account_number: a for a in await client.accounts()}
    assert {MAIN, IRA, SHARED} <= set(accounts)
    assert accounts[MAIN].can_trade and accounts[MAIN].is_margin
    assert accounts[IRA].can_trade and not accounts[IRA].is_margin
    assert accounts[SHARED].authority_level == "read-only" and not accounts[SHARED].can_trade


async def test_balances_positions_status_and_orders(client: Any) -> None:
    balance = await client.balances(MAIN)
    assert balance.account_number == MAIN
    assert balance.net_liquidating_value > 0
    assert isinstance(balance.cash_balance, Decimal)
    positions = await client.positions(MAIN)
    assert positions, "the demo account starts with open positions"
    assert all(p.account_number == MAIN and not p.is_closed for p in positions)
    assert {p.instrument_type for p in positions} >= {"Equity"}
    spy_only = await client.positions(MAIN, underlying_symbols=["SPY"])
    assert all(p.underlying_symbol == "SPY" for p in spy_only)
    status = await client.trading_status(MAIN)
    assert status.account_number == MAIN
    orders = await client.live_orders(MAIN)
    assert any(o.is_working for o in orders), "the demo account starts with a working order"


async def test_order_search_paginates_without_gaps_or_duplicates(client: Any) -> None:
    for price in ("1.01", "1.02", "1.03"):
        await client.place_order(MAIN, resting_limit(price=price).to_json())
    paged = [o async for o in client.search_orders(MAIN, per_page=2)]
    whole = [o async for o in client.search_orders(MAIN, per_page=500)]
    assert len(whole) >= 4
    assert [o.id for o in paged] == [o.id for o in whole]
    assert len({o.id for o in paged}) == len(paged)
    assert client.request_count >= len(whole) // 2  # it really fetched page after page


async def test_transactions_paginate_and_total_fees(client: Any) -> None:
    paged = [t async for t in client.transactions(MAIN, per_page=1)]
    whole = [t async for t in client.transactions(MAIN, per_page=250)]
    assert whole, "the seeded account has activity"
    assert [t.id for t in paged] == [t.id for t in whole]
    fees = await client.total_fees(MAIN)
    assert fees.total_fees <= 0  # fees are paid: zero or a debit


async def test_instruments_chains_metrics_and_search(client: Any) -> None:
    spy = await client.equity("SPY")
    assert spy.symbol == "SPY" and spy.streamer_symbol == "SPY" and spy.option_tick_sizes
    chains = await client.nested_option_chain("SPY")
    assert chains and chains[0].expirations
    exp = chains[0].expirations[0]
    assert exp.strikes and exp.strikes[0].call_streamer_symbol.startswith(".SPY")
    futures = await client.futures(product_codes=["ES"])
    assert futures and all(f.product_code == "ES" for f in futures)
    one = await client.future(futures[0].symbol)
    assert one.symbol == futures[0].symbol and one.streamer_symbol
    fo = await client.futures_option_chain("ES")
    assert fo.expirations and fo.expirations[0].strikes
    cryptos = await client.cryptocurrencies()
    assert any(c.symbol == "BTC/USD" for c in cryptos)
    metrics = {m.symbol: m for m in await client.market_metrics(["SPY", "AAPL"])}
    assert set(metrics) == {"SPY", "AAPL"} and metrics["AAPL"].beta is not None
    matches = await client.search_symbols("AA")
    assert any(m.symbol == "AAPL" for m in matches)
    assert await client.search_symbols("") == []


async def test_quote_token_points_at_the_exchanges_dxlink(client: Any, exchange: Any) -> None:
    token = await client.quote_token()
    assert token.token and token.dxlink_url == exchange.dxlink_url
    assert token.token not in repr(token)


async def test_dry_run_place_cancel_and_replace(client: Any) -> None:
    order = resting_limit(price="1.11")
    review = await client.dry_run(MAIN, order.to_json())
    assert review.ok and review.order is not None and review.order.is_dry_run
    bpe = review.buying_power_effect
    assert bpe is not None and bpe.change_in_margin_requirement < 0  # buying stock needs margin (a Debit)
    assert review.fee_calculation is not None
    assert '"buying-power-effect"' in review.raw_json

    placed = await client.place_order(MAIN, order.to_json())
    assert placed.order is not None and placed.order.id is not None and not placed.recovered
    assert placed.order.price == Decimal("-1.11")
    assert '"order"' in placed.raw_json

    new = resting_limit(price="1.12")
    check = await client.dry_run_replace(MAIN, placed.order.id, new.to_json())
    assert check.ok
    replaced = await client.replace_order(MAIN, placed.order.id, new.to_json())
    assert replaced.order is not None and replaced.order.id != placed.order.id
    assert replaced.order.price == Decimal("-1.12")

    cancelled = await client.cancel_order(MAIN, replaced.order.id)
    assert cancelled.status in ("Cancel Requested", "Cancelled")
    again = await client.cancel_order(MAIN, replaced.order.id)  # already cancelled: not an error
    assert again.status in ("Cancel Requested", "Cancelled")


async def test_failed_preflight_keeps_the_buying_power_effect(client: Any) -> None:
    huge = resting_limit(price="500.00", quantity=1_000_000)
    with pytest.raises(PreflightFailed) as info:
        await client.dry_run(MAIN, huge.to_json())
    err = info.value
    assert err.details and err.dry_run is not None and err.dry_run.errors
    assert err.buying_power_effect is not None
    assert "buying power" in err.message.lower()


async def test_read_only_account_cannot_place(client: Any) -> None:
    with pytest.raises(NotPermitted):
        await client.place_order(SHARED, resting_limit().to_json())


async def test_unknown_order_and_symbol(client: Any) -> None:
    with pytest.raises(NotFound):
        await client.order(MAIN, 987654321)
    with pytest.raises((NotFound, InvalidRequest)):
        await client.equity("NO-SUCH-TICKER")


async def test_complex_order_otoco_place_and_cancel(client: Any) -> None:
    from desktop.core.orders import NewComplexOrder, OrderAction, OrderLeg

    trigger = resting_limit(price="1.20")  # never fills, so the bracket stays contingent
    close_leg = (OrderLeg("Equity", "SPY", OrderAction.SELL_TO_CLOSE, Decimal(1)),)
    take_profit = replace(trigger, legs=close_leg, price=Decimal("2.00"), price_effect="Credit")
    stop_loss = replace(
        trigger,
        legs=close_leg,
        order_type="Stop",
        price=None,
        price_effect=None,
        stop_trigger=Decimal("1.00"),
    )
    order = NewComplexOrder(type="OTOCO", trigger_order=trigger, orders=(take_profit, stop_loss))
    assert order.problems() == []
    review = await client.dry_run_complex_order(MAIN, order.to_json())
    assert review.errors == ()
    placed = await client.place_complex_order(MAIN, order.to_json())
    assert placed.complex_order is not None and placed.complex_order.id is not None
    assert len(placed.complex_order.all_orders) == 3
    cancelled = await client.cancel_complex_order(MAIN, placed.complex_order.id)
    assert cancelled.id == placed.complex_order.id


async def test_watchlist_create_update_delete_with_odd_names(client: Any) -> None:
    name = "Tech / growth & more"
    created = await client.create_watchlist(Watchlist.of(name, ["AAPL", ("/ESZ5", "Future")]))
    assert created.name == name and "AAPL" in created.symbols
    assert name in {w.name for w in await client.watchlists()}
    renamed = await client.update_watchlist(name, Watchlist.of("Tech 2", ["MSFT"]))
    assert renamed.name == "Tech 2" and renamed.symbols == ("MSFT",)
    assert (await client.watchlist("Tech 2")).symbols == ("MSFT",)
    await client.delete_watchlist("Tech 2")
    await client.delete_watchlist("Tech 2")  # already gone: fine
    assert "Tech 2" not in {w.name for w in await client.watchlists()}
    public = await client.public_watchlists()
    assert public and all(w.name for w in public)
