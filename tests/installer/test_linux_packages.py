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

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import desktop
from installer.metadata import REPO_ROOT

pytestmark = [
    pytest.mark.installer,
    pytest.mark.slow,
    pytest.mark.timeout(900),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux packages"),
    pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb (apt dpkg-dev)"),
]

PACKAGE = "tastydesk"
SMOKE_TIMEOUT_S = 240


def _isolated_env(home: Path) -> dict[str, str]:
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


def _run(argv: list[str], home: Path, timeout: float = SMOKE_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, env=_isolated_env(home), capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Run installer/build.py once; returns its summary (paths, sizes, timings)."""
    out = tmp_path_factory.mktemp("installer-out")
    work = tmp_path_factory.mktemp("installer-work")
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


@pytest.fixture(scope="module")
def source_smoke(tmp_path_factory: pytest.TempPathFactory) -> str | None:
    """None when ``python -m desktop --smoke-test`` passes from the checkout, else why it failed."""
    home = tmp_path_factory.mktemp("source-home")
    proc = _run([sys.executable, "-m", "desktop", "--smoke-test"], home)
    if proc.returncode == 0:
        return None
    return f"exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-600:]}"


def _check_frozen_smoke(executable: str, home: Path, source_problem: str | None) -> str | None:
    """Run the frozen smoke test; returns a failure message, or None (pass, or skipped for the app)."""
    proc = _run([executable, "--smoke-test"], home)
    if proc.returncode == 0:
        return None
    if source_problem is not None:
        return None  # reported by the caller as a skip: the app itself does not pass yet
    output = f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return f"{executable} --smoke-test failed (exit {proc.returncode}):\n{output}"


def _deb_field(deb: str, field: str) -> str:
    return subprocess.run(
        ["dpkg-deb", "-f", deb, field], capture_output=True, text=True, check=True
    ).stdout.strip()


def _deb_contents(deb: str) -> list[tuple[str, str]]:
    """(type, absolute path) for every entry: type is 'd', '-' or 'l'."""
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True, check=True).stdout
    entries = []
    for line in listing.splitlines():
        perms, name = line.split()[0], line.split(None, 5)[5]
        name = name.split(" -> ")[0].removeprefix(".")
        entries.append((perms[0], name.rstrip("/") or "/"))
    return entries


def test_deb_declares_the_package_and_the_qt_system_libraries(build: dict) -> None:
    deb = build["deb"]
    assert Path(deb).name == f"{PACKAGE}_{desktop.__version__}_{_deb_field(deb, 'Architecture')}.deb"
    assert _deb_field(deb, "Package") == PACKAGE
    assert _deb_field(deb, "Version") == desktop.__version__
    depends = [d.strip() for d in _deb_field(deb, "Depends").split(",")]
    names = {d.split()[0] for d in depends}
    assert {"libgl1", "libegl1", "libxcb1", "libfontconfig1", "libxkbcommon0", "libc6", "tzdata"} <= names
    libc = next(d for d in depends if d.startswith("libc6"))
    assert libc.startswith("libc6 (>= 2."), "the glibc floor comes from the bundle's symbol versions"
    assert int(_deb_field(deb, "Installed-Size")) > 50_000  # KiB: a whole Python + Qt runtime


def test_deb_puts_files_in_the_standard_places(build: dict) -> None:
    paths = {name: kind for kind, name in _deb_contents(build["deb"])}
    assert paths["/opt/tastydesk/tastydesk"] == "-"
    assert paths["/usr/bin/tastydesk"] == "-"
    assert paths["/usr/share/applications/tastydesk.desktop"] == "-"
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
    build: dict, source_smoke, tmp_path: Path
) -> None:
    deb = build["deb"]
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
    smoke_failure = None
    try:
        assert _installed()
        validate = subprocess.run(
            ["desktop-file-validate", "/usr/share/applications/tastydesk.desktop"],
            capture_output=True,
            text=True,
        )
        assert validate.returncode == 0 and not validate.stdout.strip(), validate.stdout
        version = _run(["/usr/bin/tastydesk", "--version"], tmp_path / "home", timeout=60)
        assert version.returncode == 0 and f"TastyDesk {desktop.__version__}" in version.stdout, version
        smoke_failure = _check_frozen_smoke("/usr/bin/tastydesk", tmp_path / "home", source_smoke)
    finally:
        files = [name for kind, name in _deb_contents(deb) if kind != "d"]
        purge = subprocess.run(["dpkg", "--purge", PACKAGE], capture_output=True, text=True, env=apt_env)
    assert purge.returncode == 0, purge.stderr
    assert not _installed()
    leftovers = [f for f in files if os.path.lexists(f)]
    assert not leftovers, f"left behind after dpkg --purge: {leftovers[:10]}"
    assert not os.path.lexists("/opt/tastydesk"), "the app wrote into its install folder at run time"
    assert smoke_failure is None, smoke_failure
    if source_smoke is not None:
        pytest.skip(
            f"frozen --smoke-test not judged: the app's own smoke test fails from source ({source_smoke})"
        )


def test_deb_unpacked_into_a_private_root_runs(build: dict, source_smoke, tmp_path: Path) -> None:
    """What a non-root developer can check: the unpacked bundle starts outside /opt too."""
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", build["deb"], str(root)], check=True)
    app = root / "opt" / "tastydesk" / "tastydesk"
    launcher = (root / "usr" / "bin" / "tastydesk").read_text()
    assert 'exec /opt/tastydesk/tastydesk "$@"' in launcher
    version = _run([str(app), "--version"], tmp_path / "home", timeout=60)
    assert version.returncode == 0 and f"TastyDesk {desktop.__version__}" in version.stdout, version
    if _can_install_into_system():
        return  # the system install test already ran the smoke test on the same bundle
    failure = _check_frozen_smoke(str(app), tmp_path / "home", source_smoke)
    assert failure is None, failure
    if source_smoke is not None:
        pytest.skip(
            f"frozen --smoke-test not judged: the app's own smoke test fails from source ({source_smoke})"
        )


def test_appdir_squashfs_image_runs(build: dict, source_smoke, tmp_path: Path) -> None:
    """The AppImage payload: unpacked from its squashfs image, AppRun starts the app."""
    if "squashfs" not in build:
        pytest.skip("needs mksquashfs (apt squashfs-tools)")
    appdir = Path(build["appdir"])
    assert (appdir / "AppRun").stat().st_mode & 0o111
    assert (appdir / "tastydesk.desktop").is_file() and (appdir / ".DirIcon").resolve().is_file()
    extracted = tmp_path / "squashfs-root"
    subprocess.run(["unsquashfs", "-q", "-n", "-d", str(extracted), build["squashfs"]], check=True)
    version = _run([str(extracted / "AppRun"), "--version"], tmp_path / "home", timeout=60)
    assert version.returncode == 0 and f"TastyDesk {desktop.__version__}" in version.stdout, version
    failure = _check_frozen_smoke(str(extracted / "AppRun"), tmp_path / "home", source_smoke)
    assert failure is None, failure
    if source_smoke is not None:
        pytest.skip(
            f"frozen --smoke-test not judged: the app's own smoke test fails from source ({source_smoke})"
        )


def test_build_summary_reports_time_and_size(build: dict) -> None:
    for figure in ("freeze_seconds", "bundle_mb", "deb_seconds", "deb_installed_mb", "total_seconds"):
        assert build[figure] > 0, figure
    print(
        f"\ninstaller figures: build {build['total_seconds']} s (freeze {build['freeze_seconds']} s), "
        f"bundle {build['bundle_mb']} MB, .deb {build['deb_file_mb']} MB (gzip), "
        f"installed {build['deb_installed_mb']} MB"
    )
