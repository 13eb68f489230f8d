"""OAuth credentials in the OS keyring, one entry pair per environment.

The keyring backend is probed once. When there is no usable one (a headless Linux box gets
keyring's "fail" backend, whose calls raise ``NoKeyringError``), :attr:`CredentialStore.available`
is False and :attr:`CredentialStore.unavailable_reason` says so in plain words; the app then
offers a session-only sign-in. There is never a silent fallback to a file: plaintext and
"encrypted file" backends from ``keyrings.alt`` are refused.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import keyring
import keyring.backend
import keyring.errors

log = logging.getLogger(__name__)

SERVICE_PREFIX = "TastyDesk"
_CLIENT_SECRET = "client-secret"
_REFRESH_TOKEN = "refresh-token"

#: Backends that would write secrets to a file we do not control: never used.
_FILE_BACKEND_MODULES = ("keyrings.alt.file", "keyrings.alt.Windows", "keyring.backends.null")


@dataclass(frozen=True, slots=True)
class Credentials:
    """An OAuth client secret and refresh token. Neither shows in a repr."""

    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)


class KeyringUnavailable(RuntimeError):
    """There is no secure place to keep credentials on this machine."""


def _service(env_name: str) -> str:
    return f"{SERVICE_PREFIX}:{env_name}"


def _unusable_reason(backend: keyring.backend.KeyringBackend) -> str | None:
    """Why ``backend`` must not hold secrets, or ``None`` when it is a real keyring."""
    module = type(backend).__module__
    name = type(backend).__name__
    if module.endswith("backends.fail"):
        return (
            "No system keyring was found (on Linux, install and unlock a Secret Service such as "
            "GNOME Keyring or KWallet). Credentials can be used for this session only."
        )
    if module.startswith(_FILE_BACKEND_MODULES):
        return (
            f"The configured keyring ({name}) stores secrets in a file; TastyDesk does not use it. "
            "Credentials can be used for this session only."
        )
    if module == "keyring.backends.chainer":
        inner = [b for b in getattr(backend, "backends", []) if _unusable_reason(b) is None]
        if not inner:
            return (
                "No system keyring was found (on Linux, install and unlock a Secret Service such as "
                "GNOME Keyring or KWallet). Credentials can be used for this session only."
            )
    return None


class CredentialStore:
    """Save, load and forget OAuth credentials per environment in the OS keyring."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend
        self._probed = False
        self._reason: str | None = None

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        return self._backend or keyring.get_keyring()

    def _probe(self) -> None:
        if self._probed:
            return
        self._probed = True
        backend = self.backend
        self._reason = _unusable_reason(backend)
        if self._reason is None:
            try:
                backend.get_password(_service("probe"), "probe")
            except keyring.errors.KeyringError as exc:
                self._reason = (
                    f"The system keyring is not usable ({type(exc).__name__}: it may be locked). "
                    "Credentials can be used for this session only."
                )
        if self._reason:
            log.warning("Keyring unavailable: %s", self._reason)
        else:
            log.info("Using keyring backend %s", type(backend).__name__)

    @property
    def available(self) -> bool:
        self._probe()
        return self._reason is None

    @property
    def unavailable_reason(self) -> str | None:
        """Plain words for the sign-in dialog when the keyring cannot be used, else ``None``."""
        self._probe()
        return self._reason

    def load(self, env_name: str) -> Credentials | None:
        """The saved credentials for ``env_name``, or ``None`` (also when there is no keyring)."""
        if not self.available:
            return None
        try:
            secret = self.backend.get_password(_service(env_name), _CLIENT_SECRET)
            refresh = self.backend.get_password(_service(env_name), _REFRESH_TOKEN)
        except keyring.errors.KeyringError as exc:
            log.warning("Could not read saved credentials for %s: %s", env_name, type(exc).__name__)
            return None
        if not secret or not refresh:
            return None
        return Credentials(client_secret=secret, refresh_token=refresh)

    def save(self, env_name: str, credentials: Credentials) -> None:
        """Store the pair; raises :class:`KeyringUnavailable` (plain words) when it cannot."""
        if not self.available:
            raise KeyringUnavailable(self._reason or "No keyring.")
        try:
            self.backend.set_password(_service(env_name), _CLIENT_SECRET, credentials.client_secret)
            self.backend.set_password(_service(env_name), _REFRESH_TOKEN, credentials.refresh_token)
        except keyring.errors.KeyringError as exc:
            self.delete(env_name)
            raise KeyringUnavailable(
                f"The system keyring refused to store the credentials ({type(exc).__name__})."
            ) from None
        log.info("Saved credentials for %s in the keyring", env_name)

    def delete(self, env_name: str) -> None:
        """Forget the saved credentials of ``env_name`` (nothing saved is fine)."""
        if not self.available:
            return
        for user in (_CLIENT_SECRET, _REFRESH_TOKEN):
            try:
                self.backend.delete_password(_service(env_name), user)
            except keyring.errors.PasswordDeleteError:
                pass
            except keyring.errors.KeyringError as exc:
                log.warning("Could not delete a saved credential for %s: %s", env_name, type(exc).__name__)

    def has_saved(self, env_name: str) -> bool:
        return self.load(env_name) is not None
