"""What the client puts on the wire: headers, one reused connection, the order text byte for byte."""

from __future__ import annotations

import json
from typing import Any

import pytest

from desktop import __version__
from desktop.api.environments import Environment, demo
from desktop.api.rest import TastytradeClient
from tests.api._fixtures import MAIN, LateAnswerProxy, resting_limit


@pytest.fixture
async def relay(exchange: Any) -> Any:
    proxy = LateAnswerProxy(exchange.base_url)
    proxy.url = await proxy.start()
    try:
        yield proxy
    finally:
        await proxy.close()


def _requests(proxy: LateAnswerProxy) -> list[tuple[str, dict[str, str], bytes]]:
    """Split the recorded bytes into (request line, headers, body) triples."""
    raw = b"".join(proxy.sent)
    out = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        size = int(headers.get("content-length", "0"))
        out.append((lines[0], headers, rest[:size]))
        raw = rest[size:]
    return out


async def test_headers_user_agent_and_connection_reuse(relay: Any, exchange: Any) -> None:
    async with TastytradeClient(demo(relay.url, exchange.streamer_url), "s", "r") as client:
        await client.sign_in()
        for _ in range(5):
            await client.accounts()
    requests = _requests(relay)
    assert len(requests) == 6
    token_line, token_headers, token_body = requests[0]
    assert token_line.startswith("POST /oauth/token ")
    assert "authorization" not in token_headers, "no stale Authorization on the token call"
    assert json.loads(token_body)["grant_type"] == "refresh_token"
    for _line, headers, _ in requests:
        assert headers["user-agent"] == f"tastydesk/{__version__}"
        assert headers["accept"] == "application/json"
        assert "accept-version" not in headers  # Demo (like the sandbox) gets no version header
    for line, headers, _ in requests[1:]:
        assert line.startswith("GET /customers/me/accounts ")
        assert headers["authorization"].startswith("Bearer ")
    assert relay.connections == 1, "one pooled connection for all requests"


async def test_pinned_api_version_is_sent_where_the_environment_asks(relay: Any, exchange: Any) -> None:
    env = Environment("production-like", relay.url, exchange.streamer_url, True, "20251101")
    async with TastytradeClient(env, "s", "r") as client:
        balance = await client.balances(MAIN)  # this version answers balances as a list
    assert balance.account_number == MAIN and balance.net_liquidating_value > 0
    assert all(headers.get("accept-version") == "20251101" for _, headers, _ in _requests(relay))


async def test_order_json_is_posted_byte_for_byte(relay: Any, exchange: Any) -> None:
    order_json = resting_limit(price="1.91").to_json()
    async with TastytradeClient(demo(relay.url, exchange.streamer_url), "s", "r") as client:
        await client.dry_run(MAIN, order_json)
        await client.place_order(MAIN, order_json)
    bodies = {
        line.split()[1]: body for line, _, body in _requests(relay) if line.startswith("POST /accounts")
    }
    assert bodies[f"/accounts/{MAIN}/orders/dry-run"] == order_json.encode()
    assert bodies[f"/accounts/{MAIN}/orders"] == order_json.encode()
