"""The AppImage's AppDir and its squashfs image.

Everything up to the squashfs image is built and tested here. Turning it into the final
``.AppImage`` (prepending the AppImage runtime) needs ``appimagetool``, which is downloaded
from the AppImage project and so runs in the release workflow only: ``build_appimage`` does
that step when ``APPIMAGETOOL`` names the tool.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

from installer.icons import png_path
from installer.linux import desktop_entry
from installer.metadata import AppMetadata

APPRUN = """#!/bin/sh
# AppImage entry point: run the bundled {name} from wherever the image is mounted.
HERE="$(dirname "$(readlink -f "$0")")"
exec "$HERE/usr/lib/{executable}/{executable}" "$@"
"""


def appdir_name(meta: AppMetadata) -> str:
    return f"{meta.name}.AppDir"


def build_appdir(bundle: Path, work_dir: Path, meta: AppMetadata) -> Path:
    """Lay out ``<Name>.AppDir`` (emptied first) from the one-folder bundle."""
    appdir = work_dir / appdir_name(meta)
    if appdir.exists():
        shutil.rmtree(appdir)
    lib = appdir / "usr" / "lib" / meta.executable
    shutil.copytree(bundle, lib, symlinks=True)
    usr_bin = appdir / "usr" / "bin"
    usr_bin.mkdir(parents=True)
    (usr_bin / meta.executable).symlink_to(f"../lib/{meta.executable}/{meta.executable}")
    apprun = appdir / "AppRun"
    apprun.write_text(APPRUN.format(name=meta.name, executable=meta.executable))
    apprun.chmod(0o755)
    desktop_entry.install(appdir / "usr" / "share", meta)
    # appimagetool reads the entry and its icon from the AppDir's top level
    (appdir / desktop_entry.file_name(meta)).write_text(desktop_entry.render(meta))
    shutil.copyfile(png_path(256), appdir / f"{meta.executable}.png")
    (appdir / ".DirIcon").symlink_to(f"{meta.executable}.png")
    return appdir


def build_squashfs(appdir: Path, out_file: Path) -> Path:
    """Pack the AppDir the way ``appimagetool`` does (root-owned, no xattrs), into ``out_file``."""
    mksquashfs = shutil.which("mksquashfs")
    if mksquashfs is None:
        raise RuntimeError("mksquashfs not found: apt-get install squashfs-tools")
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.unlink(missing_ok=True)
    subprocess.run(
        [
            mksquashfs,
            str(appdir),
            str(out_file),
            "-root-owned",
            "-noappend",
            "-no-xattrs",
            "-comp",
            "zstd",
            "-quiet",
            "-no-progress",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return out_file


def appimage_arch() -> str:
    """The AppImage architecture name of this machine (``x86_64``, ``aarch64``)."""
    return platform.machine()


def build_appimage(appdir: Path, out_dir: Path, meta: AppMetadata, tool: str | None = None) -> Path | None:
    """Run ``appimagetool`` (path in ``APPIMAGETOOL``) on the AppDir; ``None`` when it is absent."""
    tool = tool or os.environ.get("APPIMAGETOOL")
    if not tool:
        return None
    out = out_dir / f"{meta.name}-{meta.version}-{appimage_arch()}.AppImage"
    env = {**os.environ, "ARCH": appimage_arch()}
    subprocess.run([tool, "--no-appstream", str(appdir), str(out)], check=True, env=env)
    return out
