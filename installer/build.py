"""Build TastyDesk's installers for this platform (``make installer``).

Linux: PyInstaller one-folder bundle -> ``.deb``, AppDir and its squashfs image (and the
``.AppImage`` when ``APPIMAGETOOL`` names appimagetool). Windows: bundle -> NSIS installer.
macOS: ``.app`` -> ``.dmg`` (signed and notarised when configured, see installer/macos/package.py).

Results go to ``installer/out/``; a summary is printed as ``figure_name: value`` lines and written
to ``installer/out/build-summary.json``. PyInstaller is installed into the running Python from the
``installer`` extra of pyproject.toml when it is missing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from installer import freeze, metadata
from installer.metadata import REPO_ROOT, AppMetadata

SPEC = REPO_ROOT / "installer" / "tastydesk.spec"
DEFAULT_OUT = REPO_ROOT / "installer" / "out"
DEFAULT_WORK = REPO_ROOT / "build" / "installer"
LINUX_TARGETS = ("deb", "appdir")


def missing_tools(targets: set[str], platform_name: str = sys.platform) -> list[str]:
    """The packaging tools this build will run that are not on ``PATH``, each with how to get it.

    Checked before freezing, so a missing tool costs a second, not a freeze and a .deb first.
    """
    tools: dict[str, str] = {}
    if platform_name.startswith("linux"):
        tools["objdump"] = "apt-get install binutils"  # plugin pruning and the .deb's Depends read ELF files
        if "deb" in targets:
            tools["dpkg-deb"] = "apt-get install dpkg"
        if "appdir" in targets:
            tools["mksquashfs"] = "apt-get install squashfs-tools"
    elif platform_name == "win32":
        tools["makensis"] = "install NSIS 3: choco install nsis"
    return [f"{tool} ({how})" for tool, how in tools.items() if shutil.which(tool) is None]


def ensure_pyinstaller() -> None:
    """Install the ``installer`` extra's PyInstaller into this Python if it is not importable."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        extras = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        requirements = extras["project"]["optional-dependencies"]["installer"]
        print(f"[build] installing {', '.join(requirements)}", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *requirements], check=True)


def freeze_app(meta: AppMetadata, work: Path) -> Path:
    """Run PyInstaller on the spec; returns the one-folder bundle (the ``.app`` on macOS)."""
    ensure_pyinstaller()
    dist = work / "dist"
    env = dict(os.environ)
    if sys.platform == "win32":
        version_file = work / "version_info.txt"
        version_file.parent.mkdir(parents=True, exist_ok=True)
        version_file.write_text(freeze.windows_version_info(meta, freeze.frozen_name(meta)), encoding="utf-8")
        env["TASTYDESK_VERSION_FILE"] = str(version_file)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work / "pyinstaller"),
            str(SPEC),
        ],
        check=True,
        env=env,
        cwd=REPO_ROOT,
    )
    bundle = freeze.bundle_dir(dist, meta)
    if not bundle.exists():
        raise RuntimeError(f"PyInstaller finished but {bundle} is missing")
    return bundle


def frozen_executable(bundle: Path, meta: AppMetadata) -> Path:
    """The app's executable inside the bundle."""
    if sys.platform == "darwin":
        return bundle / "Contents" / "MacOS" / freeze.frozen_name(meta)
    suffix = ".exe" if sys.platform == "win32" else ""
    return bundle / f"{freeze.frozen_name(meta)}{suffix}"


