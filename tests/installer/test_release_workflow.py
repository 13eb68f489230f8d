"""The release workflow: a tag builds all three platforms natively and one job publishes them."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOW = Path(__file__).resolve().parents[2] / ".github" / "workflows" / "release.yml"


def _workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as True
    return data


def _runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


def test_a_version_tag_triggers_the_release() -> None:
    assert _workflow()["on"]["push"]["tags"] == ["v*"]


def test_each_platform_builds_on_its_own_runner_with_build_py() -> None:
    jobs = _workflow()["jobs"]
    assert jobs["linux"]["runs-on"] == "ubuntu-22.04"
    assert jobs["windows"]["runs-on"] == "windows-latest"
    runners = {(m["runner"], m["arch"]) for m in jobs["macos"]["strategy"]["matrix"]["include"]}
    assert runners == {("macos-15", "arm64"), ("macos-15-intel", "x86_64")}
    for name in ("linux", "windows", "macos"):
        assert "python installer/build.py --smoke" in _runs(jobs[name]), name
        uploads = [s for s in jobs[name]["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
        assert uploads and uploads[0]["with"]["if-no-files-found"] == "error"


def test_installed_packages_are_exercised_on_the_runners() -> None:
    jobs = _workflow()["jobs"]
    linux = _runs(jobs["linux"])
    assert "apt-get install -y --no-install-recommends ./installer/out/*.deb" in linux
    assert "tastydesk --smoke-test" in linux and "dpkg --purge tastydesk" in linux
    assert "APPIMAGETOOL=" in linux
    windows = _runs(jobs["windows"])
    assert "'/S'" in windows and "--smoke-test" in windows and "Uninstall.exe" in windows


def test_release_job_waits_for_every_build_and_alone_may_write() -> None:
    data = _workflow()
    assert data["permissions"] == {"contents": "read"}
    release = data["jobs"]["release"]
    assert set(release["needs"]) == {"linux", "windows", "macos"}
    assert release["permissions"] == {"contents": "write"}
    assert release["if"] == "startsWith(github.ref, 'refs/tags/v')"
    assert "gh release create" in _runs(release)


def test_signing_secrets_are_optional() -> None:
    macos = _workflow()["jobs"]["macos"]
    imports = [s for s in macos["steps"] if s.get("name") == "Import the signing certificate"]
    assert imports and imports[0]["if"] == "env.MACOS_CERTIFICATE_P12 != ''"
    assert macos["env"]["MACOS_SIGN_IDENTITY"] == "${{ secrets.MACOS_SIGN_IDENTITY }}"
