"""The response-store protocol on both clients: an async store is awaited, a blocking sync store
runs off the event loop, and a store that fails is a miss with one warning, never a failed call."""

from __future__ import annotations

import threading
import warnings

import anyio
import pytest
from support.resilience import resilience_env, script

import llm_core
from llm_core.resilience.cache.access import StoreWarning

CACHE = {"cache": {"responses": True, "force": True}}


class DictStore:
    """A sync store that records which thread each call ran on."""

    def __init__(self) -> None:
        self.items: dict = {}
        self.threads: list[int] = []

    def get(self, key):
        self.threads.append(threading.get_ident())
        return self.items.get(key)

    def set(self, key, value, ttl):
        self.threads.append(threading.get_ident())
        self.items[key] = value


class AsyncDictStore(DictStore):
    """A store with native coroutines, as a Redis store on redis.asyncio would have."""

    def __init__(self) -> None:
        super().__init__()
        self.awaited: list[str] = []

    async def aget(self, key):
        self.awaited.append("get")
        await anyio.sleep(0)
        return self.items.get(key)

    async def aset(self, key, value, ttl):
        self.awaited.append("set")
        self.items[key] = value


class BrokenStore:
    """A store whose server is down."""

    def get(self, key):
        raise OSError("redis://:hunter2@cache:6379 refused")

    def set(self, key, value, ttl):
        raise OSError("redis://:hunter2@cache:6379 refused")


def store_plugin(store):
    class StorePlugin:
        @llm_core.hookimpl
        def llm_core_response_cache_store(self):
            return store

    return StorePlugin()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


async def twice(stream: bool = False) -> list[llm_core.Response]:
    async with llm_core.AsyncClient("scripted", base_url="http://a", **CACHE) as client:
        if stream:
            first = await client.stream("hi").until_done()
            await anyio.sleep(0.01)  # the stream's store write is a task on the loop
        else:
            first = await client.generate("hi")
        return [first, await client.generate("hi")]


@pytest.mark.parametrize("stream", [False, True])
def test_an_async_store_is_awaited_by_the_async_client(env, stream) -> None:
    store = AsyncDictStore()
    env.pm.register(store_plugin(store), name="store")
    script("a", "answer", "unused")
    first, second = anyio.run(twice, stream)
    assert (first.cached, second.cached, second.content) == (False, True, "answer")
    assert store.awaited == ["get", "set", "get"] and store.threads == []


def test_a_blocking_sync_store_runs_off_the_event_loop(env) -> None:
    store = DictStore()
    env.pm.register(store_plugin(store), name="store")
    script("a", "answer", "unused")
    loop_thread: list[int] = []

    async def main():
        loop_thread.append(threading.get_ident())
        return await twice()

    assert [r.cached for r in anyio.run(main)] == [False, True]
    assert len(store.threads) == 3 and loop_thread[0] not in store.threads


def test_the_sync_client_calls_a_sync_store_in_place(env) -> None:
    store = AsyncDictStore()  # the sync client uses get/set even when coroutines exist
    env.pm.register(store_plugin(store), name="store")
    script("a", "answer", "unused")
    with llm_core.Client("scripted", base_url="http://a", **CACHE) as client:
        assert [client.generate("hi").cached for _ in range(2)] == [False, True]
    assert store.awaited == [] and set(store.threads) == {threading.get_ident()}


@pytest.mark.parametrize("mode", ["sync", "async", "stream"])
def test_a_failing_store_is_a_miss_with_one_warning(env, mode) -> None:
    env.pm.register(store_plugin(BrokenStore()), name="store")
    script("a", "one", "two", "three")
    llm_core.errors.remember_secret("hunter2")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if mode == "async":

            async def main():
                async with llm_core.AsyncClient("scripted", base_url="http://a", **CACHE) as c:
                    return [(await c.generate("hi")).content for _ in range(3)]

            contents = anyio.run(main)
        else:
            with llm_core.Client("scripted", base_url="http://a", **CACHE) as client:
                if mode == "sync":
                    contents = [client.generate("hi").content for _ in range(3)]
                else:
                    contents = [client.stream("hi").until_done().content for _ in range(3)]
    assert contents == ["one", "two", "three"]  # every call served, none from the cache
    store_warnings = [w for w in caught if issubclass(w.category, StoreWarning)]
    assert len(store_warnings) == 1
    text = str(store_warnings[0].message)
    assert "BrokenStore.get failed" in text and "hunter2" not in text
