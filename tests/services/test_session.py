"""SessionService over the live exchange: verify, then remember; sign-out forgets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from keyring.backends import fail

from desktop.api.credentials import Credentials, CredentialStore
from desktop.api.environments import demo
from desktop.api.errors import InvalidRequest, ServerError, SignInRequired
from desktop.api.retry import RetryPolicy
from desktop.services.session import SessionService
from tests.api._fixtures import MemoryKeyring


def sandbox_like(exchange: Any) -> Any:
    """The exchange posing as a real environment (Demo credentials are never stored)."""
    env = demo(exchange.base_url, exchange.streamer_url)
    return type(env)("sandbox", env.rest_url, env.streamer_url, False, None)


async def test_sign_in_verifies_then_remembers(exchange: Any) -> None:
    keyring = MemoryKeyring()
    session = SessionService(CredentialStore(backend=keyring))
    states: list[str] = []
    session.state_changed.connect(states.append)
    customer = await session.sign_in(sandbox_like(exchange), " secret-1 ", "refresh-1", remember=True)
    assert customer.display_name and session.customer == customer
    assert states == ["signing-in", "ready"]
    assert session.is_ready and session.client is not None
    assert session.saved_credentials("sandbox") == Credentials("secret-1", "refresh-1")
    assert session.saved_credentials("demo") is None
    session.sign_out()
    assert states[-1] == "signed-out" and session.client is None
    assert session.saved_credentials("sandbox") is None, "sign-out forgets the saved credentials"
    await session.close()


async def test_failed_sign_in_stores_nothing_and_says_why(tmp_path: Path) -> None:
    from desktop.simulator.runner import ExchangeConfig, ExchangeThread

    strict = ExchangeThread(
        ExchangeConfig(
            port=0, state_path=tmp_path / "s.sqlite3", client_secret="right", refresh_token="right"
        )
    )
    strict.start()
    try:
        keyring = MemoryKeyring()
        session = SessionService(CredentialStore(backend=keyring))
        errors: list[str] = []
        session.error.connect(errors.append)
        with pytest.raises(SignInRequired):
            await session.sign_in(sandbox_like(strict), "wrong", "right", remember=True)
        assert session.state == "error" and session.client is None
        assert keyring.store == {}
        assert errors and errors[0].startswith("Signing in to Sandbox failed:")
        assert "wrong" not in errors[0]
        await session.sign_in(sandbox_like(strict), "right", "right", remember=False)
        assert session.is_ready and keyring.store == {}  # not asked to remember
        await session.close()
    finally:
        strict.stop()


async def test_without_a_keyring_the_session_is_for_this_run_only(exchange: Any) -> None:
    session = SessionService(CredentialStore(backend=fail.Keyring()))
    errors: list[str] = []
    session.error.connect(errors.append)
    assert session.keyring_problem and "No system keyring" in session.keyring_problem
    await session.sign_in(sandbox_like(exchange), "s", "r", remember=True)
    assert session.is_ready
    assert any("for this session only" in e for e in errors)
    await session.close()


async def test_empty_credentials_are_refused_before_any_request(exchange: Any) -> None:
    session = SessionService(CredentialStore(backend=MemoryKeyring()))
    with pytest.raises(InvalidRequest, match="client secret and the refresh token"):
        await session.sign_in(sandbox_like(exchange), "", "r")
    assert session.state == "signed-out"


async def test_switching_environment_closes_the_previous_client(exchange: Any) -> None:
    session = SessionService(CredentialStore(backend=MemoryKeyring()))
    await session.sign_in(demo(exchange.base_url, exchange.streamer_url), "demo", "demo")
    first = session.client
    await session.sign_in(sandbox_like(exchange), "s", "r")
    assert session.environment is not None and session.environment.name == "sandbox"
    assert first is not None and first.closed and session.client is not first
    await session.close()


async def test_rest_state_follows_the_connection(exchange: Any) -> None:
    session = SessionService(
        CredentialStore(backend=MemoryKeyring()),
        client_options={"retry": RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)},
    )
    seen: list[str] = []
    session.rest_state_changed.connect(seen.append)
    await session.sign_in(demo(exchange.base_url, exchange.streamer_url), "demo", "demo")
    exchange.admin("faults", {"rest_error_rate": 1.0, "rest_error_status": 500})
    client = session.client
    assert client is not None
    with pytest.raises(ServerError):
        await client.accounts()
    exchange.admin("faults/reset", {})
    await client.accounts()
    assert seen[:1] == ["retrying"] and seen[-1] == "ok"
    await session.close()
