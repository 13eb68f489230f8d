"""How a frozen smoke-test run is judged against the source checkout's own run."""

from __future__ import annotations

import subprocess

from tests.installer.runs import smoke_failure


def _proc(code: int, stderr: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.CompletedProcess(["tastydesk", "--smoke-test"], code, stdout="", stderr=stderr)


def test_a_passing_frozen_app_passes() -> None:
    assert smoke_failure(_proc(0), None) is None
    assert smoke_failure(_proc(0), "exit 1: anything") is None


def test_a_failing_frozen_app_fails_when_the_source_passes() -> None:
    failure = smoke_failure(_proc(1, "still missing: positions"), None)
    assert failure is not None and "still missing: positions" in failure


def test_a_module_only_the_frozen_app_misses_is_a_packaging_fault() -> None:
    source = "exit 1: still missing: watchlists"
    frozen = _proc(1, "ModuleNotFoundError: No module named 'aiohttp.web_ws'")
    failure = smoke_failure(frozen, source)
    assert failure is not None and "cannot import aiohttp.web_ws" in failure


def test_the_apps_own_failure_is_not_blamed_on_packaging() -> None:
    source = "exit 1: the exchange failed to start: No module named 'desktop.simulator.runner'"
    frozen = _proc(1, "the exchange failed to start: No module named 'desktop.simulator.runner'")
    assert smoke_failure(frozen, source) is None
