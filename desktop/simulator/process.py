"""Run the embedded exchange in a child process (the app's Demo mode).

A separate process keeps the market model's CPU work and its garbage collection away from the
UI's interpreter (no GIL contention, no Qt object ever finalised on a foreign thread). The
child is ``tastydesk-sim`` itself (``python -m desktop.simulator.cli``, or the frozen app with
``--run-exchange``); it prints its one "listening" line, then serves until its stdin closes,
so it also ends when the app dies without a goodbye.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

from desktop.simulator.config import ExchangeConfig

log = logging.getLogger(__name__)

READY_PREFIX = "TastyDesk exchange listening on "


def exchange_command(args: list[str]) -> list[str]:
    """The command line that runs ``tastydesk-sim`` with ``args`` from this installation."""
    if getattr(sys, "frozen", False):  # a PyInstaller build: the app binary knows the flag
        return [sys.executable, "--run-exchange", *args]
    return [sys.executable, "-m", "desktop.simulator.cli", *args]


class ExchangeProcess:
    """The exchange in a child process; same surface as ``ExchangeThread`` for the app."""

    def __init__(
        self, config: ExchangeConfig, *, log_path: Path | None = None, start_timeout_s: float = 60.0
    ):
        self.config = config
        self.log_path = log_path
        self.start_timeout_s = start_timeout_s
        self.base_url = ""
        self._proc: subprocess.Popen[str] | None = None
        self._drainer: threading.Thread | None = None
        self._log_file = None

    @property
    def dxlink_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/dxlink"

    @property
    def streamer_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/account-streamer"

    def _args(self) -> list[str]:
        c = self.config
        args = ["--host", c.host, "--port", str(c.port), "--seed", str(c.seed), "--sessions", c.sessions]
        if c.state_path is not None:
            args += ["--state", str(c.state_path)]
        if c.client_secret is not None and c.refresh_token is not None:
            args += ["--client-secret", c.client_secret, "--refresh-token", c.refresh_token]
        return [*args, "--until-stdin-closes"]

    def start(self) -> None:
        """Spawn the exchange and block until it listens; raises ``RuntimeError`` with the reason."""
        stderr: int | object = subprocess.DEVNULL
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log_file = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 (kept open)
            stderr = self._log_file
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self._proc = subprocess.Popen(
            exchange_command(self._args()),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            encoding="utf-8",
            creationflags=flags,
            env=env,
        )
        line = self._first_line()
        if not line.startswith(READY_PREFIX):
            code = self._proc.poll()
            self.stop()
            where = f" (see {self.log_path})" if self.log_path is not None else ""
            raise RuntimeError(f"the Demo exchange did not start (exit code {code}){where}")
        self.base_url = line[len(READY_PREFIX) :].strip()
        self._drainer = threading.Thread(target=self._drain, name="exchange-stdout", daemon=True)
        self._drainer.start()
        log.info("Demo exchange process %s listening on %s", self._proc.pid, self.base_url)

    def _first_line(self) -> str:
        assert self._proc is not None and self._proc.stdout is not None
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self._proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.start_timeout_s)
        return result[0] if result else ""

    def _drain(self) -> None:
        proc = self._proc
        if proc is None or proc.stdout is None:
            return
        for line in proc.stdout:
            log.debug("exchange: %s", line.rstrip())

    def stop(self, timeout_s: float = 10.0) -> None:
        """Ask the exchange to shut down cleanly (state flushed); kill it if it will not."""
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                if proc.stdin is not None:
                    proc.stdin.close()  # the child's signal to stop
                proc.wait(timeout_s)
            except (OSError, subprocess.TimeoutExpired):
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
            if self._drainer is not None:
                self._drainer.join(5)  # the child is gone: its stdout is at its end
                self._drainer = None
            if proc.stdout is not None:
                proc.stdout.close()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
