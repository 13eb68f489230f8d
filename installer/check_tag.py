"""Fail a release whose tag does not match the package version (``v`` + ``desktop.__version__``).

Usage: ``python installer/check_tag.py v1.2.3`` (the release workflow passes ``$GITHUB_REF_NAME``).
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from installer import metadata


def tag_problem(tag: str, version: str) -> str | None:
    """Why ``tag`` cannot release ``version``, or None when it matches."""
    expected = f"v{version}"
    if tag != expected:
        return f"tag {tag!r} does not match the package version: expected {expected!r} (desktop/__init__.py)"
    return None


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: check_tag.py TAG", file=sys.stderr)
        return 2
    problem = tag_problem(args[0], metadata.load().version)
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print(f"tag {args[0]} matches the package version")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
