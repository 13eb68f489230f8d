"""The application's packaging metadata, in one place.

Name and version are read from ``desktop/__init__.py`` (parsed, not imported, so building
never executes application code); everything else comes from ``resources/app_metadata.toml``.
"""

from __future__ import annotations

import ast
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE_INIT = REPO_ROOT / "desktop" / "__init__.py"
METADATA_FILE = REPO_ROOT / "resources" / "app_metadata.toml"
ICONS_DIR = REPO_ROOT / "resources" / "icons"

_VERSION_RE = re.compile(r"^(\d+)\.(\d+)\.(\d+)(?:[.+-]?(?:a|b|rc|dev|post)?\d*)*$")


@dataclass(frozen=True)
class AppMetadata:
    """Everything an installer needs to describe the application."""

    name: str
    version: str
    app_id: str
    executable: str
    publisher: str
    summary: str
    description: str
    license: str
    copyright: str
    categories: tuple[str, ...]
    keywords: tuple[str, ...]
    generic_name: str
    deb_section: str
    macos_minimum_version: str

    @property
    def numeric_version(self) -> tuple[int, int, int, int]:
        """``major.minor.patch.0``: the four numbers Windows and macOS version fields accept."""
        match = _VERSION_RE.match(self.version)
        if not match:
            raise ValueError(f"version {self.version!r} does not start with MAJOR.MINOR.PATCH")
        major, minor, patch = (int(g) for g in match.groups())
        return major, minor, patch, 0

    @property
    def deb_version(self) -> str:
        """The version in Debian's syntax (a pre-release sorts before the release: ``1.0.0~rc1``)."""
        return re.sub(r"[.-]?(a|b|rc|dev)(\d*)", r"~\1\2", self.version)


def _package_constants(path: Path) -> dict[str, str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def load(package_init: Path = PACKAGE_INIT, metadata_file: Path = METADATA_FILE) -> AppMetadata:
    """Read the package's name and version and the packaging metadata file."""
    constants = _package_constants(package_init)
    missing = [k for k in ("APP_NAME", "__version__") if k not in constants]
    if missing:
        raise ValueError(f"{package_init} does not define {', '.join(missing)} as string constants")
    data = tomllib.loads(metadata_file.read_text(encoding="utf-8"))
    meta = AppMetadata(
        name=constants["APP_NAME"],
        version=constants["__version__"],
        app_id=data["app_id"],
        executable=data["executable"],
        publisher=data["publisher"],
        summary=data["summary"],
        description=" ".join(data["description"].split()),
        license=data["license"],
        copyright=data["copyright"],
        categories=tuple(data["categories"]),
        keywords=tuple(data["keywords"]),
        generic_name=data["generic_name"],
        deb_section=data["deb_section"],
        macos_minimum_version=data["macos_minimum_version"],
    )
    meta.numeric_version  # noqa: B018 - fail early on a version installers cannot express
    if not re.fullmatch(r"[a-z][a-z0-9-]*", meta.executable):
        raise ValueError(f"executable name {meta.executable!r} must be lower-case letters, digits, '-'")
    return meta
