"""The Windows installer script compiles with makensis and uninstalls exactly what it installed.

The real payload is a PyInstaller build made on Windows (release workflow); here a stand-in
folder with the same shape proves the script, its definitions and the uninstall list.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from installer import metadata
from installer.windows import nsis

needs_makensis = pytest.mark.skipif(shutil.which("makensis") is None, reason="needs makensis (apt nsis)")


def _payload(root: Path) -> Path:
    payload = root / "TastyDesk"
    (payload / "_internal" / "PySide6" / "plugins").mkdir(parents=True)
    (payload / "TastyDesk.exe").write_bytes(b"MZ stand-in")
    (payload / "_internal" / "python311.dll").write_bytes(b"dll")
    (payload / "_internal" / "PySide6" / "plugins" / "q windows.dll").write_bytes(b"dll")
    return payload


def test_uninstall_list_removes_every_file_then_folders_deepest_first(tmp_path: Path) -> None:
    lines = nsis.uninstall_list(_payload(tmp_path)).splitlines()
    assert 'Delete "$INSTDIR\\TastyDesk.exe"' in lines
    assert 'Delete "$INSTDIR\\_internal\\PySide6\\plugins\\q windows.dll"' in lines
    rmdirs = [line for line in lines if line.startswith("RMDir")]
    assert rmdirs == [
        'RMDir "$INSTDIR\\_internal\\PySide6\\plugins"',
        'RMDir "$INSTDIR\\_internal\\PySide6"',
        'RMDir "$INSTDIR\\_internal"',
    ]
    assert not any("/r" in line for line in lines)  # never a recursive delete of the user's folder


@needs_makensis
def test_script_compiles_to_a_windows_installer(tmp_path: Path) -> None:
    meta = metadata.load()
    setup = nsis.build(_payload(tmp_path), tmp_path / "out", tmp_path / "work", meta, "TastyDesk")
    data = setup.read_bytes()
    assert setup.name == f"TastyDesk-{meta.version}-setup.exe"
    assert data[:2] == b"MZ" and b"Nullsoft" in data
    # the version resource is stored as UTF-16 strings
    assert meta.publisher.encode("utf-16-le") in data
    assert f"{meta.name} {meta.version} installer".encode("utf-16-le") in data


@needs_makensis
def test_script_refuses_to_build_without_its_definitions(tmp_path: Path) -> None:
    result = subprocess.run(
        ["makensis", "-V2", "-DAPP_NAME=X", f"-XOutFile {tmp_path / 'x.exe'}", str(nsis.NSI_SCRIPT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "installer/windows/nsis.py" in result.stdout + result.stderr


def test_a_payload_without_the_app_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    if shutil.which("makensis") is None:
        pytest.skip("needs makensis")
    with pytest.raises(FileNotFoundError, match=r"TastyDesk\.exe"):
        nsis.build(tmp_path / "empty", tmp_path / "out", tmp_path / "work", metadata.load(), "TastyDesk")
