"""The logging redaction is a real second line of defence."""

from __future__ import annotations

import logging

import pytest

from desktop.api import redaction
from desktop.api.auth import Secret
from desktop.api.credentials import Credentials

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJVMDAwMDEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


def test_registered_secrets_and_token_shapes_are_masked() -> None:
    redaction.register_secret("my-client-secret-123")
    redaction.register_secret("ent_sec")  # a registered secret that also occurs inside a key name
    text = (
        f"secret my-client-secret-123 jwt {JWT} header Bearer abcdefghijklmnop "
        'body {"refresh_token": "r-123456", "client_secret": "s-98765"} '
        "auth-token=xyz12345 access_token=qwerty"
    )
    clean = redaction.redact(text)
    for leaked in (
        "my-client-secret-123",
        JWT,
        "abcdefghijklmnop",
        "r-123456",
        "s-98765",
        "xyz12345",
        "qwerty",
    ):
        assert leaked not in clean
    assert clean.count(redaction.MASK) >= 7
    assert (
        redaction.redact("GET /accounts/5WT00001/positions -> 200")
        == "GET /accounts/5WT00001/positions -> 200"
    )


def test_an_elided_dxlink_auth_frame_loses_its_token() -> None:
    # websockets logs a long frame as head...tail: neither part is a whole registered secret.
    frame = """> TEXT '{"type":"AUTH","channel":0,"token":"simq.TOxw-X...PjXJDvPSNI0GxOJ"}' [86 bytes]"""
    clean = redaction.redact(frame)
    assert "TOxw" not in clean and "PjXJ" not in clean and '"token":"[redacted]"' in clean
    prose = "DXLink could not get a quote token: the server failed (HTTP 500)"
    assert redaction.redact(prose) == prose


def test_installed_factory_redacts_every_logger(caplog: pytest.LogCaptureFixture) -> None:
    redaction.install()
    redaction.install()  # idempotent
    redaction.register_secret("refresh-token-value-xyz")
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("some.third.party").debug(
            "sending %s with %s", "refresh-token-value-xyz", f"Bearer {JWT}"
        )
        try:
            raise ValueError("refresh-token-value-xyz was bad")
        except ValueError:
            logging.getLogger("x").exception("failed")
    assert "refresh-token-value-xyz" not in caplog.text
    assert JWT not in caplog.text
    assert "sending [redacted] with Bearer [redacted]" in caplog.text


def test_secret_holders_never_print_their_value() -> None:
    s = Secret("hunter2-hunter2")
    assert "hunter2" not in repr(s) and "hunter2" not in str(s) and "hunter2" not in f"{s}"
    assert s.reveal() == "hunter2-hunter2"
    c = Credentials(client_secret="cs-111111", refresh_token="rt-222222")
    assert "cs-111111" not in repr(c) and "rt-222222" not in repr(c)