def smoke_test(executable: Path, timeout_s: float = 180.0) -> float:
    """Run the frozen app's ``--smoke-test`` offscreen; returns its duration, raises on failure."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.perf_counter()
    proc = subprocess.run(
        [str(executable), "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"frozen app smoke test failed (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    return time.perf_counter() - started


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def build_linux(
    bundle: Path, meta: AppMetadata, out: Path, work: Path, targets: set[str], compression: str
) -> dict:
    from installer.linux import appdir, deb

    summary: dict[str, object] = {}
    if "deb" in targets:
        started = time.perf_counter()
        package = deb.build(bundle, out, work, meta, compression=compression)
        summary |= {
            "deb": str(package.path),
            "deb_seconds": round(time.perf_counter() - started, 1),
            "deb_file_mb": round(package.path.stat().st_size / 2**20, 1),
            "deb_installed_mb": round(package.installed_size_kib / 1024, 1),
            "deb_depends": package.dependencies.depends,
        }
    if "appdir" in targets:
        started = time.perf_counter()
        tree = appdir.build_appdir(bundle, work, meta)
        image = appdir.build_squashfs(tree, work / f"{meta.executable}.squashfs")
        summary |= {
            "appdir": str(tree),
            "squashfs": str(image),
            "squashfs_mb": round(image.stat().st_size / 2**20, 1),
            "appdir_seconds": round(time.perf_counter() - started, 1),
        }
        appimage = appdir.build_appimage(tree, out, meta)
        if appimage is not None:
            summary["appimage"] = str(appimage)
        else:
            print("[build] no APPIMAGETOOL: AppDir + squashfs built; the release CI makes the .AppImage")
    return summary


def build_windows(bundle: Path, meta: AppMetadata, out: Path, work: Path) -> dict:
    from installer.windows import nsis

    setup = nsis.build(bundle, out, work / "nsis", meta, freeze.frozen_name(meta))
    return {"windows_installer": str(setup), "windows_installer_mb": round(setup.stat().st_size / 2**20, 1)}


def build_macos(bundle: Path, meta: AppMetadata, out: Path) -> dict:
    from installer.macos import package

    arch = os.environ.get("TASTYDESK_TARGET_ARCH") or platform.machine()
    dmg = package.build_dmg(bundle, out, meta, arch)
    return {"dmg": str(dmg), "dmg_mb": round(dmg.stat().st_size / 2**20, 1)}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Build the installers this platform can build.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where installers go (installer/out)")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="scratch folder (build/installer)")
    parser.add_argument(
        "--targets", default=",".join(LINUX_TARGETS), help="Linux only: comma-separated subset of deb,appdir"
    )
    parser.add_argument(
        "--deb-compression",
        choices=("xz", "gzip", "zstd"),
        default="xz",
        help=".deb compression (xz: smallest)",
    )
    parser.add_argument("--skip-freeze", action="store_true", help="reuse the bundle from the last run")
    parser.add_argument(
        "--smoke", action="store_true", help="run the frozen app's --smoke-test before packaging"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    targets = {t.strip() for t in args.targets.split(",") if t.strip()}
    unknown = targets - set(LINUX_TARGETS)
    if unknown:
        raise SystemExit(
            f"unknown targets: {', '.join(sorted(unknown))} (choose from {', '.join(LINUX_TARGETS)})"
        )
    missing = missing_tools(targets)
    if missing:
        raise SystemExit("missing packaging tools: " + "; ".join(missing))
    meta = metadata.load()
    work, out = args.work.resolve(), args.out.resolve()
    started = time.perf_counter()
    summary: dict[str, object] = {"app": meta.name, "version": meta.version, "platform": sys.platform}
    if args.skip_freeze:
        bundle = freeze.bundle_dir(work / "dist", meta)
        if not bundle.exists():
            raise SystemExit(f"--skip-freeze: no earlier bundle at {bundle}")
    else:
        bundle = freeze_app(meta, work)
        summary["freeze_seconds"] = round(time.perf_counter() - started, 1)
    summary["bundle"] = str(bundle)
    summary["bundle_mb"] = round(dir_size(bundle) / 2**20, 1)
    if args.smoke:
        summary["frozen_smoke_seconds"] = round(smoke_test(frozen_executable(bundle, meta)), 1)
    if sys.platform.startswith("linux"):
        summary |= build_linux(bundle, meta, out, work, targets, args.deb_compression)
    elif sys.platform == "win32":
        summary |= build_windows(bundle, meta, out, work)
    elif sys.platform == "darwin":
        summary |= build_macos(bundle, meta, out)
    summary["total_seconds"] = round(time.perf_counter() - started, 1)
    out.mkdir(parents=True, exist_ok=True)
    (out / "build-summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    for key, value in summary.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            print(f"{key}: {value}")
        elif key in ("deb", "appimage", "windows_installer", "dmg", "squashfs"):
            print(f"{key}: {freeze.relative_to_repo(Path(str(value)))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
