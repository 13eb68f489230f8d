"""macOS packaging plan: signing and notarisation follow the environment, secrets never print."""

from __future__ import annotations

from pathlib import Path

from installer import metadata
from installer.macos import package

APP = Path("/b/TastyDesk.app")
STAGING = Path("/b/stage")
DMG = Path("/o/TastyDesk-0.1.0-macos-arm64.dmg")
NOTARY = {
    "MACOS_NOTARY_APPLE_ID": "dev@example.org",
    "MACOS_NOTARY_TEAM_ID": "TEAM123456",
    "MACOS_NOTARY_PASSWORD": "abcd-efgh-ijkl-mnop",
}


def _tools(env: dict[str, str]) -> list[str]:
    steps = package.plan(APP, STAGING, DMG, metadata.load(), env)
    return [" ".join(s.argv[:2]) for s in steps]


def test_without_configuration_only_the_unsigned_dmg_is_made() -> None:
    assert _tools({}) == ["hdiutil create"]
    assert _tools(NOTARY) == ["hdiutil create"]  # notarising needs a signed app


def test_signing_identity_signs_app_and_dmg_with_hardened_runtime() -> None:
    env = {"MACOS_SIGN_IDENTITY": "Developer ID Application: Jane (TEAM123456)"}
    steps = package.plan(APP, STAGING, DMG, metadata.load(), env)
    assert [" ".join(s.argv[:2]) for s in steps] == [
        "codesign --force",
        "codesign --verify",
        "hdiutil create",
        "codesign --force",
    ]
    sign_app = steps[0].argv
    assert "runtime" in sign_app and "--timestamp" in sign_app and sign_app[-1] == str(APP)
    assert str(package.ENTITLEMENTS) in sign_app and package.ENTITLEMENTS.is_file()
    assert steps[-1].argv[-1] == str(DMG)


def test_full_configuration_notarises_and_staples_without_printing_the_password() -> None:
    env = {"MACOS_SIGN_IDENTITY": "Developer ID Application: Jane (TEAM123456)", **NOTARY}
    steps = package.plan(APP, STAGING, DMG, metadata.load(), env)
    assert [" ".join(s.argv[:2]) for s in steps][-2:] == ["xcrun notarytool", "xcrun stapler"]
    notarise = steps[-2]
    assert NOTARY["MACOS_NOTARY_PASSWORD"] in notarise.argv
    assert NOTARY["MACOS_NOTARY_PASSWORD"] not in notarise.printable()
    assert "--wait" in notarise.argv and NOTARY["MACOS_NOTARY_APPLE_ID"] in notarise.printable()


def test_a_stored_notary_profile_replaces_the_password() -> None:
    env = {"MACOS_SIGN_IDENTITY": "X", "MACOS_NOTARY_PROFILE": "tastydesk-notary"}
    notarise = package.plan(APP, STAGING, DMG, metadata.load(), env)[-2]
    assert notarise.argv[-2:] == ("--keychain-profile", "tastydesk-notary")


def test_dmg_is_named_per_architecture() -> None:
    meta = metadata.load()
    assert package.dmg_name(meta, "x86_64") == f"TastyDesk-{meta.version}-macos-x86_64.dmg"
