"""OAuth, authentication failures, the 404 envelope, User-Agent and Accept-Version handling."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from desktop.simulator.runner import ExchangeConfig, ExchangeThread
from tests.simulator.rest_client import client, data, error, token

UA = {"User-Agent": "tastydesk-tests/1.0"}


def test_oauth_json_and_form_give_a_bare_bearer_token_for_15_minutes(exchange) -> None:
    body = {"grant_type": "refresh_token", "refresh_token": "any-refresh", "client_secret": "any-secret"}
    for r in (
        httpx.post(f"{exchange.base_url}/oauth/token", json=body, headers=UA),
        httpx.post(f"{exchange.base_url}/oauth/token", data=body, headers=UA),
    ):
        assert r.status_code == 200, r.text
        tok = r.json()
        assert set(tok) >= {"access_token", "token_type", "expires_in"} and "data" not in tok
        assert tok["token_type"] == "Bearer" and tok["expires_in"] == 900
        me = httpx.get(
            f"{exchange.base_url}/customers/me",
            headers={**UA, "Authorization": f"Bearer {tok['access_token']}"},
        )
        assert me.status_code == 200


def test_oauth_errors_use_their_own_shape(exchange) -> None:
    r = httpx.post(
        f"{exchange.base_url}/oauth/token",
        json={"grant_type": "refresh_token", "client_secret": "s"},
        headers=UA,
    )
    assert r.status_code == 400
    assert r.json() == {"error_code": "invalid_request", "error_description": "refresh_token is required"}
    r = httpx.post(f"{exchange.base_url}/oauth/token", json={"grant_type": "password"}, headers=UA)
    assert r.status_code == 400 and r.json()["error_code"] == "unsupported_grant_type"


def test_configured_credentials_are_required_exactly(tmp_path: Path) -> None:
    ex = ExchangeThread(
        ExchangeConfig(state_path=tmp_path / "s.sqlite3", client_secret="sekret", refresh_token="rt")
    )
    ex.start()
    try:
        url = f"{ex.base_url}/oauth/token"
        ok = httpx.post(
            url,
            json={"grant_type": "refresh_token", "refresh_token": "rt", "client_secret": "sekret"},
            headers=UA,
        )
        assert ok.status_code == 200
        wrong_secret = httpx.post(
            url,
            json={"grant_type": "refresh_token", "refresh_token": "rt", "client_secret": "nope"},
            headers=UA,
        )
        assert wrong_secret.status_code == 401 and wrong_secret.json()["error_code"] == "invalid_client"
        wrong_refresh = httpx.post(
            url,
            json={"grant_type": "refresh_token", "refresh_token": "old", "client_secret": "sekret"},
            headers=UA,
        )
        assert wrong_refresh.status_code == 400
        assert wrong_refresh.json() == {"error_code": "invalid_grant", "error_description": "Invalid JWT"}
        assert "sekret" not in wrong_secret.text and "nope" not in wrong_secret.text
    finally:
        ex.stop()


@pytest.mark.parametrize("auth", [None, "Bearer not-a-token", "garbage"])
def test_bad_or_missing_access_token_gets_the_real_401(exchange, auth: str | None) -> None:
    headers = dict(UA)
    if auth:
        headers["Authorization"] = auth
    r = httpx.get(f"{exchange.base_url}/customers/me/accounts", headers=headers)
    err = error(r, 401)
    assert err["code"] == "unauthorized"
    assert err["message"].startswith("Unauthorized. Unique customer support identifier: ")


def test_unknown_route_gets_the_404_envelope(exchange) -> None:
    with client(exchange) as c:
        err = error(c.get("/no/such/thing"), 404)
        assert err["code"] == "not_found" and "/no/such/thing" in err["message"]
        err = error(c.get("/accounts/5WT00001/orders/999999999"), 404)
        assert err["code"] == "not_found"


def test_missing_user_agent_is_refused_like_nginx(exchange) -> None:
    tok = token(exchange.base_url)
    r = httpx.get(
        f"{exchange.base_url}/customers/me", headers={"Authorization": f"Bearer {tok}", "User-Agent": ""}
    )
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("text/html") and "401 Authorization Required" in r.text


def test_accept_version_unsupported_is_406_with_a_numeric_code(exchange) -> None:
    for version in ("19990101", "latest"):
        with client(exchange, version=version) as c:
            r = c.get("/customers/me")
            assert r.status_code == 406
            assert r.json() == {"error": {"code": 406, "message": "The requested version is not supported."}}


def test_balances_shape_follows_accept_version(exchange) -> None:
    with client(exchange) as c:
        single = data(c.get("/accounts/5WT00001/balances"))
        assert single["account-number"] == "5WT00001"
    with client(exchange, version="20251101") as c:
        listed = data(c.get("/accounts/5WT00001/balances"))
        assert [b["account-number"] for b in listed["items"]] == ["5WT00001"]
        assert data(c.get("/accounts/5WT00001/balances/USD"))["currency"] == "USD"
    with client(exchange, version="20240101") as c:
        assert "items" not in data(c.get("/accounts/5WT00001/balances"))


def test_sessions_validate_answers_2xx_for_a_valid_token(exchange) -> None:
    with client(exchange) as c:
        user = data(c.post("/sessions/validate"))
        assert {"email", "username", "external-id", "id"} <= set(user)
