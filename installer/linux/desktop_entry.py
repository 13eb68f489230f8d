"""The freedesktop.org desktop entry (``<app id>.desktop``), rendered from the app metadata."""

from __future__ import annotations

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
