"""Run every benchmark script under tests/bench and print their `name: value` figures.

Each ``bench_*.py`` is run in its own process (so one cannot warm another's caches) and must
print its figures one per line as ``figure_name: value``. Ratios are computed inside one
script's run; absolute times on shared machines drift from run to run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = []
    for script in sorted(HERE.glob("bench_*.py")):
        if len(sys.argv) > 1 and not any(a in script.name for a in sys.argv[1:]):
            continue
        print(f"# {script.name}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script)], cwd=HERE.parents[1])
        print(f"# {script.name} took {time.perf_counter() - t0:.1f} s (exit {proc.returncode})", flush=True)
        if proc.returncode != 0:
            failed.append(script.name)
    if failed:
        print("# failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
