"""Sign the ``.app``, pack it in a ``.dmg``, notarise and staple it: each step only when configured.

Signing and notarisation are driven by environment variables and skipped when they are absent
(an unsigned ``.dmg`` still builds; Gatekeeper then asks the user to confirm the first start):

============================  =================================================================
``MACOS_SIGN_IDENTITY``       codesign identity, e.g. ``Developer ID Application: Name (TEAMID)``;
                              it must be in a keychain the build can use (the release workflow
                              imports ``MACOS_CERTIFICATE_P12``/``MACOS_CERTIFICATE_PASSWORD``)
``MACOS_NOTARY_APPLE_ID``     Apple ID used with ``xcrun notarytool``
``MACOS_NOTARY_TEAM_ID``      its developer team id
``MACOS_NOTARY_PASSWORD``     an app-specific password of that Apple ID
``MACOS_NOTARY_PROFILE``      instead of the three above: a ``notarytool store-credentials`` profile
============================  =================================================================

Notarisation needs a signed app, so it runs only when signing does. Nothing here runs on Linux;
``plan`` (the list of commands) is what the tests check.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from installer.metadata import AppMetadata

ENTITLEMENTS = Path(__file__).resolve().parent / "entitlements.plist"


@dataclass(frozen=True)
class Step:
    """One command of the packaging plan."""

    what: str
    argv: tuple[str, ...]
    secret_args: tuple[int, ...] = ()  # argv indexes never printed (passwords)

    def printable(self) -> str:
        return " ".join("***" if i in self.secret_args else a for i, a in enumerate(self.argv))


def dmg_name(meta: AppMetadata, arch: str) -> str:
    return f"{meta.name}-{meta.version}-macos-{arch}.dmg"


def _notary_auth(env: Mapping[str, str]) -> tuple[list[str], tuple[int, ...]] | None:
    """notarytool credential arguments (and which are secret), or None when not configured."""
    if env.get("MACOS_NOTARY_PROFILE"):
        return ["--keychain-profile", env["MACOS_NOTARY_PROFILE"]], ()
    keys = ("MACOS_NOTARY_APPLE_ID", "MACOS_NOTARY_TEAM_ID", "MACOS_NOTARY_PASSWORD")
    if all(env.get(k) for k in keys):
        apple_id, team, password = (env[k] for k in keys)
        return ["--apple-id", apple_id, "--team-id", team, "--password", password], (5,)
    return None


def plan(app: Path, staging: Path, dmg: Path, meta: AppMetadata, env: Mapping[str, str]) -> list[Step]:
    """The commands that turn ``app`` into ``dmg``, given the signing configuration in ``env``."""
    identity = env.get("MACOS_SIGN_IDENTITY", "")
    steps: list[Step] = []
    if identity:
        steps.append(
            Step(
                "sign the app (hardened runtime, secure timestamp)",
                (
                    "codesign",
                    "--force",
                    "--deep",
                    "--options",
                    "runtime",
                    "--timestamp",
                    "--entitlements",
                    str(ENTITLEMENTS),
                    "--sign",
                    identity,
                    str(app),
                ),
            )
        )
        steps.append(
            Step("verify the signature", ("codesign", "--verify", "--deep", "--strict", "-v", str(app)))
        )
    steps.append(
        Step(
            "pack the disk image",
            (
                "hdiutil",
                "create",
                "-volname",
                meta.name,
                "-srcfolder",
                str(staging),
                "-ov",
                "-fs",
                "HFS+",
                "-format",
                "UDZO",
                str(dmg),
            ),
        )
    )
    if identity:
        steps.append(
            Step("sign the disk image", ("codesign", "--force", "--timestamp", "--sign", identity, str(dmg)))
        )
        auth = _notary_auth(env)
        if auth is not None:
            args, secret = auth
            base = ("xcrun", "notarytool", "submit", str(dmg), "--wait")
            steps.append(
                Step("notarise (waits for Apple)", (*base, *args), tuple(len(base) + i for i in secret))
            )
            steps.append(Step("staple the notarisation ticket", ("xcrun", "stapler", "staple", str(dmg))))
    return steps


def build_dmg(
    app: Path, out_dir: Path, meta: AppMetadata, arch: str, env: Mapping[str, str] | None = None
) -> Path:
    """Run the plan on macOS: ``<Name>-<version>-macos-<arch>.dmg`` in ``out_dir``."""
    env = os.environ if env is None else env
    if not app.is_dir():
        raise FileNotFoundError(f"{app} is not an .app bundle")
    out_dir.mkdir(parents=True, exist_ok=True)
    dmg = out_dir / dmg_name(meta, arch)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / meta.name
        staging.mkdir()
        shutil.copytree(app, staging / app.name, symlinks=True)
        (staging / "Applications").symlink_to("/Applications")
        signed_app = staging / app.name
        for step in plan(signed_app, staging, dmg, meta, env):
            print(f"[macos] {step.what}: {step.printable()}", flush=True)
            proc = subprocess.run(step.argv, check=False)
            if proc.returncode != 0:
                raise RuntimeError(f"{step.what} failed (exit {proc.returncode})")
    if not env.get("MACOS_SIGN_IDENTITY"):
        print("[macos] MACOS_SIGN_IDENTITY not set: the app and the .dmg are unsigned, not notarised")
    elif _notary_auth(env) is None:
        print("[macos] notarisation credentials not set: signed but not notarised")
    return dmg
