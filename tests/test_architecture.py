"""The layering rules of docs/architecture.md, checked on the real source tree."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "desktop"
QT = ("PySide6", "qasync", "pyqtgraph", "shiboken6")
IO = ("httpx", "websockets", "aiohttp", "sqlite3", "socket", "keyring")

# layer -> top-level modules it must never import
FORBIDDEN = {
    "core": (*QT, *IO, "desktop.api", "desktop.services", "desktop.ui", "desktop.simulator", "desktop.app"),
    "api": (*QT, "desktop.services", "desktop.ui", "desktop.simulator", "desktop.app"),
    "services": ("desktop.ui", "desktop.simulator", "desktop.app"),
    "ui": ("desktop.simulator", "desktop.app"),
    "simulator": (*QT, "desktop.api", "desktop.services", "desktop.ui", "desktop.app"),
}


def _imports(path: Path) -> list[tuple[int, str]]:
    """Absolute names of everything ``path`` imports; relative imports (``from ..x import y``)
    are resolved against the module's package, so they cannot slip past the rules."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = list(path.relative_to(ROOT.parent).parent.parts)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            if node.module:
                found.append((node.lineno, ".".join([*base, node.module])))
            else:  # from . import x: x may be a module
                found += [(node.lineno, ".".join([*base, a.name])) for a in node.names]
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_down(layer: str) -> None:
    bad = []
    for path in sorted((ROOT / layer).rglob("*.py")):
        for lineno, name in _imports(path):
            if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]):
                bad.append(f"{path.relative_to(ROOT.parent)}:{lineno} imports {name}")
    assert not bad, "layering violated:\n" + "\n".join(bad)


def test_no_module_past_the_size_limit() -> None:
    """One module, one job: a file past ~400 lines wants splitting (a little slack allowed)."""
    big = []
    for path in ROOT.rglob("*.py"):
        with path.open(encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > 450:
            big.append(f"{path.relative_to(ROOT.parent)} ({n} lines)")
    assert not big, "split these modules by job:\n" + "\n".join(big)
