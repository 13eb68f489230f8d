"""`tastydesk --smoke-test`: the installers' check, run as a user would (a fresh process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def run_smoke(*args: str, timeout: float = 100) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "desktop", "--smoke-test", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
def test_smoke_test_passes_and_saves_a_full_screenshot(tmp_path: Path) -> None:
    shot = tmp_path / "main.png"
    proc = run_smoke("--screenshot", str(shot))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "smoke test passed" in proc.stdout
    image = QImage(str(shot))
    assert not image.isNull() and (image.width(), image.height()) == (1600, 1000)
    # a real terminal, not a blank window: many distinct colours across the picture
    colours = {image.pixel(x, y) for x in range(0, 1600, 25) for y in range(0, 1000, 25)}
    assert len(colours) > 20


def test_smoke_test_fails_with_the_reason_when_time_runs_out() -> None:
    proc = run_smoke("--smoke-timeout", "0.05", timeout=60)
    assert proc.returncode != 0
    assert "smoke test failed" in proc.stderr
    assert "start-up" in proc.stderr or "still missing" in proc.stderr
