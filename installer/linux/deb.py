"""Build the Debian package from the PyInstaller one-folder bundle.

Layout: the bundle in ``/opt/<executable>``, a launcher in ``/usr/bin``, the desktop entry in
``/usr/share/applications``, icons in the hicolor theme, the copyright file in
``/usr/share/doc/<executable>``. Desktop and icon caches are refreshed by the dpkg triggers of
``desktop-file-utils`` and ``hicolor-icon-theme``, so no maintainer scripts are needed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from installer.linux import desktop_entry
from installer.linux.debian_deps import DependencyReport, scan_bundle
from installer.metadata import AppMetadata

LAUNCHER = """#!/bin/sh
# {name} launcher: the application lives in {install_dir} (installed by the {package} package).
exec {install_dir}/{executable} "$@"
"""

COPYRIGHT = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: {name}
Comment: {name} bundles Python, Qt (PySide6, LGPL-3.0) and other libraries under their own
 licenses; their license files are in {install_dir}/_internal.

Files: *
Copyright: {copyright}
License: {license}
"""


@dataclass(frozen=True)
class DebPackage:
    """A built ``.deb`` and what went into it."""

    path: Path
    package: str
    version: str
    architecture: str
    installed_size_kib: int
    dependencies: DependencyReport


def host_architecture() -> str:
    """The Debian architecture of this machine (``amd64``, ``arm64``)."""
    return subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()


def install_dir(meta: AppMetadata) -> str:
    """Where the bundle is installed."""
    return f"/opt/{meta.executable}"


def _normalise_modes(root: Path) -> None:
    """Directories 0755; files 0755 if executable else 0644 (dpkg-deb warns on anything else)."""
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for name in filenames:
            path = Path(dirpath, name)
            if path.is_symlink():
                continue
            path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)


def _installed_size_kib(root: Path) -> int:
    total = 0
    for path in root.rglob("*"):
        if path.is_relative_to(root / "DEBIAN"):
            continue
        if path.is_file() and not path.is_symlink():
            total += (path.stat().st_size + 1023) // 1024
        else:
            total += 1  # dpkg counts one KiB per directory and symlink
    return total


def _md5sums(root: Path) -> str:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_relative_to(root / "DEBIAN") or path.is_symlink() or not path.is_file():
            continue
        digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        lines.append(f"{digest}  {path.relative_to(root).as_posix()}")
    return "\n".join(lines) + "\n"


def control_text(meta: AppMetadata, arch: str, installed_kib: int, depends: list[str]) -> str:
    """The ``DEBIAN/control`` file."""
    description = "\n".join(f" {line}" for line in _wrap(meta.description, 76))
    return (
        f"Package: {meta.executable}\n"
        f"Version: {meta.deb_version}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {meta.publisher}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Recommends: fonts-dejavu-core | fonts-liberation2\n"
        f"Section: {meta.deb_section}\n"
        "Priority: optional\n"
        f"Description: {meta.summary}\n{description}\n"
    )


def _wrap(text: str, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def stage(bundle: Path, root: Path, meta: AppMetadata, arch: str) -> DependencyReport:
    """Lay out the package tree under ``root`` (emptied first) and write ``DEBIAN/``."""
    if root.exists():
        shutil.rmtree(root)
    opt = root / install_dir(meta).lstrip("/")
    shutil.copytree(bundle, opt, symlinks=True)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / meta.executable).write_text(
        LAUNCHER.format(
            name=meta.name, install_dir=install_dir(meta), executable=meta.executable, package=meta.executable
        )
    )
    (bin_dir / meta.executable).chmod(0o755)
    share = root / "usr" / "share"
    desktop_entry.install(share, meta)
    doc = share / "doc" / meta.executable
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(
        COPYRIGHT.format(
            name=meta.name, install_dir=install_dir(meta), copyright=meta.copyright, license=meta.license
        )
    )
    _normalise_modes(root)
    deps = scan_bundle(opt)
    debian = root / "DEBIAN"
    debian.mkdir(mode=0o755)
    (debian / "md5sums").write_text(_md5sums(root))
    (debian / "control").write_text(control_text(meta, arch, _installed_size_kib(root), deps.depends))
    for name in ("md5sums", "control"):
        (debian / name).chmod(0o644)
    return deps


def build(
    bundle: Path, out_dir: Path, work_dir: Path, meta: AppMetadata, compression: str = "xz"
) -> DebPackage:
    """Stage and pack ``<executable>_<version>_<arch>.deb`` into ``out_dir``."""
    arch = host_architecture()
    root = work_dir / "debroot"
    deps = stage(bundle, root, meta, arch)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{meta.executable}_{meta.deb_version}_{arch}.deb"
    level = ["-z6"] if compression in ("xz", "gzip") else []
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", f"-Z{compression}", *level, "--build", str(root), str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return DebPackage(
        path=path,
        package=meta.executable,
        version=meta.deb_version,
        architecture=arch,
        installed_size_kib=_installed_size_kib(root),
        dependencies=deps,
    )
