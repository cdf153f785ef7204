"""The core state stores (memory, SQLite): values with TTL, expiring leases, token buckets,
and SQLite shared by several real processes."""

from __future__ import annotations

import subprocess
import sys

import anyio
import pytest

from llm_core.resilience.state import MemoryState, SQLiteState, StateStore, async_op


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "sqlite"])
def store_and_clock(request, tmp_path):
    clock = Clock()
    if request.param == "memory":
        return MemoryState(clock=clock), clock
    return SQLiteState(tmp_path / "state.db", clock=clock), clock


def test_values_expire(store_and_clock):
    store, clock = store_and_clock
    assert isinstance(store, StateStore)
    store.set("k", b"v", 10)
    assert store.get("k") == b"v"
    clock.now += 10
    assert store.get("k") is None
    store.set("k", b"w", 5)
    store.delete("k")
    assert store.get("k") is None


def test_leases_respect_the_limit_and_expire(store_and_clock):
    store, clock = store_and_clock
    assert store.acquire("d", "a", 2, 30) and store.acquire("d", "b", 2, 30)
    assert not store.acquire("d", "c", 2, 30)
    store.release("d", "a")
    assert store.counts(["d", "other"]) == [1, 0]
    clock.now += 30  # a crashed holder's lease runs out
    assert store.counts(["d"]) == [0]
    assert store.acquire("d", "c", 1, 30)


def test_token_bucket_refills_at_its_rate(store_and_clock):
    store, clock = store_and_clock
    assert store.take("b", 2.0, 2.0) == 0.0
    assert store.take("b", 2.0, 2.0) == 0.0
    assert store.take("b", 2.0, 2.0) == pytest.approx(0.5)
    clock.now += 0.5
    assert store.take("b", 2.0, 2.0) == 0.0


def test_async_callers_get_the_same_answers(store_and_clock):
    store, _ = store_and_clock
    store.set("k", b"v", 10)
    assert anyio.run(async_op, store, "get", "k") == b"v"
    assert anyio.run(async_op, store, "acquire", "d", "a", 1, 10) is True
    assert anyio.run(async_op, store, "acquire", "d", "b", 1, 10) is False


WORKER = """
import sys
from llm_core.resilience.state import SQLiteState
store = SQLiteState(sys.argv[1])
taken = sum(store.acquire("slots", f"{sys.argv[2]}-{i}", 10, 60) for i in range(20))
print(taken)
"""


def test_sqlite_leases_are_one_budget_across_processes(tmp_path):
    path = str(tmp_path / "shared.db")
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, path, str(n)], stdout=subprocess.PIPE)
        for n in range(4)
    ]
    taken = [int(p.communicate(timeout=60)[0]) for p in procs]
    assert sum(taken) == 10  # BEGIN IMMEDIATE: never more than the limit, whoever asks
    assert SQLiteState(path).counts(["slots"]) == [10]
