"""``tastydesk-sim``: the ready line, arguments, clean shutdown."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def _command() -> list[str]:
    script = Path(sys.executable).parent / "tastydesk-sim"
    return [str(script)] if script.exists() else [sys.executable, "-m", "desktop.simulator.cli"]


def test_prints_one_ready_line_and_serves_until_sigterm(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [
            *_command(),
            "--port",
            "0",
            "--seed",
            "11",
            "--sessions",
            "real",
            "--client-secret",
            "cs",
            "--refresh-token",
            "rt",
            "--state",
            str(tmp_path / "s.db"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("TastyDesk exchange listening on http://127.0.0.1:") and line.endswith("\n")
        url = line.split(" on ", 1)[1].strip()
        ok = httpx.post(
            f"{url}/oauth/token",
            json={"grant_type": "refresh_token", "refresh_token": "rt", "client_secret": "cs"},
            headers={"User-Agent": "t/1"},
        )
        assert ok.status_code == 200
        bad = httpx.post(
            f"{url}/oauth/token",
            json={"grant_type": "refresh_token", "refresh_token": "rt", "client_secret": "other"},
            headers={"User-Agent": "t/1"},
        )
        assert bad.status_code == 401
        proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=20)
        assert proc.returncode == 0 and out == "", "exactly one line on stdout"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert (tmp_path / "s.db").exists()


def test_secret_and_refresh_token_go_together() -> None:
    r = subprocess.run(
        [*_command(), "--client-secret", "only"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert r.returncode == 2 and "--refresh-token" in r.stderr
