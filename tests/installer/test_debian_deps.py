"""Debian dependencies are read from the bundle's ELF files, and an unknown library stops the build."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from installer.linux import debian_deps, elf

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF"),
    pytest.mark.skipif(shutil.which("objdump") is None, reason="needs objdump (apt binutils)"),
]

XCB_PLUGIN = Path(__import__("PySide6").__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def _bundle_with_xcb_plugin(root: Path, ship_qt: bool) -> Path:
    bundle = root / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    shutil.copy(XCB_PLUGIN, bundle / "_internal" / "libqxcb.so")
    if ship_qt:  # the Qt libraries the plugin links are part of the bundle, as in a real build
        for soname in elf.read_needs(XCB_PLUGIN).needed:
            if soname.startswith(("libQt6", "libicu")):
                (bundle / "_internal" / soname).write_bytes(b"")
    return bundle


def test_xcb_plugin_needs_map_to_debian_packages(tmp_path: Path) -> None:
    report = debian_deps.scan_bundle(_bundle_with_xcb_plugin(tmp_path, ship_qt=True))
    names = {d.split()[0] for d in report.depends}
    assert {"libxcb1", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0"} <= names
    assert set(debian_deps.BASE_DEPENDS) <= names
    assert report.needed_by["libxcb-icccm.so.4"] == ["_internal/libqxcb.so"]
    libc = [d for d in report.depends if d.startswith("libc6")]
    assert libc == [f"libc6 (>= {'.'.join(map(str, report.glibc))})"] and report.glibc >= (2, 2)


def test_a_library_nobody_can_provide_stops_the_build(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"libQt6XcbQpa\.so\.6 \(needed by _internal/libqxcb\.so\)"):
        debian_deps.scan_bundle(_bundle_with_xcb_plugin(tmp_path, ship_qt=False))


def test_needs_are_read_from_elf_files_only(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("NEEDED libfake.so.1")
    (tmp_path / "link.so").symlink_to(XCB_PLUGIN)
    assert list(elf.elf_files(tmp_path)) == []
    assert elf.closure(["a"], {"a": ("b",), "b": ("c", "a"), "d": ("e",)}) == {"a", "b", "c"}
