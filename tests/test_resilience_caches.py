"""Cache building blocks with fake clocks: the LRU+TTL store, the model-list holder,
single-flight for threads and tasks, and response keys that never hold a secret."""

from __future__ import annotations

import threading
import time

import anyio
import pytest
from support.fake_clock import FakeClock

from llm_core import ModelInfo, Request, Response
from llm_core import errors as e
from llm_core.config import ProviderConfig
from llm_core.resilience.cache import MemoryStore, ModelCache, response_key
from llm_core.resilience.singleflight import AsyncSingleFlight, SingleFlight


def resp(text: str) -> Response:
    return Response(text, "m", "openai")


def test_store_expires_entries_after_their_ttl() -> None:
    clock = FakeClock(0.0)
    store = MemoryStore(4, clock=clock.now)
    store.set("a", resp("A"), ttl=10)
    clock.advance(9.9)
    assert store.get("a").content == "A"
    clock.advance(0.2)
    assert store.get("a") is None
    assert len(store) == 0


def test_store_evicts_the_least_recently_used() -> None:
    store = MemoryStore(2)
    store.set("a", resp("A"), 60)
    store.set("b", resp("B"), 60)
    assert store.get("a") is not None  # a is now more recent than b
    store.set("c", resp("C"), 60)
    assert store.get("b") is None
    assert [store.get(k).content for k in ("a", "c")] == ["A", "C"]
    store.clear()
    assert len(store) == 0


def test_store_rejects_a_size_below_one() -> None:
    with pytest.raises(ValueError, match="max_entries"):
        MemoryStore(0)


def test_store_is_safe_under_threads() -> None:
    store = MemoryStore(64)

    def worker(n: int) -> None:
        for i in range(500):
            store.set(f"{n}-{i % 100}", resp(str(i)), 60)
            store.get(f"{(n + 1) % 8}-{i % 100}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store) == 64


def test_model_cache_ttl_and_invalidation_winning_a_race() -> None:
    clock = FakeClock(0.0)
    cache = ModelCache(ttl=5, clock=clock.now)
    models = [ModelInfo("a", "openai")]
    assert cache.get() is None
    cache.put(models, cache.generation)
    assert cache.get() == models
    clock.advance(5)
    assert cache.get() is None
    started = cache.generation  # a fetch starts ...
    cache.invalidate()  # ... the list is invalidated while it runs ...
    cache.put(models, started)  # ... so what it fetched is not kept
    assert cache.get() is None


def test_single_flight_runs_one_call_for_concurrent_threads() -> None:
    flight, calls, gate = SingleFlight(), [], threading.Event()
    results: list[tuple[str, bool]] = []

    def call() -> str:
        calls.append(1)
        gate.wait(5)
        return "value"

    def worker() -> None:
        results.append(flight.run("k", call))

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    while len(flight._flights) == 0:
        time.sleep(0.001)
    time.sleep(0.05)  # let every thread reach the wait
    gate.set()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert sorted(led for _, led in results) == [False] * 15 + [True]
    assert {v for v, _ in results} == {"value"}


def test_single_flight_shares_an_error_but_not_a_deadline() -> None:
    flight = SingleFlight()

    def boom() -> str:
        raise e.ServerError("down")

    with pytest.raises(e.ServerError):
        flight.run("k", boom)
    assert flight._flights == {}  # nothing kept: the next call runs again
    assert flight.run("k", lambda: "ok") == ("ok", True)


def test_a_waiter_never_waits_past_its_deadline() -> None:
    flight, gate = SingleFlight(), threading.Event()
    leader = threading.Thread(target=lambda: flight.run("k", lambda: gate.wait(5)))
    leader.start()
    while not flight._flights:
        time.sleep(0.001)
    with pytest.raises(e.TimeoutError) as info:
        flight.run("k", lambda: "never", deadline=time.monotonic() + 0.01)
    assert info.value.phase == "deadline"
    gate.set()
    leader.join()


@pytest.mark.anyio
async def test_async_single_flight_runs_one_call_for_concurrent_tasks() -> None:
    flight, calls, results = AsyncSingleFlight(), [], []

    async def call() -> str:
        calls.append(1)
        await anyio.sleep(0.01)
        return "value"

    async def worker() -> None:
        results.append(await flight.run("k", call))

    async with anyio.create_task_group() as tg:
        for _ in range(50):
            tg.start_soon(worker)
    assert len(calls) == 1
    assert sorted(led for _, led in results) == [False] * 49 + [True]


@pytest.mark.anyio
async def test_a_cancelled_leader_lets_a_waiter_run_the_call_itself() -> None:
    flight, calls, results = AsyncSingleFlight(), [], []
    leader_scope = anyio.CancelScope()

    async def slow() -> str:
        calls.append("leader")
        await anyio.sleep(10)
        return "never"

    async def fast() -> str:
        calls.append("waiter")
        return "mine"

    async def leader() -> None:
        with leader_scope:
            await flight.run("k", slow)

    async def waiter() -> None:
        results.append(await flight.run("k", fast))

    with anyio.fail_after(5):
        async with anyio.create_task_group() as tg:
            tg.start_soon(leader)
            await anyio.sleep(0.01)
            tg.start_soon(waiter)
            await anyio.sleep(0.01)
            leader_scope.cancel()
    assert calls == ["leader", "waiter"]
    assert results == [("mine", True)]


def test_response_key_never_holds_the_api_key_and_tracks_what_shapes_the_answer() -> None:
    secret = "sk-very-secret-123"
    a = ProviderConfig(provider="openai", base_url="http://h:1/v1", api_key=secret)
    b = ProviderConfig(provider="openai", base_url="http://h:1/v1", api_key="other")
    req = Request("hi", temperature=0)
    key = response_key(a, "m", req)
    assert secret not in key
    assert len(key) == 64
    assert key == response_key(b, "m", req)  # the key does not depend on the credential
    assert key != response_key(a, "m2", req)
    assert key != response_key(a, "m", Request("hi", temperature=0, max_tokens=5))
    other_host = ProviderConfig(provider="openai", base_url="http://h:2/v1")
    assert key != response_key(other_host, "m", req)
