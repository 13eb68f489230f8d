"""REST latency of the embedded exchange under 200 requests/s of mixed reads and dry-runs.

The exchange runs as ``tastydesk-sim`` in its own process; the load generator (this script
with ``--load``) runs in another and sends requests *open loop* at a fixed rate, timing each
from its scheduled send time (so a slow answer cannot hide the queue behind it). Mix: account
balances, positions, live orders, quotes by type, market metrics and order dry-runs.

Figures: ``exchange_rest_p50_ms``, ``exchange_rest_p99_ms``, ``exchange_rest_max_ms``,
``exchange_rest_errors`` (non-2xx answers), ``exchange_rest_rate`` (requests/s achieved).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RATE = 200
SECONDS = 15
WARMUP_S = 2
DRY_RUN = {
    "time-in-force": "Day",
    "order-type": "Limit",
    "price": "150.00",
    "price-effect": "Debit",
    "legs": [{"instrument-type": "Equity", "symbol": "AAPL", "quantity": 10, "action": "Buy to Open"}],
}
MIX = [
    ("GET", "/accounts/5WT00001/balances", None),
    ("GET", "/accounts/5WT00001/positions", None),
    ("POST", "/accounts/5WT00001/orders/dry-run", DRY_RUN),
    ("GET", "/accounts/5WT00001/orders/live", None),
    ("GET", "/market-data/by-type?equity=AAPL,SPY,MSFT&index=SPX", None),
    ("POST", "/accounts/5WT00001/orders/dry-run", DRY_RUN),
    ("GET", "/accounts/5WT00001/balances", None),
    ("GET", "/market-metrics?symbols=AAPL,SPY", None),
    ("GET", "/accounts/5WT00001/transactions?per-page=20", None),
    ("GET", "/customers/me/accounts", None),
]


async def load(url: str, rate: int, seconds: float) -> None:
    """The load generator: prints a JSON list of (latency ms, status) for the measured part."""
    import aiohttp

    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(base_url=url, connector=connector) as http:
        async with http.post(
            "/oauth/token",
            json={"grant_type": "refresh_token", "refresh_token": "bench", "client_secret": "bench"},
        ) as r:
            tok = (await r.json())["access_token"]
        headers = {"Authorization": f"Bearer {tok}", "User-Agent": "bench/1.0"}
        results: list[tuple[float, int]] = []
        start = time.perf_counter() + 0.2
        total = int(rate * (seconds + WARMUP_S))

        async def one(i: int) -> None:
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            method, path, body = MIX[i % len(MIX)]
            try:
                async with http.request(method, path, json=body, headers=headers) as resp:
                    await resp.read()
                    status = resp.status
            except aiohttp.ClientError:
                status = 0
            if i >= rate * WARMUP_S:
                results.append(((time.perf_counter() - due) * 1000, status))

        await asyncio.gather(*(one(i) for i in range(total)))
        elapsed = time.perf_counter() - start - WARMUP_S
    print(json.dumps({"results": results, "elapsed": elapsed}))


def percentile(sorted_values: list[float], q: float) -> float:
    k = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "desktop.simulator.cli",
                "--port",
                "0",
                "--state",
                str(Path(tmp) / "bench.db"),
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        try:
            line = server.stdout.readline().strip()  # type: ignore[union-attr]
            url = line.rsplit(" ", 1)[-1]
            if not url.startswith("http://"):
                print(f"# exchange did not start: {line!r}", file=sys.stderr)
                return 1
            gen = subprocess.run(
                [sys.executable, __file__, "--load", url, "--rate", str(RATE), "--seconds", str(SECONDS)],
                capture_output=True,
                text=True,
                cwd=ROOT,
                timeout=300,
            )
            if gen.returncode != 0:
                print(gen.stderr, file=sys.stderr)
                return 1
            out = json.loads(gen.stdout)
        finally:
            server.terminate()
            server.wait(30)
    latencies = sorted(ms for ms, _ in out["results"])
    errors = sum(1 for _, status in out["results"] if not 200 <= status < 300)
    print(f"exchange_rest_p50_ms: {percentile(latencies, 0.50):.2f}")
    print(f"exchange_rest_p99_ms: {percentile(latencies, 0.99):.2f}")
    print(f"exchange_rest_max_ms: {latencies[-1]:.2f}")
    print(f"exchange_rest_errors: {errors}")
    print(f"exchange_rest_rate: {len(latencies) / out['elapsed']:.1f}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--load")
    parser.add_argument("--rate", type=int, default=RATE)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    args = parser.parse_args()
    if args.load:
        asyncio.run(load(args.load, args.rate, args.seconds))
        sys.exit(0)
    sys.exit(main())
