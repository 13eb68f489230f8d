"""``tastydesk`` / ``python -m desktop``: parse the command line and start the app."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import APP_NAME, __version__


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="tastydesk",
        description=f"{APP_NAME}: a desktop trading terminal for Tastytrade accounts.",
        epilog="With no saved credentials TastyDesk starts in Demo mode on its built-in paper exchange.",
    )
    p.add_argument(
        "--env",
        choices=("demo", "sandbox", "production"),
        default=None,
        help="environment to use (default: the one whose credentials are saved, else demo)",
    )
    p.add_argument(
        "--smoke-test",
        action="store_true",
        help="start in Demo mode offscreen, wait until every panel has loaded, then exit (0 = all loaded)",
    )
    p.add_argument(
        "--screenshot", type=Path, metavar="PATH", help="with --smoke-test: save the main window as PNG"
    )
    p.add_argument(
        "--smoke-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="with --smoke-test: give up after this",
    )
    p.add_argument("--debug", action="store_true", help="log DEBUG detail (to the log file and the console)")
    p.add_argument("--reset-layout", action="store_true", help="start with the default window layout")
    p.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    args = p.parse_args(argv)
    if args.screenshot and not args.smoke_test:
        p.error("--screenshot needs --smoke-test")
    if args.smoke_test and args.env not in (None, "demo"):
        p.error("--smoke-test always runs in Demo mode")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run-exchange"]:  # the frozen app running its own Demo exchange (a child process)
        from desktop.simulator.cli import main as exchange_main

        return exchange_main(argv[1:])
    args = parse_args(argv)
    from desktop.app import AppOptions, run

    return run(
        AppOptions(
            env=args.env,
            smoke_test=args.smoke_test,
            screenshot=args.screenshot,
            smoke_timeout_s=args.smoke_timeout,
            debug=args.debug,
            reset_layout=args.reset_layout,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
