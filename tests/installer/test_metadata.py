"""App metadata: one place, name and version taken from the package, versions installers accept."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import desktop
from installer import metadata
from installer.check_tag import tag_problem


def test_name_and_version_come_from_the_package() -> None:
    meta = metadata.load()
    assert meta.name == desktop.APP_NAME
    assert meta.version == desktop.__version__
    assert meta.executable == "tastydesk"
    assert meta.publisher and meta.summary and len(meta.description) > len(meta.summary)


def test_a_version_bump_in_the_package_reaches_every_installer(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text('"""x"""\n__version__ = "2.3.4rc1"\nAPP_NAME = "TastyDesk"\n')
    meta = metadata.load(package_init=init)
    assert meta.version == "2.3.4rc1"
    assert meta.numeric_version == (2, 3, 4, 0)
    assert meta.deb_version == "2.3.4~rc1"


@pytest.mark.skipif(shutil.which("dpkg") is None, reason="needs dpkg")
def test_debian_orders_a_release_candidate_before_its_release(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text('__version__ = "1.0.0rc2"\nAPP_NAME = "TastyDesk"\n')
    candidate = metadata.load(package_init=init).deb_version
    result = subprocess.run(["dpkg", "--compare-versions", candidate, "lt", "1.0.0"], check=False)
    assert result.returncode == 0, f"{candidate} should sort before 1.0.0"


def test_a_version_installers_cannot_express_fails_early(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text('__version__ = "next"\nAPP_NAME = "TastyDesk"\n')
    with pytest.raises(ValueError, match=r"MAJOR\.MINOR\.PATCH"):
        metadata.load(package_init=init)


def test_missing_constants_are_named(tmp_path: Path) -> None:
    init = tmp_path / "__init__.py"
    init.write_text('__version__ = "1.0.0"\n')
    with pytest.raises(ValueError, match="APP_NAME"):
        metadata.load(package_init=init)


def test_release_tag_must_match_the_version() -> None:
    assert tag_problem("v1.2.3", "1.2.3") is None
    assert "expected 'v1.2.3'" in (tag_problem("v1.2.4", "1.2.3") or "")
    assert tag_problem("1.2.3", "1.2.3") is not None
