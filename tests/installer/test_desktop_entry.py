"""The Linux desktop entry: valid per desktop-file-validate, and consistent with the metadata."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from installer import metadata
from installer.linux import desktop_entry


def _parse(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(text)
    return dict(parser["Desktop Entry"])


def test_entry_launches_the_installed_command_with_the_themed_icon() -> None:
    meta = metadata.load()
    entry = _parse(desktop_entry.render(meta))
    assert entry["Type"] == "Application"
    assert entry["Name"] == meta.name
    assert entry["Exec"] == "tastydesk"
    assert entry["Icon"] == "tastydesk"  # /usr/share/icons/hicolor/<size>/apps/tastydesk.png
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Office;Finance;"
    assert desktop_entry.file_name(meta) == "io.github.tastydesk.TastyDesk.desktop"


def test_entry_file_is_named_as_the_app_declares_itself_to_the_desktop() -> None:
    """The app calls setDesktopFileName(<id>); window-to-entry matching needs the same name."""
    app_source = (Path(__file__).resolve().parents[2] / "desktop" / "app.py").read_text(encoding="utf-8")
    name = desktop_entry.file_name(metadata.load()).removesuffix(".desktop")
    assert f'setDesktopFileName("{name}")' in app_source


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="needs desktop-file-utils")
def test_entry_passes_desktop_file_validate(tmp_path: Path) -> None:
    meta = metadata.load()
    path = tmp_path / desktop_entry.file_name(meta)
    path.write_text(desktop_entry.render(meta, exec_command="/opt/tastydesk/tastydesk"))
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="needs desktop-file-utils")
def test_validator_catches_a_broken_entry(tmp_path: Path) -> None:
    """The check above can fail: a missing Name is rejected."""
    path = tmp_path / "broken.desktop"
    text = desktop_entry.render(metadata.load())
    path.write_text("\n".join(line for line in text.splitlines() if not line.startswith("Name=")) + "\n")
    result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True, check=False)
    assert result.returncode != 0


def test_special_characters_are_escaped() -> None:
    assert desktop_entry._escape("a\\b\nc") == "a\\\\b\\nc"
