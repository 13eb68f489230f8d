"""Load the reference's recorded JSON examples (tests/api/fixtures/reference)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "reference"


def load(name: str) -> Any:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def data(name: str) -> Any:
    return load(name)["data"]
