"""The Debian packages a one-folder bundle needs: the system libraries it links but does not ship.

Every ELF file in the bundle is scanned (``installer.linux.elf``); each ``NEEDED`` soname the
bundle does not contain must come from the system. Sonames are mapped to packages by a table
of the libraries Qt and Python link (stable names across Debian 12+ and Ubuntu 22.04+; the
``t64`` renames keep providing the old names), and otherwise by asking ``dpkg -S`` which
installed package owns the library on the build host. An unmappable soname stops the build:
a package that installs but cannot start is worse than no package.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from installer.linux.elf import elf_files, read_needs

#: Always depended on, whatever the scan finds: Qt loads GL/EGL and the X11 keyboard and font
#: stack at run time (dlopen or through the platform plugin), the bundled fontconfig reads the
#: system's font configuration, and ``zoneinfo`` reads the system's time zones (market hours,
#: local times on charts); minimal systems ship without ``tzdata``.
BASE_DEPENDS = ("libgl1", "libegl1", "libxcb1", "libfontconfig1", "libxkbcommon0", "tzdata")

#: soname -> Debian package, for libraries a PySide6 + Python bundle links.
SONAME_PACKAGES: dict[str, str] = {
    "ld-linux-x86-64.so.2": "libc6",
    "ld-linux-aarch64.so.1": "libc6",
    "libc.so.6": "libc6",
    "libm.so.6": "libc6",
    "libdl.so.2": "libc6",
    "libpthread.so.0": "libc6",
    "librt.so.1": "libc6",
    "libresolv.so.2": "libc6",
    "libutil.so.1": "libc6",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libGLX.so.0": "libglx0",
    "libdrm.so.2": "libdrm2",
    "libgbm.so.1": "libgbm1",
    "libvulkan.so.1": "libvulkan1",
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libgio-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgmodule-2.0.so.0": "libglib2.0-0",
    "libz.so.1": "zlib1g",
    "libstdc++.so.6": "libstdc++6",
    "libgcc_s.so.1": "libgcc-s1",
}
_GLIBC_PACKAGE = "libc6"


@dataclass
class DependencyReport:
    """What the bundle needs from the system, and why."""

    depends: list[str]  # Debian ``Depends`` entries, e.g. ``libc6 (>= 2.34)``
    needed_by: dict[str, list[str]] = field(default_factory=dict)  # soname -> bundle files needing it
    glibc: tuple[int, ...] = ()


def _host_library_path(soname: str) -> Path | None:
    proc = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False)
    for line in proc.stdout.splitlines():
        name, _, rest = line.strip().partition(" ")
        if name == soname and "=>" in rest:
            return Path(rest.split("=>", 1)[1].strip())
    return None


def _owning_package(soname: str) -> str | None:
    """The installed Debian package that owns ``soname`` on this machine, if any."""
    if shutil.which("dpkg") is None:
        return None
    path = _host_library_path(soname)
    if path is None:
        return None
    for candidate in (path, path.resolve()):
        proc = subprocess.run(["dpkg", "-S", str(candidate)], capture_output=True, text=True, check=False)
        if proc.returncode == 0 and ":" in proc.stdout:
            return proc.stdout.split(":", 1)[0].strip()
    return None


def package_for(soname: str) -> str | None:
    """The Debian package providing ``soname``: the table first, then the build host's dpkg."""
    return SONAME_PACKAGES.get(soname) or _owning_package(soname)


def scan_bundle(bundle: Path, base: Iterable[str] = BASE_DEPENDS) -> DependencyReport:
    """Map every system library ``bundle`` needs to a package; raise if one cannot be mapped."""
    shipped = {p.name for p in bundle.rglob("*")}
    needed_by: dict[str, list[str]] = {}
    glibc: tuple[int, ...] = ()
    for path in elf_files(bundle):
        needs = read_needs(path)
        glibc = max(glibc, needs.glibc)
        for soname in needs.needed:
            if soname not in shipped:
                needed_by.setdefault(soname, []).append(str(path.relative_to(bundle)))
    packages = set(base)
    unknown = []
    for soname in sorted(needed_by):
        package = package_for(soname)
        if package is None:
            unknown.append(f"{soname} (needed by {needed_by[soname][0]})")
        else:
            packages.add(package)
    if unknown:
        raise RuntimeError(
            "no Debian package known for these system libraries: "
            + "; ".join(unknown)
            + ". Install them on the build host or add them to SONAME_PACKAGES in "
            "installer/linux/debian_deps.py."
        )
    packages.add(_GLIBC_PACKAGE)
    depends = []
    for package in sorted(packages):
        if package == _GLIBC_PACKAGE and glibc:
            depends.append(f"{package} (>= {'.'.join(str(n) for n in glibc)})")
        else:
            depends.append(package)
    return DependencyReport(depends=depends, needed_by=needed_by, glibc=glibc)
