"""What the PyInstaller one-folder build bundles, per platform (read by ``installer/tastydesk.spec``).

Kept out of the spec so it can be tested on any OS: the hidden imports PyInstaller's import
scan cannot see, the data files, the Windows version resource and the macOS Info.plist.
"""

from __future__ import annotations

import sys
from pathlib import Path

from installer.metadata import REPO_ROOT, AppMetadata

ENTRY_SCRIPT = REPO_ROOT / "installer" / "entry.py"
RESOURCES_DIR = REPO_ROOT / "resources"

#: Modules loaded by name at run time, invisible to PyInstaller's import scan.
#: ``desktop`` itself is collected whole (the app imports the simulator lazily for Demo mode).
RUNTIME_IMPORTED_PACKAGES = ("desktop", "websockets", "aiohttp", "keyring.backends")
#: Individual lazily imported modules.
RUNTIME_IMPORTED_MODULES = (
    "sqlite3",  # the embedded exchange's state store
    "zoneinfo",
    "PySide6.QtSvg",  # the SVG icon engine loads it for QIcon("*.svg")
    "PySide6.QtOpenGLWidgets",  # pyqtgraph's optional OpenGL path
)
#: Never bundled: other Qt bindings (pyqtgraph probes for them) and tools we do not ship.
EXCLUDED_MODULES = (
    "PyQt5",
    "PyQt6",
    "PySide2",
    "tkinter",
    "matplotlib",
    "scipy",
    "IPython",
    "pytest",
    "pytestqt",
    "pyqtgraph.examples",
    "pyqtgraph.opengl",  # needs PyOpenGL, which we do not depend on
    "pyqtgraph.jupyter",
)


#: Qt plugins a desktop session never loads (embedded-device platforms, evdev input) and the GTK
#: platform theme, which would bundle the build host's GTK 3 stack; Qt then uses the
#: xdg-desktop-portal theme or its own. Matched against the bundle path with ``/`` separators.
EXCLUDED_QT_PLUGINS = (
    "plugins/platforms/libqeglfs",
    "plugins/platforms/libqlinuxfb",
    "plugins/platforms/libqminimalegl",
    "plugins/platforms/libqvkkhrdisplay",
    "plugins/platforms/libqvnc",
    "plugins/egldeviceintegrations/",
    "plugins/generic/",
    "plugins/platformthemes/libqgtk3",
)

TocEntry = tuple[str, str, str]  # PyInstaller's (destination, source, type code)


def frozen_name(meta: AppMetadata, platform: str = sys.platform) -> str:
    """Name of the executable and of the one-folder directory (``TastyDesk`` on Windows and macOS)."""
    return meta.executable if platform.startswith("linux") else meta.name


def hidden_imports() -> list[str]:
    """Every module the frozen app may import by name at run time."""
    from PyInstaller.utils.hooks import collect_submodules

    found: list[str] = list(RUNTIME_IMPORTED_MODULES)
    for package in RUNTIME_IMPORTED_PACKAGES:
        found += collect_submodules(package, on_error="warn once")
    return sorted(set(found))


def _is_excluded_plugin(dest: str) -> bool:
    dest = dest.replace("\\", "/")
    return any(pattern in dest for pattern in EXCLUDED_QT_PLUGINS)


def prune_binaries(binaries: list[TocEntry], platform: str = sys.platform) -> list[TocEntry]:
    """Drop the excluded Qt plugins and the shared libraries only they needed (Linux).

    A library is dropped only if the excluded plugins reach it through ``NEEDED`` and nothing
    kept does, so a library the app loads with ``dlopen`` is never lost.
    """
    kept = [entry for entry in binaries if not _is_excluded_plugin(entry[0])]
    if not platform.startswith("linux"):
        return kept
    from installer.linux.elf import closure, is_elf, read_needs

    by_soname: dict[str, list[TocEntry]] = {}
    needs: dict[str, tuple[str, ...]] = {}
    for entry in binaries:
        source = Path(entry[1]).resolve()
        key = entry[0]
        by_soname.setdefault(Path(key).name, []).append(entry)
        if is_elf(source):
            needs[key] = tuple(read_needs(source).needed)
    # a name-level graph: an entry needs every entry whose file name is one of its sonames
    graph = {key: tuple(e[0] for n in names for e in by_soname.get(n, ())) for key, names in needs.items()}
    excluded = [entry[0] for entry in binaries if _is_excluded_plugin(entry[0])]
    only_for_excluded = closure(excluded, graph)
    roots = [entry[0] for entry in kept if entry[0] not in only_for_excluded]
    still_needed = closure(roots, graph)
    drop = only_for_excluded - still_needed
    return [entry for entry in kept if entry[0] not in drop]


