"""What the PyInstaller build bundles: plugins pruned safely, Info.plist and Windows version info."""

from __future__ import annotations

import plistlib
import sys
from pathlib import Path

import pytest

from installer import freeze, metadata

QT = Path(__import__("PySide6").__file__).parent / "Qt"


def _entry(rel: str) -> tuple[str, str, str]:
    return (f"PySide6/Qt/{rel}", str(QT / rel), "BINARY")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux wheels' plugin layout")
def test_pruning_drops_embedded_platforms_and_only_their_libraries() -> None:
    binaries = [
        _entry("plugins/platforms/libqeglfs.so"),
        _entry("lib/libQt6EglFSDeviceIntegration.so.6"),
        _entry("plugins/platforms/libqxcb.so"),
        _entry("lib/libQt6XcbQpa.so.6"),
        _entry("lib/libQt6Gui.so.6"),
        _entry("lib/libQt6Core.so.6"),
    ]
    kept = {e[0] for e in freeze.prune_binaries(binaries, platform="linux")}
    assert kept == {
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6",  # needed by eglfs too, but also by what is kept
        "PySide6/Qt/lib/libQt6Core.so.6",
    }


def test_desktop_platforms_are_never_excluded() -> None:
    for plugin in ("libqxcb.so", "libqwayland.so", "libqoffscreen.so", "qwindows.dll", "libqcocoa.dylib"):
        assert not freeze._is_excluded_plugin(f"PySide6/Qt/plugins/platforms/{plugin}")
    assert freeze._is_excluded_plugin("PySide6\\Qt\\plugins\\platformthemes\\libqgtk3.so")


def test_pruning_on_other_platforms_only_filters_plugins() -> None:
    binaries = [
        ("PySide6/plugins/generic/qtuiotouchplugin.dll", "x", "BINARY"),
        ("python311.dll", "y", "BINARY"),
    ]
    assert freeze.prune_binaries(binaries, platform="win32") == [binaries[1]]


def test_symlinks_to_pruned_libraries_are_dropped() -> None:
    binaries = [("PySide6/Qt/lib/libQt6Gui.so.6", "/x", "BINARY")]
    datas = [
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6EglFsKmsSupport.so.6", "PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6", "SYMLINK"),
        ("resources/icons/tastydesk.svg", "/src/tastydesk.svg", "DATA"),
    ]
    kept = freeze.without_dangling_symlinks(datas, binaries)
    assert [e[0] for e in kept] == ["libQt6Gui.so.6", "resources/icons/tastydesk.svg"]


def test_macos_info_plist_describes_the_app() -> None:
    meta = metadata.load()
    plist = freeze.info_plist(meta)
    parsed = plistlib.loads(plistlib.dumps(plist))
    assert parsed["CFBundleIdentifier"] == meta.app_id
    assert parsed["CFBundleShortVersionString"] == ".".join(str(n) for n in meta.numeric_version[:3])
    assert parsed["CFBundleVersion"] == meta.version
    assert parsed["NSHighResolutionCapable"] is True
    assert parsed["LSMinimumSystemVersion"] == meta.macos_minimum_version
    assert parsed["CFBundleIconFile"] == "tastydesk.icns"


def test_windows_version_resource_parses_and_names_the_product() -> None:
    """The version file is PyInstaller's Python-literal syntax: evaluate it with recording stand-ins."""
    meta = metadata.load()
    text = freeze.windows_version_info(meta, "TastyDesk")

    def record(kind: str):
        return lambda *args, **kwargs: {"kind": kind, "args": args, "kwargs": kwargs}

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct")
    info = eval(text, {"__builtins__": {}, **{n: record(n) for n in (*names, "VarFileInfo", "VarStruct")}})
    fixed = info["kwargs"]["ffi"]["kwargs"]
    assert fixed["filevers"] == fixed["prodvers"] == meta.numeric_version
    table = info["kwargs"]["kids"][0]["args"][0][0]
    strings = dict(s["args"] for s in table["args"][1])
    assert strings["CompanyName"] == meta.publisher
    assert strings["ProductName"] == meta.name
    assert strings["FileVersion"] == meta.version
    assert strings["OriginalFilename"] == "TastyDesk.exe"


def test_frozen_app_reads_resources_where_the_source_tree_has_them() -> None:
    pytest.importorskip("PyInstaller", reason="data_files() asks PyInstaller's hooks")
    pairs = dict(freeze.data_files())
    assert pairs[str(freeze.RESOURCES_DIR)] == "resources"
    assert (freeze.RESOURCES_DIR / "icons" / "tastydesk.svg").is_file()


def test_each_platform_embeds_its_own_icon_container() -> None:
    assert freeze.icon_file("win32").suffix == ".ico" and freeze.icon_file("darwin").suffix == ".icns"
    assert freeze.icon_file("win32").is_file() and freeze.icon_file("darwin").is_file()
