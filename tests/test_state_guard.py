"""Guarded shared stores: a backend fault (a real SQLite lock held by another connection) is
served from local memory with one StateStoreWarning per outage, and the backend is used again
once it answers; the StateStores registry opens memory and sqlite URLs and names bad ones."""

from __future__ import annotations

import sqlite3
import warnings

import anyio
import pytest

from llm_core.config import Settings
from llm_core.errors import ConfigurationError
from llm_core.resilience.state import MemoryState, SQLiteState, StateStoreWarning
from llm_core.resilience.state.guard import Guarded
from llm_core.resilience.state.plugin import StatePlugin, StateStores


def locked(path):
    """Another connection holding the write lock: every writer of ``path`` times out."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")
    return db


def test_a_locked_backend_is_served_locally_with_one_warning(tmp_path):
    path = tmp_path / "s.db"
    guard = Guarded(SQLiteState(path, timeout=0.05), "sqlite:///s.db", retry_after=0.2)
    guard.set("a", b"shared", 60)
    blocker = locked(path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        guard.set("b", b"local", 60)
        assert guard.get("b") == b"local"  # answered by local memory while down
        assert guard.acquire("lease", "m1", 1, 60) is True
    assert [w.category for w in caught] == [StateStoreWarning]
    assert "sqlite:///s.db" in str(caught[0].message)
    assert guard.down and guard.outages == 1
    blocker.execute("ROLLBACK")
    blocker.close()
    guard.down_until = 0.1  # the retry time passed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert guard.get("a") == b"shared"
    assert not guard.down


def test_the_async_twins_are_bounded_and_degrade_the_same_way(tmp_path):
    path = tmp_path / "s.db"
    guard = Guarded(SQLiteState(path, timeout=5.0), "sqlite:///s.db", timeout=0.1)

    async def main():
        await guard.aset("k", b"v", 60)
        assert await guard.aget("k") == b"v"
        blocker = locked(path)
        with pytest.warns(StateStoreWarning):
            await guard.aset("k2", b"v2", 60)  # the 5 s lock wait is cut at 0.1 s
        blocker.execute("ROLLBACK")
        return await guard.aget("k2")

    assert anyio.run(main) == b"v2"


def test_state_stores_open_one_store_per_url_and_name_unknown_schemes(tmp_path):
    plugin = StatePlugin()
    stores = StateStores(plugin.llm_core_state_store)
    memory = Settings(provider="ollama")
    assert isinstance(stores.get(memory), MemoryState) and not stores.shared(memory)
    assert stores.get(memory) is stores.get(memory)
    sqlite = Settings(provider="ollama", state={"url": f"sqlite:///{tmp_path}/x.db"})
    assert isinstance(stores.get(sqlite), Guarded) and stores.shared(sqlite)
    unknown = Settings(provider="ollama", state={"url": "memcached://localhost:11211"})
    with pytest.raises(ConfigurationError, match="no plugin opens 'memcached'"):
        stores.get(unknown)
    stores.reset()