def without_dangling_symlinks(toc: list[TocEntry], binaries: list[TocEntry]) -> list[TocEntry]:
    """Drop ``SYMLINK`` entries (PyInstaller's top-level aliases of Qt libraries) whose target is gone."""
    present = {entry[0].replace("\\", "/") for entry in binaries}

    def target(entry: TocEntry) -> str:
        return (Path(entry[0]).parent / entry[1]).as_posix().removeprefix("./")

    return [entry for entry in toc if entry[2] != "SYMLINK" or target(entry) in present]


def data_files() -> list[tuple[str, str]]:
    """``(source, destination folder)`` pairs: ``resources/`` beside ``desktop/`` as in the source tree.

    The app finds its resources as ``Path(desktop.__file__).parents[1] / "resources"`` both
    from a checkout and frozen (PyInstaller puts ``desktop`` under the bundle's root).
    """
    from PyInstaller.utils.hooks import collect_data_files, copy_metadata

    pairs = [(str(RESOURCES_DIR), "resources")]
    pairs += collect_data_files("desktop")  # package data: *.svg, *.png, *.qss, *.json
    pairs += copy_metadata("keyring")  # backends are found through entry points
    return pairs


def icon_file(platform: str = sys.platform) -> Path:
    """The icon container the platform's executable or bundle embeds."""
    icons = RESOURCES_DIR / "icons"
    if platform == "win32":
        return icons / "tastydesk.ico"
    if platform == "darwin":
        return icons / "tastydesk.icns"
    return icons / "png" / "tastydesk-256.png"


def info_plist(meta: AppMetadata) -> dict[str, object]:
    """Keys merged into the macOS bundle's ``Info.plist``."""
    return {
        "CFBundleName": meta.name,
        "CFBundleDisplayName": meta.name,
        "CFBundleIdentifier": meta.app_id,
        "CFBundleShortVersionString": ".".join(str(n) for n in meta.numeric_version[:3]),
        "CFBundleVersion": meta.version,
        "CFBundlePackageType": "APPL",
        "CFBundleIconFile": "tastydesk.icns",
        "LSMinimumSystemVersion": meta.macos_minimum_version,
        "LSApplicationCategoryType": "public.app-category.finance",
        "NSHumanReadableCopyright": meta.copyright,
        "NSHighResolutionCapable": True,
        "NSRequiresAquaSystemAppearance": False,  # follow the system's dark mode
        "NSPrincipalClass": "NSApplication",
    }


def windows_version_info(meta: AppMetadata, exe_name: str) -> str:
    """The Windows version resource of the executable, in PyInstaller's version-file syntax."""
    numbers = meta.numeric_version
    strings = {
        "CompanyName": meta.publisher,
        "FileDescription": meta.name,
        "FileVersion": meta.version,
        "InternalName": meta.executable,
        "LegalCopyright": meta.copyright,
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": meta.name,
        "ProductVersion": meta.version,
        "Comments": meta.summary,
    }
    string_structs = ",\n".join(f"            StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""# Generated by installer/freeze.py from resources/app_metadata.toml: do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3F,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0),
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '040904B0',
        [
{string_structs},
        ],
      )
    ]),
    VarFileInfo([VarStruct('Translation', [0x0409, 1200])]),
  ],
)
"""


def bundle_dir(dist: Path, meta: AppMetadata, platform: str = sys.platform) -> Path:
    """Where PyInstaller leaves the finished one-folder app (the ``.app`` on macOS)."""
    if platform == "darwin":
        return dist / f"{meta.name}.app"
    return dist / frozen_name(meta, platform)


def relative_to_repo(path: Path) -> str:
    """A path for log lines, relative to the checkout when inside it."""
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
