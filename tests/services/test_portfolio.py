"""PortfolioService over the live exchange: loading, the account streamer, resync, live values."""

from __future__ import annotations

import math
from typing import Any

from tests.api._fixtures import IRA, MAIN, SHARED, market_buy, resting_limit
from tests.conftest import wait_for
from tests.services._stack import signed_in_stack


async def test_sign_in_loads_accounts_and_selects_the_trading_one(exchange: Any) -> None:
    stack = await signed_in_stack(exchange)
    try:
        p = stack.portfolio
        assert {a.account_number for a in p.accounts} >= {MAIN, IRA, SHARED}
        assert p.selected_account is not None and p.selected_account.account_number == MAIN
        assert p.balance is not None and p.balance.net_liquidating_value > 0
        assert p.positions and all(pos.account_number == MAIN for pos in p.positions)
        assert p.live_orders and all(o.is_working for o in p.live_orders)
        changed: list[Any] = []
        p.account_changed.connect(changed.append)
        await p.select_account(IRA)
        assert [a.account_number for a in changed] == [IRA]
        assert p.balance is not None and p.balance.account_number == IRA
        await p.select_account(MAIN)
        assert p.balance is not None and p.balance.account_number == MAIN
    finally:
        await stack.close()


async def test_a_fill_updates_orders_positions_and_balances_without_a_refresh(exchange: Any) -> None:
    stack = await signed_in_stack(exchange)
    try:
        p = stack.portfolio
        before_cash = p.balance.cash_balance if p.balance else None
        msft_before = sum(pos.signed_quantity for pos in p.positions if pos.symbol == "MSFT")
        seen_balances: list[Any] = []
        p.balances_changed.connect(seen_balances.append)
        requests = stack.client.request_count
        placed = await stack.client.place_order(MAIN, market_buy("MSFT", 3).to_json())
        assert placed.order is not None
        oid = placed.order.id
        await wait_for(lambda: (o := p.order(oid)) is not None and o.status == "Filled", timeout=15)
        await wait_for(
            lambda: (
                sum(pos.signed_quantity for pos in p.positions if pos.symbol == "MSFT") == msft_before + 3
            ),
            timeout=15,
        )
        await wait_for(lambda: seen_balances and seen_balances[-1].cash_balance != before_cash, timeout=15)
        # Only the submit itself (plus its pre-submit snapshot) went over REST: the rest was streamed.
        assert stack.client.request_count - requests <= 3
    finally:
        await stack.close()


async def test_after_a_dropped_streamer_the_service_resyncs_what_it_missed(exchange: Any) -> None:
    stack = await signed_in_stack(
        exchange, streamer_options={"reconnect_base_s": 1.0, "reconnect_max_s": 2.0}
    )
    try:
        p = stack.portfolio
        exchange.admin("faults", {"streamer_upgrade_status": 503})  # keep it down for a moment
        exchange.admin("actions/drop-account-streamer", {})
        await wait_for(lambda: p.streamer_state != "connected", timeout=10)
        placed = await stack.client.place_order(MAIN, resting_limit(price="3.01").to_json())
        assert placed.order is not None
        exchange.admin("faults/reset", {})
        await wait_for(lambda: p.streamer_state == "connected", timeout=20)
        await wait_for(lambda: p.order(placed.order.id) is not None, timeout=15)
    finally:
        await stack.close()


async def test_positions_carry_live_marks_greeks_and_beta_weighted_delta(exchange: Any) -> None:
    stack = await signed_in_stack(exchange, with_hub=True)
    try:
        p = stack.portfolio

        def ready() -> bool:
            if not p.positions:
                return False
            values = [p.values(pos) for pos in p.positions]
            return all(v.mark is not None and v.beta_weighted_delta is not None for v in values)

        await wait_for(ready, timeout=30)
        for pos in p.positions:
            v = p.values(pos)
            assert v.open_pl is not None and v.day_pl is not None
            assert v.delta is not None and math.isfinite(v.delta)
            if pos.instrument_type == "Equity Option":
                assert v.dte is not None and v.dte >= 0
                assert v.theta is not None and v.theta != 0
        t = p.totals()
        assert t.incomplete == 0
        spy_rows = [pos for pos in p.positions if pos.underlying_symbol == "SPY"]
        if spy_rows:
            assert p.positions_affected_by(["SPY"])  # the benchmark moves every row
    finally:
        await stack.close()


async def test_sign_out_clears_everything(exchange: Any) -> None:
    stack = await signed_in_stack(exchange)
    try:
        stack.session.sign_out()
        p = stack.portfolio
        assert p.accounts == [] and p.selected_account is None and p.balance is None
        assert p.streamer_state == "closed" and p.live_orders == [] and p.positions == []
    finally:
        await stack.close()
