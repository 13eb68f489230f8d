"""The confirmation before an order is sent: it names the environment ("Send to PRODUCTION?").

In Production the question is always asked. In Demo and Sandbox the user may tick "don't ask
again" (remembered per environment in the settings). Cancel is the default button.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Sequence

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

__all__ = ["SendConfirmDialog", "confirm_send", "skip_key"]

_NAMES = {"production": "PRODUCTION", "sandbox": "SANDBOX", "demo": "DEMO"}
_NOTES = {
    "production": "Real money: this order goes to your live Tastytrade account.",
    "sandbox": "Tastytrade's certification system: no real money.",
    "demo": "The built-in paper exchange on this computer: no real money.",
}


def skip_key(environment: str) -> str:
    return f"orderTicket/skipConfirm_{environment}"


class SendConfirmDialog(QDialog):
    """ "Send to <ENVIRONMENT>?" with the order's summary lines."""

    def __init__(self, environment: str, lines: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sendConfirmDialog")
        name = _NAMES.get(environment, environment.upper() or "THE SERVER")
        self.setWindowTitle(f"Send to {name}?")
        title = QLabel(f"<h3>Send to {html.escape(name)}?</h3>", self)
        title.setObjectName("confirmTitle")
        note = QLabel(_NOTES.get(environment, ""), self)
        note.setProperty("tone", "negative" if environment == "production" else "muted")
        body = QLabel("<br>".join(html.escape(line) for line in lines), self)
        body.setObjectName("confirmSummary")
        body.setWordWrap(True)
        self.skip = QCheckBox(f"Don't ask again for {name.capitalize()} orders", self)
        self.skip.setObjectName("confirmSkipCheck")
        self.skip.setVisible(environment != "production")
        buttons = QDialogButtonBox(self)
        self.send_button = buttons.addButton(f"Send to {name}", QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("confirmSendButton")
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("confirmCancelButton")
        self.cancel_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        for w in (title, note, body, self.skip, buttons):
            lay.addWidget(w)


async def confirm_send(
    environment: str, lines: Sequence[str], settings: QSettings, parent: QWidget | None = None
) -> bool:
    """Ask (unless Demo/Sandbox confirmations were switched off); ``True`` to send."""
    if environment != "production" and str(settings.value(skip_key(environment), "false")) == "true":
        return True
    dialog = SendConfirmDialog(environment, lines, parent)
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    dialog.finished.connect(lambda code: done.done() or done.set_result(code))
    dialog.open()
    try:
        code = await done
        skip = dialog.skip.isChecked()
    finally:
        dialog.deleteLater()
    accepted = code == QDialog.DialogCode.Accepted
    if accepted and environment != "production" and skip:
        settings.setValue(skip_key(environment), "true")
    return accepted
