""" "Show order JSON": the exact request of the dry-run and of the send, and both raw responses.

The bridge from clicking to scripting: the request text is the byte-for-byte body that was
posted (compact), with the endpoint above it; "Pretty" indents it for reading. Each tab has a
Copy button. :class:`OrderExchange` is what the ticket records as it reviews and sends.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

__all__ = ["JsonDialog", "OrderExchange", "pretty"]


@dataclass
class OrderExchange:
    """Requests and raw responses of the ticket's last review and send."""

    review_path: str = ""
    review_request: str = ""
    review_response: str = ""
    send_path: str = ""
    send_request: str = ""
    send_response: str = ""
    current_request: str = ""  # the ticket as it is now


def pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


class _JsonTab(QWidget):
    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.raw = ""
        self.path = QLabel("", self)
        self.path.setObjectName(f"{name}Path")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName(f"{name}Text")
        self.text.setReadOnly(True)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.pretty = QCheckBox("Pretty", self)
        self.pretty.setToolTip("Indent for reading (Copy still copies the exact text)")
        self.pretty.toggled.connect(lambda _on: self._render())
        copy = QPushButton("Copy", self)
        copy.setObjectName(f"{name}Copy")
        copy.setToolTip("Copy the exact text to the clipboard")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.raw))
        bar = QHBoxLayout()
        bar.addWidget(self.path, 1)
        bar.addWidget(self.pretty)
        bar.addWidget(copy)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.text, 1)

    def set(self, path: str, raw: str, empty: str) -> None:
        self.raw = raw
        self.path.setText(path)
        self._empty = empty
        self._render()

    def _render(self) -> None:
        if not self.raw:
            self.text.setPlainText(getattr(self, "_empty", ""))
            return
        self.text.setPlainText(pretty(self.raw) if self.pretty.isChecked() else self.raw)


class JsonDialog(QDialog):
    """Non-modal window with the order's JSON; :meth:`show_exchange` refreshes it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("orderJsonDialog")
        self.setWindowTitle("Order JSON")
        self.resize(720, 560)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("orderJsonTabs")
        self.current = _JsonTab("jsonCurrent", self)
        self.review_request = _JsonTab("jsonDryRunRequest", self)
        self.review_response = _JsonTab("jsonDryRunResponse", self)
        self.send_request = _JsonTab("jsonSendRequest", self)
        self.send_response = _JsonTab("jsonSendResponse", self)
        for tab, title in (
            (self.current, "Ticket now"),
            (self.review_request, "Dry-run request"),
            (self.review_response, "Dry-run response"),
            (self.send_request, "Sent request"),
            (self.send_response, "Send response"),
        ):
            self.tabs.addTab(tab, title)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)

    def show_exchange(self, ex: OrderExchange) -> None:
        self.current.set(
            "The order as the ticket would post it now", ex.current_request, "No order on the ticket."
        )
        self.review_request.set(ex.review_path, ex.review_request, "Not reviewed yet.")
        self.review_response.set(ex.review_path, ex.review_response, "No dry-run response yet.")
        self.send_request.set(ex.send_path, ex.send_request, "Nothing sent yet.")
        self.send_response.set(ex.send_path, ex.send_response, "No send response yet.")
