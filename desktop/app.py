"""Composition root: environment choice, Demo exchange, services, main window, qasync loop.

``run(options)`` is what ``tastydesk`` calls. :class:`TastyDesk` is the app itself and is what
tests build: they hand it the test exchange (so no second exchange starts), an isolated
settings file and an in-memory keyring.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import APP_NAME, __version__

log = logging.getLogger("desktop.app")


@dataclass(frozen=True, slots=True)
class AppOptions:
    env: str | None = None  # demo | sandbox | production; None = saved credentials decide
    smoke_test: bool = False
    screenshot: Path | None = None
    smoke_timeout_s: float = 60.0
    debug: bool = False
    reset_layout: bool = False


@dataclass(frozen=True, slots=True)
class AppPaths:
    """Where the app keeps its things: user folders normally, a temporary folder for smoke tests."""

    data_dir: Path
    log_dir: Path
    settings_file: Path | None  # None = the platform's native settings store

    @classmethod
    def for_user(cls) -> AppPaths:
        from PySide6.QtCore import QStandardPaths

        data = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
        return cls(data_dir=data, log_dir=data / "logs", settings_file=None)

    @classmethod
    def isolated(cls, root: Path) -> AppPaths:
        return cls(data_dir=root / "data", log_dir=root / "logs", settings_file=root / "settings.ini")


def start_demo_exchange(state_path: Path) -> Any:
    """Start the embedded exchange in its own process (blocking until it listens); Demo mode.

    A child process, not a thread: the market model's CPU work and garbage collection then never
    touch the UI's interpreter. It stops when the app closes its stdin, or dies with the app.
    """
    from desktop.simulator.config import ExchangeConfig
    from desktop.simulator.process import ExchangeProcess

    state_path.parent.mkdir(parents=True, exist_ok=True)
    exchange = ExchangeProcess(
        ExchangeConfig(host="127.0.0.1", port=0, state_path=state_path),
        log_path=state_path.parent / "logs" / "demo-exchange.log",
    )
    exchange.start()
    log.info("Demo exchange listening on %s", exchange.base_url)
    return exchange


def run(options: AppOptions) -> int:
    """Start the application; returns the process exit code."""
    if options.smoke_test:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    import qasync
    from PySide6.QtWidgets import QApplication

    QApplication.setOrganizationName(APP_NAME)
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setQuitOnLastWindowClosed(False)  # the coroutine below decides when we are done
    _set_identity(app)

    tmp: Path | None = None
    if options.smoke_test:
        tmp = Path(tempfile.mkdtemp(prefix="tastydesk-smoke-"))
        paths = AppPaths.isolated(tmp)
    else:
        paths = AppPaths.for_user()
    from desktop.ui.logging_setup import LoggingSetup, install_excepthooks

    logging_setup = LoggingSetup(paths.log_dir, options.debug, console=options.debug or options.smoke_test)
    install_excepthooks()
    try:
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            runner.get_loop().set_exception_handler(_loop_exception)
            return runner.run(_main(options, paths, logging_setup))
    finally:
        logging_setup.close()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _set_identity(app: Any) -> None:
    """Window icon (every size the installer renders) and the desktop-entry name (Wayland)."""
    from PySide6.QtGui import QIcon

    from desktop.ui.theme import resources_dir

    icons = resources_dir() / "icons"
    icon = QIcon()
    for png in sorted((icons / "png").glob("*.png")):
        icon.addFile(str(png))
    if icon.isNull() and (icons / "tastydesk.svg").exists():
        icon = QIcon(str(icons / "tastydesk.svg"))
    app.setWindowIcon(icon)
    app.setDesktopFileName("io.github.tastydesk.TastyDesk")


def _loop_exception(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    exc = context.get("exception")
    message = context.get("message", "")
    if exc is not None:
        log.error("Unexpected error in a background task: %s", str(exc) or type(exc).__name__, exc_info=exc)
    else:
        log.error("Unexpected problem in the event loop: %s", message)


async def _main(options: AppOptions, paths: AppPaths, logging_setup: Any) -> int:
    from PySide6.QtCore import QSettings

    from desktop.ui.shell import TastyDesk

    settings = (
        QSettings(str(paths.settings_file), QSettings.Format.IniFormat)
        if paths.settings_file is not None
        else QSettings()
    )
    desk = TastyDesk(
        data_dir=paths.data_dir,
        settings=settings,
        requested_env=options.env,
        start_exchange=start_demo_exchange,
        messages_handler=logging_setup.messages,
        restore_layout=not options.smoke_test,
        reset_layout=options.reset_layout,
        log_folder=paths.log_dir,
    )
    try:
        if options.smoke_test:
            result = await desk.smoke_test(options.smoke_timeout_s, options.screenshot)
            stream = sys.stdout if result.ok else sys.stderr
            if stream is not None:
                print(result.describe(), file=stream, flush=True)
            return 0 if result.ok else 1
        await desk.start()
        await desk.wait_closed()
        return 0
    except Exception as exc:
        log.exception("TastyDesk could not start: %s", exc)
        if sys.stderr is not None:
            print(f"TastyDesk could not start: {exc}", file=sys.stderr, flush=True)
        return 2
    finally:
        await desk.shutdown()
