"""Error envelopes and OAuth errors become typed exceptions with messages a trader can act on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from desktop.api.errors import (
    AuthError,
    InvalidRequest,
    NotFound,
    NotPermitted,
    PreflightFailed,
    RateLimited,
    ServerError,
    SignInRequired,
    error_from_response,
    oauth_error,
)
from desktop.api.retry import RetryPolicy, parse_retry_after
from tests.api._fixtures import load


def test_unauthorized_drops_the_support_identifier_from_the_message() -> None:
    err = error_from_response(401, load("error_unauthorized"))
    assert isinstance(err, AuthError)
    assert err.code == "unauthorized" and err.status == 401
    assert err.support_id == "test"
    assert "Sign in again" in err.message
    assert "identifier" not in err.message


def test_preflight_failure_lists_each_failed_check() -> None:
    err = error_from_response(422, load("error_preflight"), what="Placing the order")
    assert isinstance(err, PreflightFailed)
    assert [d.code for d in err.details] == ["cant_buy_for_credit"]
    assert "You cannot buy for a credit." in err.message


def test_validation_errors_with_domain_and_reason() -> None:
    err = error_from_response(400, load("error_validation"), what="Searching orders")
    assert isinstance(err, InvalidRequest)
    assert err.details[0].code == "account-numbers"
    assert "account-numbers is missing" in err.message


def test_terminal_order_cannot_be_updated() -> None:
    err = error_from_response(422, load("error_cannot_update_order"))
    assert isinstance(err, InvalidRequest) and not isinstance(err, PreflightFailed)
    assert err.code == "cannot_update_order"
    assert "can no longer be changed" in err.message


def test_status_mapping() -> None:
    assert isinstance(error_from_response(403, load("error_not_permitted")), NotPermitted)
    assert isinstance(error_from_response(404, {"error": {"code": "not_found", "message": "x"}}), NotFound)
    assert isinstance(error_from_response(500, None), ServerError)
    limited = error_from_response(429, None, retry_after=3)
    assert isinstance(limited, RateLimited) and limited.retry_after == 3 and "3 s" in limited.message
    version = error_from_response(406, load("error_unsupported_version"))
    assert isinstance(version, InvalidRequest) and "API version" in version.message
    html = error_from_response(401, None)  # nginx HTML page for a missing User-Agent
    assert isinstance(html, AuthError)


def test_oauth_errors_say_what_to_do() -> None:
    grant = oauth_error(400, load("oauth_error_invalid_grant"))
    assert isinstance(grant, SignInRequired)
    assert grant.code == "invalid_grant"
    assert "Invalid JWT" in grant.message and "sign in again" in grant.message
    customer = oauth_error(400, load("oauth_error_invalid_request"))
    assert "User is not a TastyTrade customer" in customer.message
    assert isinstance(oauth_error(401, None), SignInRequired)
    assert isinstance(oauth_error(503, None), ServerError)
    # The standard envelope on the token endpoint is understood too.
    assert isinstance(error_from_response(400, load("oauth_error_invalid_grant")), SignInRequired)


def test_error_repr_and_str_are_the_plain_message() -> None:
    err = error_from_response(
        404, {"error": {"code": "not_found", "message": "No such order"}}, what="Loading order 7"
    )
    assert str(err) == "Loading order 7 failed: not found (No such order)."
    assert "NotFound" in repr(err) and "not_found" in repr(err)


def test_retry_after_seconds_and_http_dates() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=UTC)
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(
        format_datetime(now + timedelta(seconds=7), usegmt=True), now=now
    ) == pytest.approx(7)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    first = [policy.backoff(1) for _ in range(200)]
    third = [policy.backoff(3) for _ in range(200)]
    capped = [policy.backoff(10) for _ in range(200)]
    assert all(0.25 <= d <= 0.5 for d in first)
    assert all(1.0 <= d <= 2.0 for d in third)
    assert all(2.0 <= d <= 4.0 for d in capped)
    assert len(set(first)) > 100  # jittered, not a fixed schedule
