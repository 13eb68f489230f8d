"""installer/build.py stops at once, before freezing anything, on a missing tool or an unknown target."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from installer import build


def _args(tmp_path: Path, *extra: str) -> list[str]:
    return ["--out", str(tmp_path / "out"), "--work", str(tmp_path / "work"), *extra]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux tools")
def test_missing_tools_are_named_before_any_freeze(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(SystemExit, match=r"objdump \(apt-get install binutils\)") as stopped:
        build.main(_args(tmp_path))
    assert "mksquashfs (apt-get install squashfs-tools)" in str(stopped.value)
    assert not (tmp_path / "work").exists()  # PyInstaller never ran


def test_only_the_chosen_targets_tools_are_required(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert [m.split()[0] for m in build.missing_tools({"deb"}, "linux")] == ["objdump", "dpkg-deb"]
    assert [m.split()[0] for m in build.missing_tools({"appdir"}, "linux")] == ["objdump", "mksquashfs"]
    assert [m.split()[0] for m in build.missing_tools(set(), "win32")] == ["makensis"]
    assert build.missing_tools(set(), "darwin") == []


def test_an_unknown_target_stops_before_any_freeze(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="unknown targets: rpm"):
        build.main(_args(tmp_path, "--targets", "deb,rpm"))
    assert not (tmp_path / "work").exists()
