"""End to end on this Linux machine: build the .deb and AppDir, install, run, uninstall.

One build (PyInstaller bundle, gzip-compressed .deb for speed, AppDir + squashfs) is shared by
the tests in this module. As root with apt, the .deb is installed into the system the way a
user would (``apt-get install ./file.deb`` pulls the dependencies), the installed launcher runs
``--smoke-test`` offscreen, and ``dpkg --purge`` must remove every file it installed. Without
root it is unpacked into a temporary root instead.

The frozen app must do what the source checkout does: when ``python -m desktop --smoke-test``
itself fails (the app is still being built), the frozen smoke test is reported as skipped with
the source's error, never as a packaging failure; ``--version`` is always checked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import desktop
from tests.installer.runs import PACKAGE, deb_contents, deb_field, not_judged, run, smoke_failure

pytestmark = [
    pytest.mark.installer,
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux packages"),
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb (apt dpkg-dev)"),
]


def test_deb_declares_the_package_and_the_qt_system_libraries(linux_build: dict) -> None:
    deb = linux_build["deb"]
    assert Path(deb).name == f"{PACKAGE}_{desktop.__version__}_{deb_field(deb, 'Architecture')}.deb"
    assert deb_field(deb, "Package") == PACKAGE
    assert deb_field(deb, "Version") == desktop.__version__
    depends = [d.strip() for d in deb_field(deb, "Depends").split(",")]
    names = {d.split()[0] for d in depends}
    assert {"libgl1", "libegl1", "libxcb1", "libfontconfig1", "libxkbcommon0", "libc6", "tzdata"} <= names
    libc = next(d for d in depends if d.startswith("libc6"))
    assert libc.startswith("libc6 (>= 2."), "the glibc floor comes from the bundle's symbol versions"
    assert int(deb_field(deb, "Installed-Size")) > 50_000  # KiB: a whole Python + Qt runtime


def test_deb_puts_files_in_the_standard_places(linux_build: dict) -> None:
    paths = {name: kind for kind, name in deb_contents(linux_build["deb"])}
    assert paths["/opt/tastydesk/tastydesk"] == "-"
    assert paths["/usr/bin/tastydesk"] == "-"
    assert paths["/usr/share/applications/io.github.tastydesk.TastyDesk.desktop"] == "-"
    for size in (16, 32, 48, 128, 256, 512):
        assert f"/usr/share/icons/hicolor/{size}x{size}/apps/tastydesk.png" in paths
    assert "/usr/share/icons/hicolor/scalable/apps/tastydesk.svg" in paths
    assert "/usr/share/doc/tastydesk/copyright" in paths
    assert any(p.startswith("/opt/tastydesk/_internal/resources/icons/") for p in paths)
    outside = [p for p in paths if not p.startswith(("/opt/tastydesk", "/usr/bin", "/usr/share"))]
    assert set(outside) <= {"/", "/opt", "/usr"}, outside


def _can_install_into_system() -> bool:
    return os.geteuid() == 0 and shutil.which("apt-get") is not None and shutil.which("dpkg") is not None


def _installed() -> bool:
    proc = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True)
    return proc.returncode == 0 and "installed" in proc.stdout and "not-installed" not in proc.stdout


@pytest.mark.skipif(not _can_install_into_system(), reason="system install needs root and apt-get")
def test_deb_installs_runs_and_uninstalls_without_leftovers(
    linux_build: dict, source_smoke, tmp_path: Path
) -> None:
    deb = linux_build["deb"]
    apt_env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if _installed():
        subprocess.run(["dpkg", "--purge", PACKAGE], check=True, capture_output=True)
    install = subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", deb],
        capture_output=True,
        text=True,
        env=apt_env,
        check=False,
    )
    assert install.returncode == 0, (
        f"apt-get install failed:\n{install.stdout[-3000:]}\n{install.stderr[-3000:]}"
    )
    failure = None
    try:
        assert _installed()
        validate = subprocess.run(
            ["desktop-file-validate", "/usr/share/applications/io.github.tastydesk.TastyDesk.desktop"],
            capture_output=True,
            text=True,
        )
        assert validate.returncode == 0 and not validate.stdout.strip(), validate.stdout
        version = run(["/usr/bin/tastydesk", "--version"], tmp_path / "home", timeout=60)
        assert version.returncode == 0 and f"TastyDesk {desktop.__version__}" in version.stdout, version
        failure = smoke_failure(run(["/usr/bin/tastydesk", "--smoke-test"], tmp_path / "home"), source_smoke)
    finally:
        files = [name for kind, name in deb_contents(deb) if kind != "d"]
        purge = subprocess.run(["dpkg", "--purge", PACKAGE], capture_output=True, text=True, env=apt_env)
    assert purge.returncode == 0, purge.stderr
    assert not _installed()
    leftovers = [f for f in files if os.path.lexists(f)]
    assert not leftovers, f"left behind after dpkg --purge: {leftovers[:10]}"
    assert not os.path.lexists("/opt/tastydesk"), "the app wrote into its install folder at run time"
    assert failure is None, failure
    if source_smoke is not None:
        pytest.skip(not_judged(source_smoke))


def test_deb_unpacked_into_a_private_root_runs(linux_build: dict, source_smoke, tmp_path: Path) -> None:
    """What a non-root developer can check: the unpacked bundle starts outside /opt too."""
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", linux_build["deb"], str(root)], check=True)
    app = root / "opt" / "tastydesk" / "tastydesk"
    launcher = (root / "usr" / "bin" / "tastydesk").read_text()
    assert 'exec /opt/tastydesk/tastydesk "$@"' in launcher
    version = run([str(app), "--version"], tmp_path / "home", timeout=60)
    assert version.returncode == 0 and f"TastyDesk {desktop.__version__}" in version.stdout, version
    if _can_install_into_system():
        return  # the system install test already ran the smoke test on the same bundle
    failure = smoke_failure(run([str(app), "--smoke-test"], tmp_path / "home"), source_smoke)
    assert failure is None, failure
    if source_smoke is not None:
        pytest.skip(not_judged(source_smoke))


def test_appdir_squashfs_image_runs(linux_build: dict, source_smoke, tmp_path: Path) -> None:
    """The AppImage payload: unpacked from its squashfs image, AppRun starts the app."""
    if "squashfs" not in linux_build:
        pytest.skip("needs mksquashfs (apt squashfs-tools)")
    appdir = Path(linux_build["appdir"])
    assert (appdir / "AppRun").stat().st_mode & 0o111
    assert (appdir / "io.github.tastydesk.TastyDesk.desktop").is_file() and (
        appdir / ".DirIcon"
    ).resolve().is_file()
    extracted = tmp_path / "squashfs-root"
    subprocess.run(["unsquashfs", "-q", "-n", "-d", str(extracted), linux_build["squashfs"]], check=True)
    version = run([str(extracted / "AppRun"), "--version"], tmp_path / "home", timeout=60)
    assert version.returncode == 0 and f"TastyDesk {desktop.__version__}" in version.stdout, version
    if source_smoke is not None:  # the .deb test already looked for packaging faults in the bundle
        pytest.skip(not_judged(source_smoke))
    failure = smoke_failure(run([str(extracted / "AppRun"), "--smoke-test"], tmp_path / "home"), source_smoke)
    assert failure is None, failure


def test_build_summary_reports_time_and_size(linux_build: dict) -> None:
    for figure in ("freeze_seconds", "bundle_mb", "deb_seconds", "deb_installed_mb", "total_seconds"):
        assert linux_build[figure] > 0, figure
    b = linux_build
    print(
        f"\ninstaller figures: build {b['total_seconds']} s (freeze {b['freeze_seconds']} s), "
        f"bundle {b['bundle_mb']} MB, .deb {b['deb_file_mb']} MB (gzip), installed {b['deb_installed_mb']} MB"
    )
