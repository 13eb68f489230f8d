"""What an ELF file needs from the dynamic linker: its ``NEEDED`` libraries and glibc symbol versions.

Read with ``objdump -p`` (binutils), the same facts ``ldd`` uses, without running anything.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

_VERSION_REF = re.compile(r"\bGLIBC_(\d+)\.(\d+)(?:\.(\d+))?\b")


@dataclass(frozen=True)
class ElfNeeds:
    """The dynamic-linking needs of one ELF file."""

    path: Path
    needed: tuple[str, ...]  # sonames from DT_NEEDED
    glibc: tuple[int, ...]  # highest GLIBC_x.y symbol version referenced, () if none


def is_elf(path: Path) -> bool:
    """True for a regular file starting with the ELF magic (symlinks are not followed)."""
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as fh:
        return fh.read(4) == b"\x7fELF"


def _objdump() -> str:
    tool = shutil.which("objdump")
    if tool is None:
        raise RuntimeError("objdump not found: install binutils (apt-get install binutils)")
    return tool


def read_needs(path: Path) -> ElfNeeds:
    """Parse ``objdump -p`` for one file."""
    proc = subprocess.run([_objdump(), "-p", str(path)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"objdump could not read {path}: {proc.stderr.strip()}")
    needed: list[str] = []
    glibc: tuple[int, ...] = ()
    for line in proc.stdout.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "NEEDED":
            needed.append(parts[1])
        for match in _VERSION_REF.finditer(line):
            version = tuple(int(g) for g in match.groups() if g is not None)
            glibc = max(glibc, version)
    return ElfNeeds(path=path, needed=tuple(needed), glibc=glibc)


def elf_files(root: Path) -> Iterator[Path]:
    """Every ELF file under ``root``, in a stable order."""
    for path in sorted(root.rglob("*")):
        if is_elf(path):
            yield path


def closure(start: Iterable[str], needs: dict[str, tuple[str, ...]]) -> set[str]:
    """Every name reachable from ``start`` through ``needs`` (name -> needed names), start included."""
    seen: set[str] = set()
    todo = list(start)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(n for n in needs.get(name, ()) if n not in seen)
    return seen
