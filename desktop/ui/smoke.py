"""``--smoke-test``: wait until every readiness check passes, optionally save a screenshot.

Readiness checks are registered by the panels (``ctx.readiness.add(name, check)``); this module
only polls them. The result names exactly what was still missing when time ran out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop.ui.context import Readiness

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SmokeResult:
    ok: bool
    seconds: float
    missing: dict[str, str]
    screenshot: Path | None = None
    startup_s: float | None = None  # from start to the window shown, signed in

    def describe(self) -> str:
        start = ""
        if self.startup_s is not None:
            start = f"window shown and signed in after {self.startup_s:.1f} s, "
        if self.ok:
            shot = f"; screenshot {self.screenshot}" if self.screenshot else ""
            return f"smoke test passed: {start}every panel live {self.seconds:.1f} s later{shot}"
        items = "; ".join(f"{name}: {why}" for name, why in self.missing.items())
        return f"smoke test failed: {start}after {self.seconds:.1f} s still missing: {items}"


async def wait_until_ready(readiness: Readiness, timeout_s: float, interval_s: float = 0.25) -> SmokeResult:
    """Poll the checks until none is missing or ``timeout_s`` passes."""
    start = time.monotonic()
    missing = readiness.missing()
    last_report = start
    while missing:
        now = time.monotonic()
        if now - start >= timeout_s:
            return SmokeResult(False, now - start, missing)
        if now - last_report > 5:
            log.info("Still waiting for: %s", ", ".join(missing))
            last_report = now
        await asyncio.sleep(interval_s)
        missing = readiness.missing()
    return SmokeResult(True, time.monotonic() - start, {})


def save_screenshot(window: QWidget, path: Path) -> Path:
    """Grab ``window`` (works offscreen) and save it as PNG; raises ``OSError`` on failure."""
    path = Path(path)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    pixmap = window.grab()
    if pixmap.isNull() or not pixmap.save(str(path), "PNG"):
        raise OSError(f"could not write the screenshot to {path}")
    return path
