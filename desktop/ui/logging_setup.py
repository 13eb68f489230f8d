"""One logging configuration for the app: a rotating file, the Messages dock, redaction.

``desktop.*`` loggers log at INFO (DEBUG with ``--debug``); other libraries only at WARNING.
Every record is redacted by ``desktop.api.redaction`` (registered secrets and token-shaped
text) before any handler sees it, so a mistake elsewhere cannot write a secret to the log
file or the screen.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Signal

from desktop.api import redaction


class MessageBridge(QObject):
    """Carries log records to the GUI thread (queued when a worker thread logs)."""

    record = Signal(int, float, str, str)  # levelno, created, logger name, message


class MessagesHandler(logging.Handler):
    """Sends ``desktop.*`` records (and anyone's warnings) to the Messages dock."""

    def __init__(self, level: int) -> None:
        super().__init__(level)
        self.bridge = MessageBridge()
        self.app_level = level

    def emit(self, record: logging.LogRecord) -> None:
        name = record.name
        if not name.startswith("desktop") and record.levelno < logging.WARNING:
            return
        if name.startswith("desktop.simulator") and record.levelno < logging.WARNING:
            return  # the embedded exchange's chatter is not the user's business
        try:
            self.bridge.record.emit(record.levelno, record.created, name, record.getMessage())
        except RuntimeError:  # bridge already deleted at shutdown
            pass


class LoggingSetup:
    """The installed handlers; :meth:`close` removes them again (tests, shutdown)."""

    def __init__(self, log_dir: Path | None, debug: bool, console: bool = False) -> None:
        self.debug = debug
        self.log_file: Path | None = None
        level = logging.DEBUG if debug else logging.INFO
        fmt = logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
        self._root = logging.getLogger()
        self._app = logging.getLogger("desktop")
        self._old_levels = (self._root.level, self._app.level)
        self._root.setLevel(logging.WARNING)
        self._app.setLevel(level)
        redaction.install()
        self._scrub = redaction.RedactingFilter()
        self.handlers: list[logging.Handler] = []
        if log_dir is not None:
            try:
                log_dir.mkdir(parents=True, exist_ok=True)
                self.log_file = log_dir / "tastydesk.log"
                fh = logging.handlers.RotatingFileHandler(
                    self.log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
                )
                fh.setFormatter(fmt)
                self.handlers.append(fh)
            except OSError as exc:
                self.log_file = None
                print(f"TastyDesk: cannot write the log file in {log_dir}: {exc}", file=sys.stderr)
        if console and sys.stderr is not None:
            ch = logging.StreamHandler()
            ch.setFormatter(fmt)
            ch.setLevel(level)
            self.handlers.append(ch)
        self.messages = MessagesHandler(level)
        self.handlers.append(self.messages)
        for h in self.handlers:
            h.addFilter(self._scrub)
            self._root.addHandler(h)

    def close(self) -> None:
        for h in self.handlers:
            self._root.removeHandler(h)
            h.close()
        self.handlers.clear()
        self._root.setLevel(self._old_levels[0])
        self._app.setLevel(self._old_levels[1])


def install_excepthooks() -> None:
    """Log (and so show in Messages) every uncaught exception, on any thread; never exit."""
    log = logging.getLogger("desktop.app")

    def hook(
        exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:  # pragma: no cover - exercised by a real crash
        if issubclass(exc_type, KeyboardInterrupt):
            return
        log.error("Unexpected error: %s", str(exc) or exc_type.__name__, exc_info=(exc_type, exc, tb))

    def thread_hook(args: threading.ExceptHookArgs) -> None:  # pragma: no cover
        if args.exc_value is not None:
            hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
