"""The freedesktop.org desktop entry (``tastydesk.desktop``), rendered from the app metadata."""

from __future__ import annotations

from installer.metadata import AppMetadata


def _escape(value: str) -> str:
    """Escape a ``localestring`` value (spec: backslash, newline, tab, carriage return)."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def file_name(meta: AppMetadata) -> str:
    """The desktop file's name; it matches the icon name and the executable."""
    return f"{meta.executable}.desktop"


def render(meta: AppMetadata, exec_command: str | None = None) -> str:
    """The desktop entry text; ``exec_command`` defaults to the command on ``PATH``.

    Shells match the running window to this entry by its file name: the app should call
    ``QGuiApplication.setDesktopFileName("<executable>")`` (the Wayland app id).
    """
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
