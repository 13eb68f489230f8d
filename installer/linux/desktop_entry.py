"""The freedesktop.org desktop entry (``<app id>.desktop``), rendered from the app metadata, and the
themed icons it names, installed the same way by the .deb and the AppDir."""

from __future__ import annotations

import shutil
from pathlib import Path

from installer.icons import HICOLOR_SIZES, SVG_SOURCE, png_path
from installer.metadata import AppMetadata


def _escape(value: str) -> str:
    """Escape a ``localestring`` value (spec: backslash, newline, tab, carriage return)."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def file_name(meta: AppMetadata) -> str:
    """The desktop file's name: the reverse-DNS app id, which the app also declares with
    ``QGuiApplication.setDesktopFileName`` (Wayland app id), so shells match its windows to it."""
    return f"{meta.app_id}.desktop"


def render(meta: AppMetadata, exec_command: str | None = None) -> str:
    """The desktop entry text; ``exec_command`` defaults to the command on ``PATH``."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        f"Name={_escape(meta.name)}",
        f"GenericName={_escape(meta.generic_name)}",
        f"Comment={_escape(meta.summary)}",
        f"Exec={exec_command or meta.executable}",
        f"TryExec={exec_command or meta.executable}",
        f"Icon={meta.executable}",
        "Terminal=false",
        f"Categories={';'.join(meta.categories)};",
        f"Keywords={';'.join(meta.keywords)};",
        "StartupNotify=true",
    ]
    return "\n".join(lines) + "\n"


def install(share: Path, meta: AppMetadata) -> None:
    """Write the entry into ``share/applications`` and the icons into ``share/icons/hicolor``."""
    apps = share / "applications"
    apps.mkdir(parents=True, exist_ok=True)
    (apps / file_name(meta)).write_text(render(meta))
    hicolor = share / "icons" / "hicolor"
    for size in HICOLOR_SIZES:
        target = hicolor / f"{size}x{size}" / "apps"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png_path(size), target / f"{meta.executable}.png")
    scalable = hicolor / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SVG_SOURCE, scalable / f"{meta.executable}.svg")
