"""The account survives a clean restart and a ``kill -9`` of ``tastydesk-sim --state``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from desktop.simulator.runner import ExchangeConfig, ExchangeThread
from tests.simulator.rest_client import client, data, order_body, wait_until

ACCOUNT = "/accounts/5WT00001"


class _Url:
    """Enough of an exchange for ``client()``: a base URL."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url


def _activity(c) -> dict:  # type: ignore[no-untyped-def]
    """Fill a market order, leave a limit working, add a watchlist; return what to look for."""
    filled = data(c.post(f"{ACCOUNT}/orders", json=order_body("AMZN", "Buy to Open", 7)), 201)["order"]["id"]
    wait_until(lambda: data(c.get(f"{ACCOUNT}/orders/{filled}"))["status"] == "Filled")
    working = data(
        c.post(f"{ACCOUNT}/orders", json=order_body("META", "Buy to Open", 2, "Limit", "50.00", tif="GTC")),
        201,
    )["order"]["id"]
    data(c.post("/watchlists", json={"name": "Survives", "watchlist-entries": [{"symbol": "AMZN"}]}), 201)
    trade = data(c.get(f"{ACCOUNT}/transactions", params={"symbol": "AMZN"}))["items"][0]["id"]
    cash = data(c.get(f"{ACCOUNT}/balances"))["cash-balance"]
    return {"filled": filled, "working": working, "trade": trade, "cash": cash}


def _check(c, seen: dict) -> None:  # type: ignore[no-untyped-def]
    assert data(c.get(f"{ACCOUNT}/orders/{seen['filled']}"))["status"] == "Filled"
    assert data(c.get(f"{ACCOUNT}/orders/{seen['working']}"))["status"] in ("Live", "Routed", "In Flight")
    amzn = data(c.get(f"{ACCOUNT}/positions", params={"symbol": "AMZN"}))["items"]
    assert amzn and amzn[0]["quantity"] == 7
    assert data(c.get(f"{ACCOUNT}/transactions/{seen['trade']}"))["symbol"] == "AMZN"
    assert "Survives" in [w["name"] for w in data(c.get("/watchlists"))["items"]]
    assert data(c.get(f"{ACCOUNT}/balances"))["cash-balance"] == seen["cash"]
    deposits = data(c.get(f"{ACCOUNT}/transactions", params={"sub-type[]": "Deposit"}))["items"]
    assert len(deposits) == 1, "a restart loads the state file, it does not seed again"


def test_state_survives_a_clean_restart(tmp_path: Path) -> None:
    path = tmp_path / "accounts.sqlite3"
    first = ExchangeThread(ExchangeConfig(state_path=path))
    first.start()
    try:
        with client(first) as c:
            seen = _activity(c)
    finally:
        first.stop()
    second = ExchangeThread(ExchangeConfig(state_path=path))
    second.start()
    try:
        with client(second) as c:
            _check(c, seen)
            new = data(c.post(f"{ACCOUNT}/orders", json=order_body("AMZN", "Sell to Close", 1)), 201)[
                "order"
            ]["id"]
            assert new > seen["working"], "order ids continue after a restart"
    finally:
        second.stop()


def _start_cli(path: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.simulator.cli", "--port", "0", "--state", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    prefix = "TastyDesk exchange listening on "
    assert line.startswith(prefix), (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, line[len(prefix) :]


def test_state_survives_kill_9(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    proc, url = _start_cli(path)
    try:
        assert url.startswith("http://127.0.0.1:")
        with client(_Url(url)) as c:
            seen = _activity(c)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    assert proc.returncode == -signal.SIGKILL
    proc, url = _start_cli(path)
    try:
        with client(_Url(url)) as c:
            _check(c, seen)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0, "SIGTERM shuts down cleanly"
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]


def test_an_unusable_state_file_fails_start_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "not-a-database.sqlite3"
    path.write_text("these are my notes, not an exchange state file\n" * 100)
    ex = ExchangeThread(ExchangeConfig(state_path=path))
    try:
        ex.start()
    except RuntimeError as exc:
        assert "cannot use the exchange state file" in str(exc) and str(path) in str(exc)
    else:
        ex.stop()
        raise AssertionError("a text file was accepted as a state file")
    assert path.read_text().startswith("these are my notes"), "the file is left untouched"
