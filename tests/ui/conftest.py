"""UI test helpers: an in-memory keyring and the app built against the test exchange.

Start and shut the app down *inside* the test body (``async with started(make_desk()) as desk``):
pytest-qt processes Qt events between the setup, call and teardown phases while no asyncio
loop runs, and qasync callbacks executed then find no running loop.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import keyring.backend
import keyring.errors
import pytest
from PySide6.QtCore import QSettings

from desktop.api.credentials import CredentialStore
from desktop.ui.logging_setup import LoggingSetup
from desktop.ui.shell import TastyDesk


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps secrets in a dict (for tests only)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.store[(service, username)]


@pytest.fixture(autouse=True)
def _delete_widgets_left_by_earlier_tests() -> None:
    """Delete widgets earlier tests closed with deleteLater() before this test starts.

    Outside a running event loop those stay alive (closed, half torn down); an app-wide
    palette or style change then delivers events to them, which crashed the process.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def app_logging(tmp_path: Path) -> AsyncIterator[LoggingSetup]:
    setup = LoggingSetup(tmp_path / "logs", debug=False)
    yield setup
    setup.close()


DeskFactory = Callable[..., TastyDesk]


@pytest.fixture
async def make_desk(exchange, tmp_path: Path, memory_keyring: MemoryKeyring, app_logging: LoggingSetup):
    """Build (not start) a TastyDesk on the test exchange; any left running is shut down after."""
    built: list[TastyDesk] = []

    def make(settings_path: Path | None = None, **kwargs: object) -> TastyDesk:
        settings = QSettings(str(settings_path or tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        options: dict[str, object] = {
            "data_dir": tmp_path / "data",
            "settings": settings,
            "exchange": exchange,
            "credential_store": CredentialStore(memory_keyring),
            "messages_handler": app_logging.messages,
        }
        options.update(kwargs)
        desk = TastyDesk(**options)  # type: ignore[arg-type]
        built.append(desk)
        return desk

    yield make
    for desk in reversed(built):
        await desk.shutdown()
    logging.getLogger("desktop").handlers.clear()


@contextlib.asynccontextmanager
async def started(desk: TastyDesk, environment: str | None = "demo") -> AsyncIterator[TastyDesk]:
    """The app started (Demo by default) for the duration of the block, then shut down."""
    try:
        await desk.start(environment)
        yield desk
    finally:
        await desk.shutdown()
