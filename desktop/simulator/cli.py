"""``tastydesk-sim``: run the embedded exchange on its own (tests, scripts, other clients).

Prints exactly one line when ready, ``TastyDesk exchange listening on http://HOST:PORT``
(flushed), then serves until SIGINT/SIGTERM (or, with ``--until-stdin-closes``, until its
standard input closes: how the app's Demo mode runs it as a child process), shutting down
cleanly (state flushed).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
import threading
from pathlib import Path

from desktop.simulator.config import SESSION_MODES, ExchangeConfig
from desktop.simulator.runner import Exchange


def parse_args(argv: list[str] | None = None) -> tuple[ExchangeConfig, bool]:
    """The exchange's configuration and whether to stop when standard input closes."""
    p = argparse.ArgumentParser(
        prog="tastydesk-sim", description="The TastyDesk paper exchange (Tastytrade-compatible)."
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    p.add_argument("--seed", type=int, default=7, help="market model seed (default 7)")
    p.add_argument(
        "--state", type=Path, default=None, help="SQLite file keeping the accounts across restarts"
    )
    p.add_argument("--client-secret", default=None, help="require exactly this OAuth client secret")
    p.add_argument("--refresh-token", default=None, help="require exactly this OAuth refresh token")
    p.add_argument(
        "--sessions",
        choices=SESSION_MODES,
        default="always-open",
        help="always-open (markets move every day) or real (US market calendar)",
    )
    p.add_argument("--log-level", default="WARNING", help="logging level on stderr (default WARNING)")
    p.add_argument(
        "--until-stdin-closes",
        action="store_true",
        help="stop (cleanly) when standard input reaches its end: for running as a child process",
    )
    a = p.parse_args(argv)
    if (a.client_secret is None) != (a.refresh_token is None):
        p.error("--client-secret and --refresh-token go together")
    logging.basicConfig(
        level=a.log_level.upper(), stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = ExchangeConfig(
        host=a.host,
        port=a.port,
        seed=a.seed,
        state_path=a.state,
        client_secret=a.client_secret,
        refresh_token=a.refresh_token,
        sessions=a.sessions,
    )
    return config, a.until_stdin_closes


def _stop_when_stdin_closes(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    def watch() -> None:
        try:
            while sys.stdin.read(4096):
                pass
        except (OSError, ValueError):
            pass
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


async def serve(config: ExchangeConfig, until_stdin_closes: bool = False) -> None:
    exchange = Exchange(config)
    await exchange.start()
    print(f"TastyDesk exchange listening on {exchange.base_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises KeyboardInterrupt instead
            pass
    if until_stdin_closes:
        _stop_when_stdin_closes(loop, stop)
    try:
        await stop.wait()
    finally:
        await exchange.stop()


def main(argv: list[str] | None = None) -> int:
    config, until_stdin_closes = parse_args(argv)
    try:
        asyncio.run(serve(config, until_stdin_closes))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"tastydesk-sim: cannot listen on {config.host}:{config.port}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
