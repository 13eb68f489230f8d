"""Fixtures shared by the installer tests: one Linux build per session, the source smoke test."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from installer.build import missing_tools
from installer.metadata import REPO_ROOT
from tests.installer.runs import run


@pytest.fixture(scope="session")
def linux_build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Run installer/build.py once (gzip .deb for speed); returns its summary (paths, sizes, timings)."""
    out = tmp_path_factory.mktemp("installer-out")
    work = tmp_path_factory.mktemp("installer-work")
    missing = missing_tools({"deb"})
    if missing:
        pytest.skip(f"cannot build the .deb here: {'; '.join(missing)}")
    targets = "deb,appdir" if shutil.which("mksquashfs") else "deb"
    proc = subprocess.run(
        [
            *(sys.executable, str(REPO_ROOT / "installer" / "build.py")),
            *("--out", str(out), "--work", str(work), "--targets", targets, "--deb-compression", "gzip"),
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    assert proc.returncode == 0, f"build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-6000:]}"
    return json.loads((out / "build-summary.json").read_text())


@pytest.fixture(scope="session")
def source_smoke(tmp_path_factory: pytest.TempPathFactory) -> str | None:
    """None when ``python -m desktop --smoke-test`` passes from the checkout, else its output."""
    proc = run([sys.executable, "-m", "desktop", "--smoke-test"], tmp_path_factory.mktemp("source-home"))
    if proc.returncode == 0:
        return None
    return f"exit {proc.returncode}: {proc.stdout}\n{proc.stderr}"
