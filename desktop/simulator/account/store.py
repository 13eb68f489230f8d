"""SQLite persistence of the accounts (WAL; every batch committed before the HTTP answer).

Rows are JSON documents keyed by their natural ids; a ``Batch`` collects upserts and deletes
of one state change and ``commit`` writes them in one transaction. WAL with
``synchronous=NORMAL`` survives a killed process (the OS holds committed pages); a clean
shutdown checkpoints the WAL into the main file.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
TABLES = {
    "accounts": "number TEXT PRIMARY KEY, doc TEXT NOT NULL",
    "positions": "account TEXT NOT NULL, symbol TEXT NOT NULL, doc TEXT NOT NULL, "
    "PRIMARY KEY (account, symbol)",
    "orders": "id INTEGER PRIMARY KEY, account TEXT NOT NULL, doc TEXT NOT NULL",
    "complex_orders": "id INTEGER PRIMARY KEY, account TEXT NOT NULL, doc TEXT NOT NULL",
    "transactions": "id INTEGER PRIMARY KEY, account TEXT NOT NULL, doc TEXT NOT NULL",
    "watchlists": "name TEXT PRIMARY KEY, doc TEXT NOT NULL",
    "snapshots": "account TEXT NOT NULL, day TEXT NOT NULL, tod TEXT NOT NULL, doc TEXT NOT NULL, "
    "PRIMARY KEY (account, day, tod)",
}
KEYS = {
    "accounts": ("number",),
    "positions": ("account", "symbol"),
    "orders": ("id", "account"),
    "complex_orders": ("id", "account"),
    "transactions": ("id", "account"),
    "watchlists": ("name",),
    "snapshots": ("account", "day", "tod"),
}


@dataclass
class Batch:
    """Pending writes of one state change."""

    upserts: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    deletes: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)

    def put(self, table: str, key: tuple[Any, ...], doc: dict[str, Any]) -> None:
        self.upserts.append((table, key, doc))

    def delete(self, table: str, key: tuple[Any, ...]) -> None:
        self.deletes.append((table, key))

    def __bool__(self) -> bool:
        return bool(self.upserts or self.deletes or self.meta)


class StateFileError(RuntimeError):
    """The state file cannot be used (not SQLite, corrupt, or from an incompatible version)."""


class Store:
    """The state file (``None`` path: an in-memory database with the same behaviour)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.write_ms_total = 0.0
        self.writes = 0
        try:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                str(path) if path else ":memory:", check_same_thread=False, isolation_level=None
            )
            self._init_schema()
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StateFileError(f"cannot use the exchange state file {path}: {exc}") from exc
        version = self.get_meta("schema")
        if version != str(SCHEMA_VERSION):
            self._db.close()
            raise StateFileError(
                f"the exchange state file {path} has schema version {version}; "
                f"this version reads {SCHEMA_VERSION}"
            )

    def _init_schema(self) -> None:
        db = self._db
        if self.path is not None:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for table, columns in TABLES.items():
            db.execute(f"CREATE TABLE IF NOT EXISTS {table} ({columns})")
        if self.get_meta("schema") is None:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else row[0]

    def load(self, table: str) -> list[dict[str, Any]]:
        return [json.loads(doc) for (doc,) in self._db.execute(f"SELECT doc FROM {table}")]

    def commit(self, batch: Batch) -> None:
        """Write the batch in one transaction (no-op when empty)."""
        if not batch:
            return
        t0 = time.perf_counter()
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                for table, key in batch.deletes:
                    cols = KEYS[table][: len(key)]
                    where = " AND ".join(f"{c} = ?" for c in cols)
                    db.execute(f"DELETE FROM {table} WHERE {where}", key)
                for table, key, doc in batch.upserts:
                    cols = KEYS[table]
                    marks = ", ".join("?" for _ in range(len(cols) + 1))
                    db.execute(
                        f"INSERT OR REPLACE INTO {table} ({', '.join(cols)}, doc) VALUES ({marks})",
                        (*key, json.dumps(doc, separators=(",", ":"))),
                    )
                for key, value in batch.meta.items():
                    db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        self.write_ms_total += (time.perf_counter() - t0) * 1000
        self.writes += 1

    def close(self) -> None:
        with self._lock:
            try:
                if self.path is not None:
                    self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                log.warning("state file checkpoint failed: %s", exc)
            self._db.close()
