"""Build the per-user Windows installer with NSIS (``makensis``) from the one-folder bundle.

``makensis`` runs on Linux too (Debian package ``nsis``), so the script is compiled and checked
here against a stand-in payload; the real payload is a PyInstaller build made on Windows.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from installer.icons import ICO_FILE
from installer.metadata import AppMetadata

NSI_SCRIPT = Path(__file__).resolve().parent / "tastydesk.nsi"


def installer_name(meta: AppMetadata) -> str:
    return f"{meta.name}-{meta.version}-setup.exe"


def _win(path: Path | str) -> str:
    return str(path).replace("/", "\\")


def uninstall_list(payload: Path) -> str:
    """NSIS ``Delete``/``RMDir`` lines for every file and folder of ``payload``, deepest first."""
    lines = []
    folders = []
    for dirpath, dirnames, filenames in os.walk(payload):
        rel = Path(dirpath).relative_to(payload)
        for name in sorted(filenames):
            lines.append(f'Delete "$INSTDIR\\{_win(rel / name)}"')
        if rel != Path("."):
            folders.append(rel)
        dirnames.sort()
    for folder in sorted(folders, key=lambda p: (-len(p.parts), str(p))):
        lines.append(f'RMDir "$INSTDIR\\{_win(folder)}"')
    return "\n".join(lines) + "\n"


def defines(
    meta: AppMetadata, payload: Path, out_file: Path, list_file: Path, exe_name: str
) -> dict[str, str]:
    """The ``-D`` definitions the script requires."""
    return {
        "APP_NAME": meta.name,
        "APP_ID": meta.app_id,
        "APP_VERSION": meta.version,
        "APP_VERSION4": ".".join(str(n) for n in meta.numeric_version),
        "PUBLISHER": meta.publisher,
        "COPYRIGHT": meta.copyright,
        "EXE_NAME": exe_name,
        "SOURCE_DIR": str(payload.resolve()),
        "OUT_FILE": str(out_file.resolve()),
        "ICON_FILE": str(ICO_FILE),
        "UNINSTALL_LIST": str(list_file.resolve()),
    }


def build(payload: Path, out_dir: Path, work_dir: Path, meta: AppMetadata, exe_name: str) -> Path:
    """Compile the installer for ``payload`` (a folder holding ``<exe_name>.exe``)."""
    makensis = shutil.which("makensis")
    if makensis is None:
        raise RuntimeError("makensis not found: install NSIS 3 (Windows: choco install nsis; Debian: nsis)")
    if not (payload / f"{exe_name}.exe").is_file():
        raise FileNotFoundError(f"{payload} has no {exe_name}.exe: is it a Windows one-folder build?")
    work_dir.mkdir(parents=True, exist_ok=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    list_file = work_dir / "uninstall_files.nsh"
    list_file.write_text(uninstall_list(payload), encoding="utf-8")
    out_file = out_dir / installer_name(meta)
    flag = "/" if os.name == "nt" else "-"
    args = [
        f"{flag}D{key}={value}"
        for key, value in defines(meta, payload, out_file, list_file, exe_name).items()
    ]
    proc = subprocess.run(
        [makensis, f"{flag}V2", f"{flag}WX", *args, str(NSI_SCRIPT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"makensis failed:\n{proc.stdout}\n{proc.stderr}")
    return out_file
