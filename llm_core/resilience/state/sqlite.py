"""The SQLite state store: one machine, several processes (``state.url = "sqlite:///path"``).

Standard library only. The database runs in WAL mode (readers never wait for the writer);
every write is one ``BEGIN IMMEDIATE`` transaction, so a lease count and its insert, or a token
bucket's read and update, are atomic across processes. Each thread has its own connection.
Times are wall-clock seconds so that every process agrees on them.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from llm_core.errors import ConfigurationError

__all__ = ["SQLiteState", "sqlite_path"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB, expires REAL);
CREATE TABLE IF NOT EXISTS leases (key TEXT, member TEXT, expires REAL,
                                   PRIMARY KEY (key, member));
CREATE TABLE IF NOT EXISTS buckets (key TEXT PRIMARY KEY, tokens REAL, stamp REAL);
"""


def sqlite_path(url: str) -> str:
    """The file of a ``sqlite:///relative.db`` or ``sqlite:////absolute.db`` URL."""
    path = url.removeprefix("sqlite://")
    path = path[1:] if path.startswith("/") else path
    if not path or path == ":memory:":
        raise ConfigurationError(
            f"invalid state.url {url!r}: a SQLite state store needs a file",
            hint="Use sqlite:///state.db (relative) or sqlite:////tmp/state.db (absolute); "
            "set LLM_CORE_STATE__URL.",
        )
    return path


class SQLiteState:
    """A :class:`~llm_core.resilience.state.StateStore` in one SQLite file."""

    def __init__(
        self, path: str | Path, timeout: float = 5.0, clock: Callable[[], float] = time.time
    ) -> None:
        """Open (and create) the database; ``timeout`` is how long a writer waits for the lock."""
        self.path, self.timeout, self.clock = str(path), timeout, clock
        self._local = threading.local()
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._setup(lambda: self._db().executescript(_SCHEMA))

    def _setup(self, step: Callable[[], Any]) -> Any:
        # Switching a fresh file to WAL (and creating its tables) can answer "database is
        # locked" at once, without waiting, while another process does the same: retry within
        # ``timeout`` instead of failing that process's start.
        give_up = time.monotonic() + self.timeout
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= give_up:
                    raise
                time.sleep(0.01)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            self._setup(lambda: db.execute("PRAGMA journal_mode=WAL"))
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def get(self, key: str) -> bytes | None:
        """The value under ``key``, or None when absent or expired."""
        row = (
            self._db()
            .execute("SELECT value FROM kv WHERE key = ? AND expires > ?", (key, self.clock()))
            .fetchone()
        )
        return None if row is None else bytes(row[0])

    def set(self, key: str, value: bytes, ttl: float) -> None:
        """Keep ``value`` for ``ttl`` seconds (expired rows are swept on the way)."""
        now = self.clock()
        with self._write() as db:
            db.execute("DELETE FROM kv WHERE expires <= ?", (now,))
            db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?, ?)", (key, value, now + ttl))

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        with self._write() as db:
            db.execute("DELETE FROM kv WHERE key = ?", (key,))

    def acquire(self, key: str, member: str, limit: int | None, ttl: float) -> bool:
        """Take lease ``member`` unless ``limit`` live leases are held (atomically)."""
        now = self.clock()
        with self._write() as db:
            db.execute("DELETE FROM leases WHERE key = ? AND expires <= ?", (key, now))
            if limit is not None:
                (held,) = db.execute("SELECT COUNT(*) FROM leases WHERE key = ?", (key,)).fetchone()
                if held >= limit:
                    return False
            db.execute("INSERT OR REPLACE INTO leases VALUES (?, ?, ?)", (key, member, now + ttl))
            return True

    def release(self, key: str, member: str) -> None:
        """Drop lease ``member``."""
        with self._write() as db:
            db.execute("DELETE FROM leases WHERE key = ? AND member = ?", (key, member))

    def counts(self, keys: list[str]) -> list[int]:
        """Live leases per key (one query)."""
        now, db = self.clock(), self._db()
        marks = ",".join("?" * len(keys))
        rows: dict[Any, int] = dict(
            db.execute(
                f"SELECT key, COUNT(*) FROM leases WHERE key IN ({marks}) AND expires > ? "
                "GROUP BY key",
                (*keys, now),
            ).fetchall()
        )
        return [rows.get(key, 0) for key in keys]

    def take(
        self, key: str, rate: float, burst: float, cost: float = 1.0, force: bool = False
    ) -> float:
        """Token bucket: 0.0 when ``cost`` tokens were taken, else seconds to wait (a cost <= 0
        refunds, ``force`` may leave a debt; never more than ``burst``)."""
        now = self.clock()
        with self._write() as db:
            row = db.execute("SELECT tokens, stamp FROM buckets WHERE key = ?", (key,)).fetchone()
            tokens, stamp = row if row else (burst, now)
            tokens = min(burst, tokens + max(0.0, now - stamp) * rate)
            taken = tokens >= cost or cost <= 0 or force
            wait = 0.0 if taken else (cost - tokens) / rate
            left = min(burst, tokens - cost) if taken else tokens
            db.execute("INSERT OR REPLACE INTO buckets VALUES (?, ?, ?)", (key, left, now))
            return wait

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
