"""Shared test fixtures.

* Async tests in ``tests/ui`` and ``tests/services`` (or marked ``qt``) run on a qasync loop
  bound to the one QApplication; every other async test runs on a plain asyncio loop.
  Inside a qasync test never call ``qtbot.wait``/``waitUntil``: await-poll instead
  (see ``wait_for``).
* ``exchange`` starts the embedded exchange in its own thread on ``127.0.0.1:0`` with a
  fresh SQLite state file, so client code talks to it over real sockets.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TASTYDESK_TEST", "1")

_QT_DIRS = ("tests/ui", "tests/services")


def _wants_qasync(item: pytest.Item) -> bool:
    path = str(getattr(item, "path", "")).replace(os.sep, "/")
    return item.get_closest_marker("qt") is not None or any(d in path for d in _QT_DIRS)


def _qasync_loop() -> asyncio.AbstractEventLoop:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item):
    if _wants_qasync(item):
        return {"qasync": _qasync_loop}
    return {"asyncio": asyncio.new_event_loop}


async def wait_for(cond: Callable[[], object], timeout: float = 10.0, interval: float = 0.02) -> None:
    """Await until ``cond()`` is truthy; fail with a clear message after ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not cond():
                await asyncio.sleep(interval)
    except TimeoutError:
        raise AssertionError(f"condition not met within {timeout} s: {cond}") from None


@pytest.fixture
def exchange(tmp_path: Path) -> Iterator[object]:
    """A live embedded exchange in its own thread; ``.base_url``, ``.admin(...)``."""
    from desktop.simulator.runner import ExchangeConfig, ExchangeThread

    cfg = ExchangeConfig(host="127.0.0.1", port=0, seed=7, state_path=tmp_path / "exchange.sqlite3")
    ex = ExchangeThread(cfg)
    ex.start()
    try:
        yield ex
    finally:
        ex.stop()
