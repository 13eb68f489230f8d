"""DXLink delivery capacity of the embedded exchange: one client, Quote for 2,000 symbols.

The exchange runs in its own process (``python -m desktop.simulator.cli``); this process is a
plain ``websockets`` client that subscribes to Quote for 2,000 streamer symbols (underlyings
and options from the exchange's own chains) with a 0.1 s aggregation period, waits for the
first snapshot to settle, then counts decoded events for about 10 seconds.

Prints::

    exchange_events_per_s: N            events delivered to the one client per second
    exchange_stream_target_per_s: 20000 2,000 symbols x 10 updates/s
    exchange_stream_kept_up: yes|no     delivered >= 95 % of the target
    exchange_stream_cpu_percent: N      the exchange process's CPU use while streaming
    exchange_stream_max_gap_ms: N       the longest pause between two FEED_DATA messages
    exchange_stream_batches_per_s: N    bursts of FEED_DATA (one per flush that had changes;
                                        10 when both the market and the flushes keep pace)
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import connect

SYMBOLS = 2000
AGGREGATION_S = 0.1
TARGET_PER_S = SYMBOLS / AGGREGATION_S
WARMUP_S = 3.0
MEASURE_S = 10.0
FIELDS = ["eventType", "eventSymbol", "bidPrice", "askPrice", "bidSize", "askSize"]
UNDERLYINGS = ("SPY", "QQQ", "IWM", "AAPL", "MSFT", "NVDA", "TSLA", "AMZN")


def start_exchange(state: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop.simulator.cli", "--port", "0", "--state", str(state)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if "listening on" not in line:
        proc.kill()
        raise SystemExit(f"exchange did not start: {line!r}")
    return proc, line.rsplit(" ", 1)[-1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def pick_symbols(http: httpx.AsyncClient, headers: dict[str, str]) -> list[str]:
    symbols: list[str] = list(UNDERLYINGS)
    for underlying in UNDERLYINGS:
        chain = (await http.get(f"/option-chains/{underlying}/nested", headers=headers)).json()["data"][
            "items"
        ][0]
        for expiration in chain["expirations"]:
            for strike in expiration["strikes"]:
                symbols += [strike["call-streamer-symbol"], strike["put-streamer-symbol"]]
        if len(symbols) >= SYMBOLS * 2:
            break
    return symbols[:SYMBOLS]


async def measure(base_url: str, pid: int) -> dict[str, float]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
        grant = {"grant_type": "refresh_token", "refresh_token": "demo", "client_secret": "demo"}
        access = (await http.post("/oauth/token", json=grant)).json()["access_token"]
        headers = {"Authorization": f"Bearer {access}"}
        token_data = (await http.get("/api-quote-tokens", headers=headers)).json()["data"]
        symbols = await pick_symbols(http, headers)
    assert len(symbols) == SYMBOLS, f"only {len(symbols)} symbols found"
    async with connect(token_data["dxlink-url"], proxy=None, compression=None, max_size=None) as ws:
        for message in (
            {
                "type": "SETUP",
                "channel": 0,
                "version": "0.1-bench",
                "keepaliveTimeout": 60,
                "acceptKeepaliveTimeout": 60,
            },
            {"type": "AUTH", "channel": 0, "token": token_data["token"]},
            {"type": "CHANNEL_REQUEST", "channel": 1, "service": "FEED", "parameters": {"contract": "AUTO"}},
            {
                "type": "FEED_SETUP",
                "channel": 1,
                "acceptAggregationPeriod": AGGREGATION_S,
                "acceptDataFormat": "COMPACT",
                "acceptEventFields": {"Quote": FIELDS},
            },
        ):
            await ws.send(json.dumps(message))
        for start in range(0, SYMBOLS, 500):
            chunk = [{"type": "Quote", "symbol": s} for s in symbols[start : start + 500]]
            await ws.send(json.dumps({"type": "FEED_SUBSCRIPTION", "channel": 1, "add": chunk}))
        width = len(FIELDS)
        events = 0
        batches = 0
        max_gap = 0.0
        measuring = False
        begin = time.monotonic()
        last = begin
        while True:
            text = await ws.recv()
            now = time.monotonic()
            if not measuring and now - begin >= WARMUP_S:
                measuring, events, batches, started, last = True, 0, 0, now, now
                cpu_started = cpu_seconds(pid)
            if measuring and now - started >= MEASURE_S:
                cpu = (cpu_seconds(pid) - cpu_started) / (now - started) * 100
                break
            message = json.loads(text)
            if message["type"] == "FEED_DATA":
                events += len(message["data"][1]) // width
                batches += now - last > 0.03
                max_gap = max(max_gap, now - last) if measuring else 0.0
                last = now
        seconds = now - started
        return {
            "events_per_s": events / seconds,
            "max_gap_ms": max_gap * 1000,
            "cpu_percent": cpu,
            "batches_per_s": batches / seconds,
        }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        proc, base_url = start_exchange(Path(tmp) / "bench.sqlite3")
        try:
            result = asyncio.run(measure(base_url, proc.pid))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    rate = result["events_per_s"]
    print(f"exchange_events_per_s: {rate:.0f}")
    print(f"exchange_stream_target_per_s: {TARGET_PER_S:.0f}")
    print(f"exchange_stream_kept_up: {'yes' if rate >= 0.95 * TARGET_PER_S else 'no'}")
    print(f"exchange_stream_cpu_percent: {result['cpu_percent']:.0f}")
    print(f"exchange_stream_max_gap_ms: {result['max_gap_ms']:.0f}")
    print(f"exchange_stream_batches_per_s: {result['batches_per_s']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
