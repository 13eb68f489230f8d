"""Messages dock and logging: what the app did and every error in plain words, never a secret."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading

from PySide6.QtCore import QSettings

from desktop.api import redaction
from desktop.ui.context import UiContext
from desktop.ui.logging_setup import LoggingSetup, install_excepthooks
from desktop.ui.messages import MessagesPanel
from tests.conftest import wait_for


async def test_app_lines_and_foreign_warnings_reach_messages_and_the_log_file(qtbot, tmp_path) -> None:
    setup = LoggingSetup(tmp_path / "logs", debug=False)
    panel = MessagesPanel()
    qtbot.addWidget(panel)
    panel.attach(setup.messages)
    try:
        logging.getLogger("desktop.messages").info("Signed in to Demo.")
        logging.getLogger("desktop.services.portfolio").debug("debug detail")
        logging.getLogger("httpx").info("HTTP Request: GET /accounts")
        logging.getLogger("asyncio").warning("something odd in a library")
        logging.getLogger("desktop.simulator.rest").info("exchange chatter")
        threading.Thread(
            target=lambda: logging.getLogger("desktop.api").error("Could not load orders")
        ).start()
        await wait_for(lambda: len(panel.lines()) >= 3, 5)
        text = "\n".join(panel.lines())
        assert "Signed in to Demo." in text
        assert "Could not load orders" in text and "ERROR" in text
        assert "something odd in a library" in text
        assert "debug detail" not in text and "HTTP Request" not in text and "exchange chatter" not in text
        assert panel.count_label.text() == "1 error"
        log_text = (tmp_path / "logs" / "tastydesk.log").read_text(encoding="utf-8")
        assert "Could not load orders" in log_text
        panel.filter.setCurrentIndex(panel.filter.findData(logging.ERROR))
        assert (
            panel.view.toPlainText().count("\n") == 0 and "Could not load orders" in panel.view.toPlainText()
        )
    finally:
        setup.close()


async def test_secrets_never_reach_messages_or_the_log_file(qtbot, tmp_path) -> None:
    setup = LoggingSetup(tmp_path / "logs", debug=True)
    panel = MessagesPanel()
    qtbot.addWidget(panel)
    panel.attach(setup.messages)
    secret = "sk-very-secret-client-secret-123"
    redaction.register_secret(secret)
    try:
        log = logging.getLogger("desktop.api.auth")
        log.info("refreshing with client_secret=%s", secret)
        log.info("header Authorization: Bearer abcdefghijklmnopqrstuvwxyz")
        log.error("refresh failed", exc_info=RuntimeError(f"server said no to {secret}"))
        await wait_for(lambda: len(panel.lines()) >= 3, 5)
        shown = "\n".join(panel.lines())
        written = (tmp_path / "logs" / "tastydesk.log").read_text(encoding="utf-8")
        for text in (shown, written):
            assert secret not in text
            assert "abcdefghijklmnopqrstuvwxyz" not in text
        assert "[redacted]" in shown
    finally:
        setup.close()


async def test_unexpected_errors_are_shown_and_the_loop_goes_on(qtbot, tmp_path) -> None:
    setup = LoggingSetup(None, debug=False)
    panel = MessagesPanel()
    qtbot.addWidget(panel)
    panel.attach(setup.messages)
    old_hook, old_thread_hook = sys.excepthook, threading.excepthook
    install_excepthooks()
    try:
        try:
            raise ValueError("a slot blew up")
        except ValueError:
            sys.excepthook(*sys.exc_info())
        ctx = UiContext(
            session=None, hub=None, portfolio=None, orders=None, settings=QSettings(str(tmp_path / "s.ini"))
        )

        async def failing() -> None:
            raise ConnectionError("the server hung up")

        ctx.spawn(failing(), "Loading positions")
        await wait_for(lambda: len(panel.lines()) >= 2, 5)
        text = "\n".join(panel.lines())
        assert "Unexpected error: a slot blew up" in text
        assert "Loading positions failed: the server hung up" in text
        await asyncio.sleep(0.01)  # still running
    finally:
        sys.excepthook, threading.excepthook = old_hook, old_thread_hook
        setup.close()
