"""429 / 500 / timeouts against the live exchange's fault knobs; orders are never resent blindly."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal
from typing import Any

import pytest

from desktop.api.environments import demo
from desktop.api.errors import OrderStatusUnknown, RateLimited, ServerError
from desktop.api.rest import TastytradeClient
from desktop.api.retry import RetryPolicy
from tests.api._fixtures import MAIN, LateAnswerProxy, demo_client, resting_limit

FAST = RetryPolicy(max_attempts=4, base_delay=0.05, max_delay=0.2, max_retry_after=5)


def _count(orders: list[Any], price: str) -> int:
    """How many of ``orders`` have this limit price (the tests use a distinct price each)."""
    return sum(1 for o in orders if o.price is not None and abs(o.price) == Decimal(price))


async def test_500s_on_reads_are_retried_until_they_succeed(exchange: Any) -> None:
    async with demo_client(
        exchange, retry=RetryPolicy(max_attempts=10, base_delay=0.01, max_delay=0.05)
    ) as client:
        await client.sign_in()
        exchange.admin("faults", {"rest_error_rate": 0.3, "rest_error_status": 500})
        before = client.request_count
        for _ in range(15):
            assert (await client.balances(MAIN)).account_number == MAIN
        assert client.request_count > before + 15  # some of them needed a second try
        assert client.rest_state == "ok"


async def test_persistent_500_gives_up_after_the_policy_with_a_clear_error(exchange: Any) -> None:
    async with demo_client(exchange, retry=FAST) as client:
        await client.sign_in()
        exchange.admin("faults", {"rest_error_rate": 1.0, "rest_error_status": 500})
        before = client.request_count
        with pytest.raises(ServerError, match="Try again"):
            await client.positions(MAIN)
        assert client.request_count - before == FAST.max_attempts


async def test_429_honours_retry_after(exchange: Any) -> None:
    async with demo_client(exchange, retry=FAST) as client:
        await client.sign_in()
        exchange.admin("faults", {"rest_error_rate": 1.0, "rest_error_status": 429, "retry_after_s": 1})
        started = time.monotonic()
        with pytest.raises(RateLimited) as info:
            await client.customer()
        elapsed = time.monotonic() - started
        assert info.value.retry_after == 1
        assert elapsed >= (FAST.max_attempts - 1) * 1.0 - 0.05  # waited the server's 1 s between tries
        exchange.admin("faults/reset", {})
        assert (await client.customer()).display_name


async def test_429_without_retry_after_backs_off_and_recovers(exchange: Any) -> None:
    async with demo_client(
        exchange, retry=RetryPolicy(max_attempts=12, base_delay=0.01, max_delay=0.05)
    ) as client:
        await client.sign_in()
        exchange.admin("faults", {"rest_error_rate": 0.4, "rest_error_status": 429, "retry_after_s": None})
        for _ in range(10):
            assert await client.accounts()


async def test_order_submit_is_not_repeated_on_500(exchange: Any) -> None:
    async with demo_client(exchange, retry=FAST, order_lookup_s=1.0) as client:
        await client.sign_in()
        exchange.admin("faults", {"rest_error_rate": 1.0, "rest_error_status": 500})
        with pytest.raises(ServerError, match="Check the Orders panel"):
            await client.place_order(MAIN, resting_limit(price="1.41").to_json())
        exchange.admin("faults/reset", {})
        assert _count(await client.live_orders(MAIN), "1.41") == 0


async def test_dry_run_is_safe_to_retry_on_500(exchange: Any) -> None:
    async with demo_client(
        exchange, retry=RetryPolicy(max_attempts=10, base_delay=0.01, max_delay=0.05)
    ) as client:
        await client.sign_in()
        exchange.admin("faults", {"rest_error_rate": 0.5, "rest_error_status": 500})
        for _ in range(5):
            assert (await client.dry_run(MAIN, resting_limit().to_json())).ok


async def test_submit_answered_too_late_is_found_and_exists_exactly_once(exchange: Any) -> None:
    proxy = LateAnswerProxy(exchange.base_url)
    url = await proxy.start()
    env = demo(url, exchange.streamer_url)
    try:
        async with TastytradeClient(
            env, "s", "r", timeout=0.5, lookup_timeout=10.0, order_lookup_s=10.0
        ) as client:
            await client.sign_in()
            proxy.delay_s = 1.5  # the exchange places the order; its answer arrives after our timeout
            result = await client.place_order(MAIN, resting_limit(price="1.51").to_json())
            assert result.recovered, "the answer was lost, the order was found by looking"
            assert result.order is not None and result.order.id is not None
            proxy.delay_s = 0
            orders = await client.live_orders(MAIN)
            assert _count(orders, "1.51") == 1
            assert result.order.id in {o.id for o in orders}
    finally:
        await proxy.close()


async def test_submit_timing_out_under_exchange_latency_is_never_sent_twice(exchange: Any) -> None:
    async with demo_client(exchange, timeout=0.5, lookup_timeout=10.0, order_lookup_s=4.0) as client:
        await client.sign_in()
        exchange.admin("faults", {"latency_ms": 1500})
        try:
            result = await client.place_order(MAIN, resting_limit(price="1.52").to_json())
        except OrderStatusUnknown:
            result = None
        exchange.admin("faults/reset", {})
        await asyncio.sleep(2.0)  # anything still in flight has landed by now
        count = _count(await client.live_orders(MAIN), "1.52")
        assert count == 1, "the slow submit landed once and was never resent"
        assert result is not None and result.recovered, "the client found the order it had sent"


async def test_timed_out_submit_that_never_shows_up_is_reported_not_resent(exchange: Any) -> None:
    async with demo_client(
        exchange, timeout=0.3, lookup_timeout=0.3, order_lookup_s=0.5, retry=FAST
    ) as client:
        await client.sign_in()
        exchange.admin("faults", {"latency_ms": 2000})
        with pytest.raises(OrderStatusUnknown, match="check the Orders panel"):
            await client.place_order(MAIN, resting_limit(price="1.61").to_json())
        exchange.admin("faults/reset", {})
        await asyncio.sleep(2.5)  # let the slow submit land at the exchange
        assert _count(await client.live_orders(MAIN), "1.61") == 1  # sent once, never resent


async def test_unreachable_server_is_a_network_error(exchange: Any) -> None:
    from desktop.api.errors import NetworkError

    env = demo("http://127.0.0.1:9", exchange.streamer_url)  # the discard port: nothing listens
    async with TastytradeClient(env, "s", "r", retry=FAST) as client:
        with pytest.raises(NetworkError, match=r"(?i)could not reach"):
            await client.customer()
