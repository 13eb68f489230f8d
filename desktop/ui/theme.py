"""Light and dark themes: a palette, tone colours and a small style sheet per theme.

Themes live in ``resources/themes/<name>.json`` (palette roles, tone colours for P/L, status
and environment colours) plus ``base.qss`` with ``@group.name@`` placeholders. The default mode
follows the OS colour scheme and switches live when the OS does.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from desktop.ui.table import set_tone_colors

log = logging.getLogger(__name__)

MODES = ("system", "light", "dark")
_STYLE_SET = False
_SETTING = "view/theme"
_PLACEHOLDER = re.compile(r"@([a-z]+)\.([A-Za-z_-]+)@")

# Used only when the theme files cannot be found (a broken install): still readable.
_FALLBACK: dict[str, Any] = {
    "palette": {},
    "tones": {"positive": "#1b8a3a", "negative": "#c62828", "muted": "#808080", "warning": "#b26a00"},
    "accent": {
        "border": "#888888",
        "header": "#dddddd",
        "ok": "#1f9d4c",
        "busy": "#c98a00",
        "down": "#d0342c",
    },
    "environments": {"demo": "#2e7d5b", "sandbox": "#b86e00", "production": "#c62828"},
}


def resources_dir() -> Path:
    """The ``resources`` folder: ``$TASTYDESK_RESOURCES``, a frozen bundle's, or the source tree's."""
    env = os.environ.get("TASTYDESK_RESOURCES")
    if env:
        return Path(env)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / "resources").is_dir():
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Colour ``widget`` by the style sheet's ``tone`` role (``positive``, ``negative``, ``muted``,
    ``warning``; ``None`` = plain). A property change needs a re-polish to show: done here, once."""
    value = tone or ""
    if widget.property("tone") == value:
        return
    widget.setProperty("tone", value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def os_prefers_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


class ThemeManager(QObject):
    """Applies the chosen theme to the application; ``changed`` fires after every switch."""

    changed = Signal()

    def __init__(self, settings: QSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._settings = settings
        mode = str(settings.value(_SETTING, "system"))
        self._mode = mode if mode in MODES else "system"
        self._theme: dict[str, Any] = _FALLBACK
        self._name = "light"
        hints = QGuiApplication.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(self._os_scheme_changed)

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def name(self) -> str:
        """The theme in effect: ``"light"`` or ``"dark"``."""
        return self._name

    @property
    def is_dark(self) -> bool:
        return self._name == "dark"

    def color(self, ref: str) -> QColor:
        """A theme colour by reference, e.g. ``"tones.positive"`` or ``"environments.demo"``."""
        group, _, name = ref.partition(".")
        value = self._theme.get(group, {}).get(name) or _FALLBACK.get(group, {}).get(name) or "#808080"
        return QColor(value)

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown theme mode {mode!r}; expected one of {', '.join(MODES)}")
        self._mode = mode
        self._settings.setValue(_SETTING, mode)
        self.apply()

    def _os_scheme_changed(self, *_: object) -> None:
        if self._mode == "system":
            self.apply()

    def apply(self) -> None:
        """Install palette, style sheet and tone colours for the current mode."""
        name = self._mode if self._mode != "system" else ("dark" if os_prefers_dark() else "light")
        self._name = name
        self._theme = self._load(name)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            global _STYLE_SET
            if not _STYLE_SET:  # once per process: re-styling re-polishes every live widget
                _STYLE_SET = True
                app.setStyle("Fusion")  # the same look everywhere, and palettes are honoured
            app.setPalette(self._palette())
            app.setStyleSheet(self._style_sheet())
        set_tone_colors(self._theme.get("tones", {}))
        log.debug("theme %s applied (mode %s)", name, self._mode)
        self.changed.emit()

    def _load(self, name: str) -> dict[str, Any]:
        path = resources_dir() / "themes" / f"{name}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("theme file %s could not be read (%s); using built-in colours", path, exc)
            return _FALLBACK

    def _palette(self) -> QPalette:
        pal = QPalette()
        for role_name, value in self._theme.get("palette", {}).items():
            group = QPalette.ColorGroup.All
            if role_name.startswith("disabled."):
                group, role_name = QPalette.ColorGroup.Disabled, role_name.split(".", 1)[1]
            role = getattr(QPalette.ColorRole, role_name, None)
            if role is not None:
                pal.setColor(group, role, QColor(value))
        return pal

    def _style_sheet(self) -> str:
        path = resources_dir() / "themes" / "base.qss"
        try:
            qss = path.read_text(encoding="utf-8")
        except OSError:
            return ""

        def fill(m: re.Match[str]) -> str:
            return self.color(f"{m.group(1)}.{m.group(2)}").name()

        return _PLACEHOLDER.sub(fill, qss)
