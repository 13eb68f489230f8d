"""Start-up of the whole app in Demo mode: `tastydesk --smoke-test` in a fresh process.

Figures: ``ui_smoke_wall_s`` (process start to exit), ``ui_window_signed_in_s`` (exchange started,
signed in, window shown), ``ui_all_panels_live_s`` (then until every readiness check passes).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "desktop", "--smoke-test", "--smoke-timeout", "90"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    wall = time.perf_counter() - t0
    out = proc.stdout + proc.stderr
    print(f"ui_smoke_wall_s: {wall:.2f}")
    m = re.search(r"after ([\d.]+) s, every panel live ([\d.]+) s later", out)
    if proc.returncode != 0 or m is None:
        print(out[-2000:], file=sys.stderr)
        return 1
    print(f"ui_window_signed_in_s: {float(m.group(1)):.2f}")
    print(f"ui_all_panels_live_s: {float(m.group(2)):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
