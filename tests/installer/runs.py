"""Helpers for the installer tests: run a frozen app in isolation, read a .deb."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

PACKAGE = "tastydesk"
SMOKE_TIMEOUT_S = 240


def isolated_env(home: Path) -> dict[str, str]:
    """Offscreen Qt, and a private HOME/XDG tree so a run never touches the real user's files."""
    runtime = home / "runtime"
    for sub in ("config", "data", "cache", "state"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
    return {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_RUNTIME_DIR": str(runtime),
    }


def run(argv: list[str], home: Path, timeout: float = SMOKE_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=isolated_env(home), capture_output=True, text=True, timeout=timeout, check=False
    )


def smoke_failure(proc: subprocess.CompletedProcess[str], source_problem: str | None) -> str | None:
    """A failure message for a frozen ``--smoke-test`` run, or None when it passed.

    When the source checkout's own smoke test fails too (``source_problem``: its output), the
    frozen app is judged only on what packaging can break: a module the frozen app cannot import
    while the source can. Otherwise the caller reports a skip naming the app's own problem.
    """
    if proc.returncode == 0:
        return None
    output = f"{proc.stdout}\n{proc.stderr}"
    detail = f"--smoke-test failed (exit {proc.returncode}):\n{output[-6000:]}"
    if source_problem is None:
        return detail
    missing = sorted(set(re.findall(r"No module named '([\w.]+)'", output)))
    missing = [name for name in missing if f"No module named '{name}'" not in source_problem]
    if missing:
        return f"the frozen app cannot import {', '.join(missing)} (the source can): {detail}"
    return None


def not_judged(source_problem: str) -> str:
    tail = source_problem.strip()[-600:]
    return f"frozen --smoke-test not fully judged: the app's own smoke test fails from source ({tail})"


def deb_field(deb: str, field: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", deb, field], capture_output=True, text=True, check=True
    ).stdout.strip()


def deb_contents(deb: str) -> list[tuple[str, str]]:
    """(type, absolute path) for every entry of the package: type is 'd', '-' or 'l'."""
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
    entries = []
    for line in listing.splitlines():
        perms, name = line.split()[0], line.split(None, 5)[5]
        name = name.split(" -> ")[0].removeprefix(".")
        entries.append((perms[0], name.rstrip("/") or "/"))
    return entries
