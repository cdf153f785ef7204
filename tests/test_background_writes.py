"""Writes the async shells start from plain callbacks run as background tasks
(``llm_core.resilience.background``): a breaker's publication, a finished stream's cache entry,
a stream's router lease. Each is kept referenced, its failure one warning (never "exception was
never retrieved"), and ``AsyncClient.aclose()`` waits for it (or cancels it after a bound) --
nothing left behind. Real SQLite stores and the Ollama emulator on a real socket."""

from __future__ import annotations

import asyncio
import gc
import warnings

import pytest
from support.ollama_emulator import OllamaEmulator

import llm_core
from llm_core.resilience.cooldown.shared import SharedCooldowns
from llm_core.resilience.state import SQLiteState, StateStoreWarning
from llm_core.testing import RefusedPort


class BrokenStore:
    """A store whose async write raises (a Guarded store never does; another store might)."""

    def set(self, key: str, value: bytes, ttl: float) -> None:
        raise OSError("disk on fire")

    async def aset(self, key: str, value: bytes, ttl: float) -> None:
        raise OSError("disk on fire")


class StuckStore:
    """A store whose async write never ends."""

    def __init__(self) -> None:
        self.cancelled = 0

    async def aset(self, key: str, value: bytes, ttl: float) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


async def watched(body) -> tuple:
    """Run ``body()``: its result, and what reached the loop's exception handler."""
    reported: list = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    result = await body()
    gc.collect()
    await asyncio.sleep(0)
    return result, reported


def test_a_failed_publication_is_one_warning_not_a_lost_exception() -> None:
    shared = SharedCooldowns(BrokenStore(), "t:", interval=0.0)

    async def body() -> None:
        shared.publish("p", 30.0, 2)
        shared.publish("q", 30.0, 2)
        assert len(shared.background.pending()) == 2  # kept referenced while they run
        await shared.drain()
        assert shared.background.pending() == []

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _, reported = asyncio.run(watched(body))
    assert reported == []
    assert [w.category for w in caught] == [StateStoreWarning]
    assert "disk on fire" in str(caught[0].message)


def test_drain_cancels_a_publication_that_does_not_end() -> None:
    store = StuckStore()
    shared = SharedCooldowns(store, "t:", interval=0.0, timeout=0.05)

    async def body() -> None:
        shared.publish("p", 30.0, 2)
        await shared.drain()  # bounded by the timeout
        assert shared.background.pending() == []

    assert asyncio.run(watched(body)) == (None, [])
    assert store.cancelled == 1


def test_aclose_waits_for_the_publication(tmp_path) -> None:
    path = tmp_path / "state.db"
    settings = {
        "retry": {"max_attempts": 1},
        "cooldown": {"failures": 1, "cooldown": 60},
        "state": {"url": f"sqlite:///{path}", "sync_interval": 0},
    }

    async def body() -> None:
        client = llm_core.AsyncClient("openai", base_url=refused.url, model="m", **settings)
        try:
            with pytest.raises(llm_core.ConnectionError):
                await client.generate("Hi", max_tokens=2)  # the breaker opens: a publication
        finally:
            await client.aclose()
        key = f"llm_core:cooldown:openai:m@{refused.url}"
        assert SQLiteState(path).get(key) is not None  # written before aclose returned

    with RefusedPort() as refused:
        assert asyncio.run(watched(body)) == (None, [])


def test_aclose_waits_for_a_streamed_answer_to_reach_the_shared_cache(tmp_path) -> None:
    path = tmp_path / "state.db"
    with OllamaEmulator() as server:
        kwargs = {
            "base_url": server.url,
            "model": "llama3.2",
            "cache": {"responses": True, "shared": True},
            "state": {"url": f"sqlite:///{path}"},
        }

        async def body() -> None:
            client = llm_core.AsyncClient("ollama", **kwargs)
            async with client, client.stream("Hi", temperature=0, max_tokens=4) as stream:
                async for _ in stream:
                    pass  # its end stores the answer from a callback: a task
            # closed: the entry is in the store before any other process looks

        assert asyncio.run(watched(body)) == (None, [])
        with llm_core.Client("ollama", **kwargs) as client:
            assert client.generate("Hi", temperature=0, max_tokens=4).cached
        assert server.count("/api/chat") == 1


def test_aclose_waits_for_a_stream_to_give_its_router_lease_back(tmp_path) -> None:
    path = tmp_path / "state.db"
    with OllamaEmulator() as server:
        one = {"provider": "ollama", "base_url": server.url, "name": "d0"}
        kwargs = {
            "model": "llama3.2",
            "router": {"deployments": [one]},
            "state": {"url": f"sqlite:///{path}"},
        }

        async def body() -> str:
            async with llm_core.AsyncClient("router", **kwargs) as client:
                key = client.adapter.capacity.leases[0]
                async with client.stream("Hi", max_tokens=4) as stream:
                    async for _ in stream:
                        pass  # its end gives the lease back from a callback: a task
            return key

        key, reported = asyncio.run(watched(body))
    assert reported == []
    assert SQLiteState(path).counts([key]) == [0]  # released before aclose returned
