"""The exchange as the app's Demo mode runs it: a child process that ends with its parent."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from desktop.simulator.config import ExchangeConfig
from desktop.simulator.process import ExchangeProcess, exchange_command
from tests.simulator.rest_client import client, data, order_body, wait_until

ACCOUNT = "/accounts/5WT00001"


def test_demo_exchange_process_serves_keeps_state_and_stops_cleanly(tmp_path: Path) -> None:
    state = tmp_path / "demo.sqlite3"
    log_path = tmp_path / "logs" / "exchange.log"
    first = ExchangeProcess(ExchangeConfig(state_path=state), log_path=log_path)
    first.start()
    try:
        assert first.base_url.startswith("http://127.0.0.1:")
        assert first.streamer_url == first.base_url.replace("http", "ws") + "/account-streamer"
        with client(first) as c:
            oid = data(c.post(f"{ACCOUNT}/orders", json=order_body("AMZN", "Buy to Open", 3)), 201)["order"][
                "id"
            ]
            wait_until(lambda: data(c.get(f"{ACCOUNT}/orders/{oid}"))["status"] == "Filled")
    finally:
        first.stop()
    assert log_path.exists(), "the exchange's own log goes to the app's log folder"
    second = ExchangeProcess(ExchangeConfig(state_path=state))
    second.start()
    try:
        with client(second) as c:
            assert data(c.get(f"{ACCOUNT}/orders/{oid}"))["status"] == "Filled", "paper trades are kept"
    finally:
        second.stop()


def test_the_child_ends_when_its_parent_goes_away(tmp_path: Path) -> None:
    """Closing the pipe is what an app crash does too: the exchange must not linger."""
    proc = subprocess.Popen(
        exchange_command(["--port", "0", "--state", str(tmp_path / "s.sqlite3"), "--until-stdin-closes"]),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().startswith("TastyDesk exchange listening on http://127.0.0.1:")
        time.sleep(0.2)
        assert proc.poll() is None, "it serves while the parent lives"
        proc.stdin.close()
        assert proc.wait(20) == 0, "a clean exit once the parent is gone"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()  # type: ignore[union-attr]


def test_a_failing_start_says_why(tmp_path: Path) -> None:
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("not a database\n" * 100)
    ex = ExchangeProcess(ExchangeConfig(state_path=bad), log_path=tmp_path / "exchange.log")
    with pytest.raises(RuntimeError, match="did not start"):
        ex.start()
    assert "cannot use the exchange state file" in (tmp_path / "exchange.log").read_text()
