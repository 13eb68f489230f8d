"""The sign-in dialog: OAuth client secret + refresh token for Sandbox or Production.

The dialog checks the credentials by actually signing in (through the callable it is given) and
closes only when that worked; the session service stores them in the keyring only then. The
fields echo as dots and are cleared when the dialog closes; nothing typed here is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.context import describe_error

log = logging.getLogger(__name__)

#: ``attempt(environment_name, client_secret, refresh_token, remember)``; raises on failure.
SignInAttempt = Callable[[str, str, str, bool], Awaitable[object]]

ENVIRONMENTS = (
    ("sandbox", "Sandbox (certification, paper money)"),
    ("production", "Production (real money)"),
)


class SignInDialog(QDialog):
    """Asks for credentials and signs in; ``accept()`` only after the sign-in succeeded."""

    def __init__(
        self,
        attempt: SignInAttempt,
        *,
        environment: str = "sandbox",
        keyring_available: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle("Sign in to Tastytrade")
        self.setModal(True)
        self._attempt = attempt
        self._task: asyncio.Task[object] | None = None
        self._keyring_available = keyring_available

        intro = QLabel(
            "Create an OAuth application and a personal grant on my.tastytrade.com "
            "(Manage → My Profile → API), then paste its client secret and refresh token here.",
            self,
        )
        intro.setWordWrap(True)
        self.environment = QComboBox(self)
        self.environment.setObjectName("signInEnvironment")
        for key, label in ENVIRONMENTS:
            self.environment.addItem(label, key)
        self.environment.setCurrentIndex(max(self.environment.findData(environment), 0))
        self.environment.setToolTip(
            "Sandbox is Tastytrade's certification system; Production trades real money"
        )
        self.client_secret = QLineEdit(self)
        self.client_secret.setObjectName("signInClientSecret")
        self.client_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.client_secret.setPlaceholderText("client secret")
        self.refresh_token = QLineEdit(self)
        self.refresh_token.setObjectName("signInRefreshToken")
        self.refresh_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.refresh_token.setPlaceholderText("refresh token")
        self.remember = QCheckBox("Remember on this computer (in the system keyring)", self)
        self.remember.setObjectName("signInRemember")
        self.remember.setChecked(keyring_available)
        if not keyring_available:
            self.remember.setEnabled(False)
            self.remember.setText("No system keyring found: credentials are kept for this session only")
        self.status = QLabel("", self)
        self.status.setObjectName("signInStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("Environment", self.environment)
        form.addRow("Client secret", self.client_secret)
        form.addRow("Refresh token", self.refresh_token)
        form.addRow("", self.remember)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.sign_in_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_in_button.setText("Sign in")
        self.sign_in_button.setObjectName("signInButton")
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        for w in (self.client_secret, self.refresh_token):
            w.textChanged.connect(self._update_enabled)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.status)
        lay.addWidget(self.buttons)
        self._update_enabled()
        self.resize(480, self.sizeHint().height())

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def _update_enabled(self) -> None:
        filled = bool(self.client_secret.text().strip() and self.refresh_token.text().strip())
        self.sign_in_button.setEnabled(filled and not self.busy)

    def _set_busy(self, busy: bool) -> None:
        for w in (self.environment, self.client_secret, self.refresh_token):
            w.setEnabled(not busy)
        self.remember.setEnabled(not busy and self._keyring_available)
        self._update_enabled()

    def submit(self) -> None:
        """Start the sign-in; the dialog accepts itself when it succeeds."""
        if self.busy:
            return
        env = str(self.environment.currentData())
        secret, refresh = self.client_secret.text().strip(), self.refresh_token.text().strip()
        if not secret or not refresh:
            self.status.setText("Enter both the client secret and the refresh token.")
            return
        self.status.setText(f"Checking the credentials with {env.capitalize()}…")
        self._task = asyncio.ensure_future(self._run(env, secret, refresh, self.remember.isChecked()))
        self._set_busy(True)

    async def _run(self, env: str, secret: str, refresh: str, remember: bool) -> None:
        try:
            await self._attempt(env, secret, refresh, remember)
        except asyncio.CancelledError:
            self.status.setText("Sign-in cancelled.")
            raise
        except Exception as exc:
            reason = describe_error(exc)
            log.warning("Sign-in to %s failed: %s", env.capitalize(), reason)
            self.status.setText(f"Sign-in failed: {reason}")
            self._task = None
            self._set_busy(False)
            return
        self._task = None
        self._clear()
        self.accept()

    def _clear(self) -> None:
        self.client_secret.clear()
        self.refresh_token.clear()

    def reject(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        self._clear()
        super().reject()
