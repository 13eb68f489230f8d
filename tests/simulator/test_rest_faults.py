"""Fault knobs through the admin API: injected 429/500, latency, early token expiry."""

from __future__ import annotations

import time

import httpx

from tests.simulator.rest_client import client, data, error, token

UA = {"User-Agent": "tastydesk-tests/1.0"}


def test_429_share_with_retry_after_then_reset(exchange) -> None:
    exchange.admin("faults", {"rest_error_rate": 1.0, "rest_error_status": 429, "retry_after_s": 3})
    r = httpx.get(f"{exchange.base_url}/customers/me", headers=UA)
    assert r.status_code == 429 and r.headers["Retry-After"] == "3"
    assert r.json()["error"]["code"] == "too_many_requests"
    exchange.admin("faults", {"retry_after_s": None})
    r = httpx.get(f"{exchange.base_url}/customers/me", headers=UA)
    assert r.status_code == 429 and "Retry-After" not in r.headers
    assert exchange.admin("faults/reset", {})["rest_error_rate"] == 0.0
    tok = token(exchange.base_url)
    assert (
        httpx.get(
            f"{exchange.base_url}/customers/me", headers={**UA, "Authorization": f"Bearer {tok}"}
        ).status_code
        == 200
    )


def test_a_share_of_requests_fail_with_500(exchange) -> None:
    with client(exchange) as c:
        exchange.admin("faults", {"rest_error_rate": 0.5, "rest_error_status": 500})
        statuses = [c.get("/accounts/5WT00001/trading-status").status_code for _ in range(80)]
    failed = statuses.count(500)
    assert set(statuses) == {200, 500}
    assert 20 <= failed <= 60, f"{failed} of 80 failed for a 0.5 rate"


def test_latency_knob_delays_answers(exchange) -> None:
    with client(exchange) as c:
        exchange.admin("faults", {"latency_ms": 300})
        t0 = time.perf_counter()
        data(c.get("/customers/me"))
        slow = time.perf_counter() - t0
        exchange.admin("faults/reset", {})
        t0 = time.perf_counter()
        data(c.get("/customers/me"))
        fast = time.perf_counter() - t0
    assert slow >= 0.3 and fast < slow


def test_tokens_expire_early_while_expires_in_stays_900(exchange) -> None:
    exchange.admin("faults", {"access_token_ttl_s": 1})
    r = httpx.post(
        f"{exchange.base_url}/oauth/token",
        json={"grant_type": "refresh_token", "refresh_token": "r", "client_secret": "s"},
        headers=UA,
    )
    assert r.json()["expires_in"] == 900
    headers = {**UA, "Authorization": f"Bearer {r.json()['access_token']}"}
    assert httpx.get(f"{exchange.base_url}/customers/me", headers=headers).status_code == 200
    time.sleep(1.2)
    error(httpx.get(f"{exchange.base_url}/customers/me", headers=headers), 401)


def test_expire_access_tokens_action_kills_every_issued_token(exchange) -> None:
    with client(exchange) as c:
        data(c.get("/customers/me"))
        assert exchange.admin("actions/expire-access-tokens", {})["expired"] >= 1
        assert error(c.get("/customers/me"), 401)["code"] == "unauthorized"
    with client(exchange) as c:  # a refreshed token works again
        data(c.get("/customers/me"))


def test_admin_rejects_unknown_knobs_and_bad_values(exchange) -> None:
    for body in ({"no_such_knob": 1}, {"rest_error_rate": 2}, {"rest_error_status": 404}):
        try:
            exchange.admin("faults", body)
        except RuntimeError as exc:
            assert "400" in str(exc)
        else:
            raise AssertionError(f"{body} was accepted")
    assert exchange.admin("faults")["rest_error_rate"] == 0.0
