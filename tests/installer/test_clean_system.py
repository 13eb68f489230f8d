"""Opt-in: install the .deb on a bare Debian (debootstrap minbase) and run it there.

Proves the package's ``Depends`` are complete: the bare system has none of the Qt libraries,
fonts or time zones this build machine has. Slow (about a minute plus the build) and needs
root, ``debootstrap`` and the Debian mirror apt uses, so it runs only with
``TASTYDESK_CLEAN_SYSTEM_TEST=1`` (``TASTYDESK_DEBIAN_MIRROR`` overrides debootstrap's mirror).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

import desktop
from tests.installer.runs import PACKAGE, deb_contents, not_judged, smoke_failure

pytestmark = [
    pytest.mark.installer,
    pytest.mark.slow,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(os.environ.get("TASTYDESK_CLEAN_SYSTEM_TEST") != "1", reason="opt-in"),
    pytest.mark.skipif(shutil.which("debootstrap") is None, reason="needs debootstrap"),
    pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() != 0, reason="needs root"),
]

SUITE = "bookworm"


@pytest.fixture
def bare_debian(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "debian"
    mirror = os.environ.get("TASTYDESK_DEBIAN_MIRROR")
    argv = ["debootstrap", "--variant=minbase", SUITE, str(root), *([mirror] if mirror else [])]
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, f"debootstrap failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
    shutil.copyfile("/etc/resolv.conf", root / "etc" / "resolv.conf")
    subprocess.run(["mount", "-t", "proc", "proc", str(root / "proc")], check=True)
    try:
        yield root
    finally:
        subprocess.run(["umount", "-l", str(root / "proc")], check=False)


def _chroot(root: Path, script: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "DEBIAN_FRONTEND": "noninteractive", "LANG": "C.UTF-8"}
    return subprocess.run(
        ["chroot", str(root), "sh", "-c", script], env=env, capture_output=True, text=True, timeout=timeout
    )


def test_deb_installs_and_runs_on_a_bare_debian(linux_build: dict, source_smoke, bare_debian: Path) -> None:
    deb = Path(linux_build["deb"])
    shutil.copyfile(deb, bare_debian / "tmp" / deb.name)
    install = _chroot(
        bare_debian, f"apt-get update -qq && apt-get install -y -qq --no-install-recommends /tmp/{deb.name}"
    )
    assert install.returncode == 0, f"{install.stdout[-3000:]}\n{install.stderr[-3000:]}"
    run_app = "mkdir -p /tmp/home && cd /tmp && HOME=/tmp/home QT_QPA_PLATFORM=offscreen /usr/bin/tastydesk"
    version = _chroot(bare_debian, f"{run_app} --version", timeout=60)
    assert version.returncode == 0 and f"TastyDesk {desktop.__version__}" in version.stdout, version
    failure = smoke_failure(_chroot(bare_debian, f"{run_app} --smoke-test", timeout=300), source_smoke)
    purge = _chroot(bare_debian, f"dpkg --purge {PACKAGE}")
    assert purge.returncode == 0, purge.stderr
    leftovers = [
        p for kind, p in deb_contents(str(deb)) if kind != "d" and os.path.lexists(bare_debian / p[1:])
    ]
    assert not leftovers, leftovers[:10]
    assert not (bare_debian / "opt" / "tastydesk").exists()
    assert failure is None, failure
    if source_smoke is not None:
        pytest.skip(not_judged(source_smoke))
