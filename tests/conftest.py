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
import gc
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


_LATEST_QASYNC_LOOP: list[asyncio.AbstractEventLoop] = []


def _qasync_loop() -> asyncio.AbstractEventLoop:
    import qasync
    from PySide6.QtWidgets import QApplication

    class TestLoop(qasync.QEventLoop):
        """qasync's ``run_until_complete`` ends with one more ``processEvents()`` after it has
        cleared the running loop, so task steps run there see no loop (httpx/anyio then fail
        with "Not currently running on any asynchronous event loop"). Keep it set for that pass."""

        _completing = False

        def run_until_complete(self, future):  # type: ignore[no-untyped-def]
            self._completing = True
            try:
                return super().run_until_complete(future)
            finally:
                self._completing = False
                asyncio.events._set_running_loop(None)

        def _after_run_forever(self) -> None:
            super()._after_run_forever()
            if self._completing:
                asyncio.events._set_running_loop(self)

    app = QApplication.instance() or QApplication([])
    loop = TestLoop(app)
    _LATEST_QASYNC_LOOP[:] = [loop]
    return loop


def _process_events_inside_the_loop() -> None:
    """pytest-qt processes Qt events between fixture setup, the test and teardown, outside
    ``run_until_complete``; qasync then runs pending task steps with no running loop, and httpx
    (anyio) refuses to work there ("Not currently running on any asynchronous event loop").
    Mark the test's qasync loop as running for exactly those calls."""
    import pytestqt.plugin as qt_plugin

    original = qt_plugin._process_events

    def process_events() -> None:
        loop = _LATEST_QASYNC_LOOP[0] if _LATEST_QASYNC_LOOP else None
        if loop is None or loop.is_closed() or asyncio._get_running_loop() is not None:
            original()
            return
        asyncio._set_running_loop(loop)
        try:
            original()
        finally:
            asyncio._set_running_loop(None)

    qt_plugin._process_events = process_events


_process_events_inside_the_loop()


def pytest_asyncio_loop_factories(config: pytest.Config, item: pytest.Item):
    if _wants_qasync(item):
        return {"qasync": _qasync_loop}
    return {"asyncio": asyncio.new_event_loop}


@pytest.fixture(autouse=True, scope="session")
def _garbage_collected_on_the_main_thread() -> Iterator[None]:
    """Python's cyclic GC runs in whichever thread allocates when a threshold is crossed, and the
    embedded exchange's thread allocates a lot: Qt objects in garbage cycles (closed qasync loops'
    timers, widgets) were destroyed there ("QObject::~QObject: Timers cannot be stopped from another
    thread") and their orphaned timers later crashed the main thread. Collect on the main thread."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@pytest.fixture(autouse=True)
def _collect_after_each_test() -> Iterator[None]:
    yield
    gc.collect()


async def wait_for(cond: Callable[[], object], timeout: float = 10.0, interval: float = 0.02) -> None:  # noqa: ASYNC109
    """Await until ``cond()`` is truthy; fail with a clear message after ``timeout`` seconds."""
    try:
        async with asyncio.timeout(timeout):
            while not cond():  # noqa: ASYNC110 (polling a plain condition is the point)
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``make test`` runs two workers), keep every installer test on one
    worker: they share one frozen build and install one system package."""
    for item in items:
        if item.get_closest_marker("installer") is not None:
            item.add_marker(pytest.mark.xdist_group("installer"))
