"""The state stores' conformance (memory, SQLite and, when installed, Redis on a real server):
values with TTL, expiring leases, token buckets; and SQLite shared by several real processes."""

from __future__ import annotations

import subprocess
import sys
import time

import anyio
import pytest

from llm_core.resilience.state import MemoryState, SQLiteState, StateStore, async_op


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store_and_clock(request, tmp_path):
    """A store and ``advance(seconds)``: a fake clock's, or (Redis: the server's) a real wait."""
    clock = Clock()

    def advance(seconds):
        clock.now += seconds

    if request.param == "memory":
        yield MemoryState(clock=clock), advance
    elif request.param == "sqlite":
        yield SQLiteState(tmp_path / "state.db", clock=clock), advance
    else:
        from llm_core_redis import RedisState

        server = request.getfixturevalue("redis_server")
        store = RedisState(server.url, timeout=2.0)
        store._sync.client.flushdb()
        yield store, time.sleep
        store.close()


def test_values_expire(store_and_clock):
    store, advance = store_and_clock
    assert isinstance(store, StateStore)
    store.set("k", b"v", 0.3)
    assert store.get("k") == b"v"
    advance(0.35)
    assert store.get("k") is None
    store.set("k", b"w", 5)
    store.delete("k")
    assert store.get("k") is None


def test_leases_respect_the_limit_and_expire(store_and_clock):
    store, advance = store_and_clock
    assert store.acquire("d", "a", 2, 1.0) and store.acquire("d", "b", 2, 1.0)
    assert not store.acquire("d", "c", 2, 1.0)
    store.release("d", "a")
    assert store.counts(["d", "other"]) == [1, 0]
    advance(1.05)  # a crashed holder's lease runs out
    assert store.counts(["d"]) == [0]
    assert store.acquire("d", "c", 1, 1.0)
    assert store.acquire("d", "unlimited", None, 1.0)


def test_token_bucket_refills_at_its_rate(store_and_clock):
    store, advance = store_and_clock
    assert store.take("b", 2.0, 2.0) == 0.0
    assert store.take("b", 2.0, 2.0) == 0.0
    assert store.take("b", 2.0, 2.0) == pytest.approx(0.5, abs=0.1)
    advance(0.5)
    assert store.take("b", 2.0, 2.0) == 0.0


def test_async_callers_get_the_same_answers(store_and_clock):
    store, _ = store_and_clock
    store.set("k", b"v", 10)

    async def main():
        try:
            got = await async_op(store, "get", "k")
            first = await async_op(store, "acquire", "d", "a", 1, 10)
            second = await async_op(store, "acquire", "d", "b", 1, 10)
            return got, first, second, await async_op(store, "counts", ["d"])
        finally:
            if hasattr(store, "aclose"):
                await store.aclose()  # an asyncio connection belongs to its loop

    assert anyio.run(main) == (b"v", True, False, [1])


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


def test_a_refund_is_always_applied_and_the_bucket_stays_capped_at_its_burst(store_and_clock):
    store, _ = store_and_clock
    assert store.take("t", 0.001, 10.0, 8.0) == 0.0  # 2 left
    assert store.take("t", 0.001, 10.0, -5.0) == 0.0  # a refund: 7 left
    assert store.take("t", 0.001, 10.0, 7.0) == 0.0
    assert store.take("t", 0.001, 10.0, -50.0) == 0.0  # refunding more than was taken: full
    assert store.take("t", 0.001, 10.0, 10.0) == 0.0
    assert store.take("t", 0.001, 10.0, 1.0) > 0  # never more than the burst came back


def test_a_forced_take_leaves_a_debt_that_later_takes_wait_for(store_and_clock):
    store, _ = store_and_clock
    assert store.take("d", 1.0, 10.0, 10.0) == 0.0
    assert store.take("d", 1.0, 10.0, 5.0) > 0  # refused: nothing taken
    assert store.take("d", 1.0, 10.0, 5.0, True) == 0.0  # forced: 5 owed
    assert store.take("d", 1.0, 10.0, 1.0) == pytest.approx(6.0, abs=0.2)
    assert store.take("d", 1.0, 10.0, -3.0) == 0.0  # a refund pays part of the debt
    assert store.take("d", 1.0, 10.0, 1.0) == pytest.approx(3.0, abs=0.2)
