"""The chain's symbol box: type a few letters, pick from ``/symbols/search`` matches, Enter.

Searches run ~250 ms after the last keystroke (one request per pause, a stale answer is
dropped); results fill a completer as ``SYMBOL  Description``. Futures roots (``/ES``) are
accepted as typed. ``symbol_chosen(str)`` carries the upper-cased symbol.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

log = logging.getLogger(__name__)

__all__ = ["SymbolBox"]

Search = Callable[[str], Awaitable[list[Any]]]


class SymbolBox(QLineEdit):
    """Symbol entry with search-as-you-type. ``search(prefix)`` returns ``SymbolMatch``-like
    objects (``symbol``, ``description``); ``spawn(coro, what)`` runs it."""

    symbol_chosen = Signal(str)

    def __init__(
        self, search: Search | None, spawn: Callable[[Any, str], Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chainSymbolEdit")
        self.setPlaceholderText("Symbol (SPY, AAPL, SPX, /ES)…")
        self.setToolTip("Type a symbol and press Enter; matches appear as you type")
        self.setClearButtonEnabled(True)
        self._search = search
        self._spawn = spawn
        self._generation = 0
        self.matches = QStringListModel(self)
        completer = QCompleter(self.matches, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        completer.activated.connect(self._picked)
        self.setCompleter(completer)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self._run_search)
        self.textEdited.connect(lambda _text: self._timer.start())
        self.returnPressed.connect(self._entered)

    def _run_search(self) -> None:
        prefix = self.text().strip().upper()
        if not prefix or self._search is None:
            return
        self._generation += 1
        self._spawn(self._fetch(prefix, self._generation), f"Searching symbols for {prefix!r}")

    async def _fetch(self, prefix: str, generation: int) -> None:
        assert self._search is not None
        found = await self._search(prefix)
        if generation != self._generation:
            return  # the user typed on; a newer search is coming
        items = [f"{m.symbol}  {m.description}".rstrip() for m in found[:30] if getattr(m, "symbol", "")]
        self.matches.setStringList(items)
        if items and self.hasFocus():
            self.completer().setCompletionPrefix(self.text().strip())
            self.completer().complete()

    def _picked(self, text: str) -> None:
        symbol = text.split()[0] if text.split() else ""
        self.setText(symbol)
        if symbol:
            self.symbol_chosen.emit(symbol.upper())

    def _entered(self) -> None:
        self._timer.stop()
        self._generation += 1
        text = self.text().strip()
        if text:
            symbol = text.split()[0].upper()
            self.setText(symbol)
            self.symbol_chosen.emit(symbol)
