"""The Messages dock: what the app did and every error, in plain words, newest at the bottom."""

from __future__ import annotations

import html
import logging
import time
from collections import deque
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.logging_setup import MessagesHandler

MAX_LINES = 5000


@dataclass(frozen=True, slots=True)
class Message:
    level: int
    created: float
    source: str
    text: str

    def line(self) -> str:
        stamp = time.strftime("%H:%M:%S", time.localtime(self.created))
        tag = "" if self.level < logging.WARNING else f"{logging.getLevelName(self.level)}  "
        return f"{stamp}  {tag}{self.text}"


class MessagesPanel(QWidget):
    """A read-only log view with a level filter; ``error_logged`` lets the window flag errors."""

    error_logged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messagesView")
        self._messages: deque[Message] = deque(maxlen=MAX_LINES)
        self._min_level = logging.DEBUG
        self.view = QPlainTextEdit(self)
        self.view.setObjectName("messagesLog")
        self.view.setReadOnly(True)
        self.view.setMaximumBlockCount(MAX_LINES)
        self.view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.filter = QComboBox(self)
        self.filter.setObjectName("messagesFilter")
        self.filter.addItem("Everything", logging.DEBUG)
        self.filter.addItem("Warnings and errors", logging.WARNING)
        self.filter.addItem("Errors only", logging.ERROR)
        self.filter.setToolTip("Which messages to show")
        self.filter.currentIndexChanged.connect(self._filter_changed)
        clear = QPushButton("Clear", self)
        clear.setObjectName("messagesClear")
        clear.setToolTip("Remove every message from this view (the log file keeps them)")
        clear.clicked.connect(self.clear)
        self.count_label = QLabel("", self)
        self.count_label.setProperty("tone", "muted")
        bar = QHBoxLayout()
        bar.setContentsMargins(4, 2, 4, 2)
        bar.addWidget(QLabel("Show:", self))
        bar.addWidget(self.filter)
        bar.addStretch(1)
        bar.addWidget(self.count_label)
        bar.addWidget(clear)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)
        self._errors = 0

    def attach(self, handler: MessagesHandler) -> None:
        """Show every record the logging handler forwards (queued across threads)."""
        handler.bridge.record.connect(self.add, Qt.ConnectionType.QueuedConnection)

    def add(self, level: int, created: float, source: str, text: str) -> None:
        msg = Message(level, created, source, text)
        self._messages.append(msg)
        if level >= logging.ERROR:
            self._errors += 1
            self.count_label.setText(f"{self._errors} error{'s' if self._errors != 1 else ''}")
            self.error_logged.emit(text)
        if level >= self._min_level:
            self._append(msg)

    def _append(self, msg: Message) -> None:
        text = html.escape(msg.line())
        if msg.level >= logging.ERROR:
            text = f'<span style="color:#d0342c">{text}</span>'
        elif msg.level >= logging.WARNING:
            text = f'<span style="color:#c07a00">{text}</span>'
        self.view.appendHtml(text)

    def _filter_changed(self) -> None:
        self._min_level = int(self.filter.currentData())
        self.view.clear()
        for m in self._messages:
            if m.level >= self._min_level:
                self._append(m)

    def clear(self) -> None:
        self._messages.clear()
        self.view.clear()
        self._errors = 0
        self.count_label.setText("")

    def messages(self) -> list[Message]:
        return list(self._messages)

    def lines(self) -> list[str]:
        """Every kept message as the user reads it (tests, copy)."""
        return [m.line() for m in self._messages]
