"""OAuth against the live exchange: sign-in, refresh ahead of expiry, forced expiry, no stampede."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.api.environments import demo
from desktop.api.errors import SignInRequired
from desktop.api.rest import TastytradeClient
from tests.api._fixtures import MAIN, demo_client


@pytest.fixture
def strict_exchange(tmp_path: Path) -> Iterator[Any]:
    """An exchange that accepts only one client secret and refresh token."""
    from desktop.simulator.runner import ExchangeConfig, ExchangeThread

    cfg = ExchangeConfig(
        port=0,
        state_path=tmp_path / "strict.sqlite3",
        client_secret="right-secret",
        refresh_token="right-refresh",
    )
    ex = ExchangeThread(cfg)
    ex.start()
    try:
        yield ex
    finally:
        ex.stop()


async def test_wrong_credentials_are_refused_in_plain_words(strict_exchange: Any) -> None:
    env = demo(strict_exchange.base_url, strict_exchange.streamer_url)
    async with TastytradeClient(env, "wrong-secret", "right-refresh") as client:
        with pytest.raises(SignInRequired) as info:
            await client.sign_in()
    assert "sign in again" in info.value.message.lower() or "check" in info.value.message.lower()
    assert "wrong-secret" not in str(info.value) and "wrong-secret" not in repr(info.value)
    async with TastytradeClient(env, "right-secret", "right-refresh") as client:
        await client.sign_in()
        assert (await client.customer()).display_name


async def test_forced_expiry_costs_one_refresh_and_one_retry(exchange: Any) -> None:
    async with demo_client(exchange) as client:
        await client.accounts()
        assert client.token_refreshes == 1
        exchange.admin("actions/expire-access-tokens", {})
        accounts = await client.accounts()  # 401 -> one refresh -> retried
        assert accounts
        assert client.token_refreshes == 2


async def test_concurrent_requests_share_one_refresh(exchange: Any) -> None:
    async with demo_client(exchange) as client:
        await client.sign_in()
        exchange.admin("actions/expire-access-tokens", {})
        results = await asyncio.gather(*(client.balances(MAIN) for _ in range(12)))
        assert all(b.account_number == MAIN for b in results)
        assert client.token_refreshes == 2  # the sign-in, then exactly one for all twelve


async def test_token_is_refreshed_ahead_of_its_expiry(exchange: Any) -> None:
    async with demo_client(exchange) as client:
        await client.sign_in()
        # Pretend the token we hold is about to expire: the next request refreshes first.
        client.tokens._expires_at = client.tokens._clock() + 1.0  # within the refresh margin
        refreshes = client.token_refreshes
        await client.customer()
        assert client.token_refreshes == refreshes + 1
        assert client.tokens.expires_in > 60


async def test_short_lived_tokens_from_the_server_are_renewed(exchange: Any) -> None:
    exchange.admin("faults", {"access_token_ttl_s": 1})
    async with demo_client(exchange) as client:
        await client.sign_in()
        await asyncio.sleep(1.5)  # the server-side token has expired; the client did not know
        assert (await client.customer()).display_name
        assert client.token_refreshes >= 2


async def test_a_session_that_cannot_be_renewed_asks_to_sign_in_again(exchange: Any) -> None:
    exchange.admin("faults", {"access_token_ttl_s": 0})  # every new token is dead on arrival
    async with demo_client(exchange) as client:
        with pytest.raises(SignInRequired, match="Sign in again"):
            await client.customer()
        assert client.rest_state == "unauthorized"


async def test_a_rotated_refresh_token_is_adopted_and_reported() -> None:
    # The embedded exchange never rotates refresh tokens; this answer is what a rotating server sends.
    import httpx

    from desktop.api.auth import TokenManager

    seen: list[str] = []
    sent: list[str] = []

    def token_endpoint(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        sent.append(body["refresh_token"])
        return httpx.Response(
            200, json={"access_token": f"a{len(sent)}", "expires_in": 900, "refresh_token": "r2"}
        )

    async with httpx.AsyncClient(base_url="http://t", transport=httpx.MockTransport(token_endpoint)) as http:
        tokens = TokenManager(http, "rotation-test-secret", "r1", on_refresh_token_rotated=seen.append)
        await tokens.refresh()
        await tokens.refresh()
    assert sent == ["r1", "r2"] and seen == ["r2"]
    assert "r2" not in repr(tokens.refresh_token)
