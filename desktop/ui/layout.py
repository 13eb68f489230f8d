"""Window layout persistence: geometry, dock arrangement and every table's columns and sort.

Everything is keyed by stable object names and :data:`LAYOUT_VERSION` (never by titles), so a
translation or an upgrade that keeps the version keeps the user's layout. Bump the version when
the dock set changes incompatibly; older saved layouts are then ignored, not misapplied.
"""

from __future__ import annotations

import json
import logging

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from desktop.ui.table_view import SpecTableView

log = logging.getLogger(__name__)

LAYOUT_VERSION = 1


class LayoutStore:
    """Saves and restores one main window's layout in ``QSettings``; remembers the defaults."""

    def __init__(self, settings: QSettings, window: QMainWindow) -> None:
        self._settings = settings
        self._window = window
        self._default_state = window.saveState(LAYOUT_VERSION)
        self._default_tables = {t.objectName(): t.save_state() for t in self._tables()}

    def _key(self, name: str) -> str:
        return f"layout/v{LAYOUT_VERSION}/{name}"

    def _tables(self) -> list[SpecTableView]:
        return [t for t in self._window.findChildren(SpecTableView) if t.objectName()]

    def save(self) -> None:
        s = self._settings
        s.setValue(self._key("geometry"), self._window.saveGeometry())
        s.setValue(self._key("state"), self._window.saveState(LAYOUT_VERSION))
        for t in self._tables():
            s.setValue(self._key(f"tables/{t.objectName()}"), json.dumps(t.save_state()))
        s.sync()

    def restore(self) -> bool:
        """Apply the saved layout; ``False`` when there is none for this version."""
        s = self._settings
        geometry = s.value(self._key("geometry"))
        state = s.value(self._key("state"))
        restored = False
        if isinstance(geometry, QByteArray | bytes) and geometry:
            restored = self._window.restoreGeometry(QByteArray(geometry)) or restored
        if isinstance(state, QByteArray | bytes) and state:
            ok = self._window.restoreState(QByteArray(state), LAYOUT_VERSION)
            if not ok:
                log.info("the saved window layout does not fit this version; using the default")
            restored = ok or restored
        for t in self._tables():
            raw = s.value(self._key(f"tables/{t.objectName()}"))
            if not raw:
                continue
            try:
                t.restore_state(json.loads(str(raw)))
                restored = True
            except (ValueError, TypeError, KeyError) as exc:
                log.warning("ignoring the saved columns of %s: %s", t.objectName(), exc)
        return restored

    def reset(self) -> None:
        """Back to the built-in arrangement, and forget the saved one."""
        s = self._settings
        s.remove(f"layout/v{LAYOUT_VERSION}")
        self._window.restoreState(self._default_state, LAYOUT_VERSION)
        for t in self._tables():
            default = self._default_tables.get(t.objectName())
            if default:
                t.restore_state(default)
        s.sync()
