"""No secret or token reaches a log line (at DEBUG) or an exception, through a whole session."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from desktop.api import redaction
from desktop.api.environments import demo
from desktop.api.errors import ApiError
from desktop.api.rest import TastytradeClient
from desktop.services.orders import SendRefused
from tests.api._fixtures import MAIN, leaked_pieces, market_buy, resting_limit
from tests.conftest import wait_for
from tests.services._stack import signed_in_stack

CLIENT_SECRET = "cs-7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e"
REFRESH_TOKEN = "rt-eyJhbGciOiJIUzI1NiJ9.c2Vzc2lvbi1yZWZyZXNo.b64sig1234567890"


async def test_full_session_at_debug_leaks_no_secret(exchange: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore, websockets, asyncio
    problems: list[BaseException] = []
    seen_tokens: set[str] = set()

    stack = await signed_in_stack(
        exchange, with_hub=True, client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN
    )
    try:
        client = stack.client
        seen_tokens.add(await client.access_token())
        quote = await client.quote_token()
        seen_tokens.add(quote.token)
        await wait_for(lambda: stack.hub.state == "connected", timeout=20)
        await wait_for(lambda: stack.hub.latest("Quote", "SPY") is not None, timeout=20)  # live quotes flow

        # Orders: review, send, follow, cancel; a refused send; a failed preflight.
        orders = stack.orders
        orders.set_ticket(resting_limit(price="4.01"))
        await orders.review()
        sent = await orders.send()
        assert sent.order is not None and sent.order.id is not None
        await orders.cancel(sent.order.id)
        orders.set_ticket(market_buy("SPY", 1))
        try:
            await orders.send()
        except SendRefused as exc:
            problems.append(exc)
        orders.set_ticket(resting_limit(price="500.00", quantity=1_000_000))
        await orders.review()

        # Token life: a forced expiry (401 -> refresh -> retry) and the streamer keeps going.
        exchange.admin("actions/expire-access-tokens", {})
        await client.accounts()
        seen_tokens.add(await client.access_token())
        await client.place_order(MAIN, market_buy("SPY", 1).to_json())

        # Failures: wrong credentials against a strict check, an unknown order.
        try:
            await client.order(MAIN, 999999999)
        except ApiError as exc:
            problems.append(exc)
        strict = TastytradeClient(
            demo(exchange.base_url, exchange.streamer_url), CLIENT_SECRET, REFRESH_TOKEN
        )
        exchange.admin("faults", {"access_token_ttl_s": 0})
        try:
            await strict.customer()
        except ApiError as exc:
            problems.append(exc)
        finally:
            await strict.aclose()
            exchange.admin("faults/reset", {})
    finally:
        await stack.close()

    assert stack.quote_tokens, "the hub got a quote token"
    seen_tokens.update(stack.quote_tokens)  # the ones that really went over the DXLink socket
    secrets = {CLIENT_SECRET, REFRESH_TOKEN, *seen_tokens}
    assert len(seen_tokens) >= 4, "two access tokens and two quote tokens were issued"
    records = caplog.records
    assert len(records) > 50, "the session really logged at DEBUG"
    for record in records:
        text = record.getMessage() + (record.exc_text or "")
        for secret in secrets:
            assert secret not in text, f"{record.name} logged a secret: {text[:120]!r}"
        if record.name.startswith("desktop."):
            assert redaction.MASK not in text, f"{record.name} tried to log a secret (caught by redaction)"
    everything = "\n".join(record.getMessage() + (record.exc_text or "") for record in records)
    for token in seen_tokens:  # an elided log line may still carry a token's head or tail
        assert not leaked_pieces(token, everything), "a piece of a token reached a log"
    assert len(problems) >= 2
    for exc in problems:
        for secret in secrets:
            assert secret not in str(exc) and secret not in repr(exc)
    for obj in (stack.session, stack.session.credentials, quote):
        for secret in secrets:
            assert secret not in repr(obj)
