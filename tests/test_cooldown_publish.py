"""The async shell publishes an opened or closed breaker in a background task: kept referenced,
its failure one StateStoreWarning (never "exception was never retrieved"), and
``AsyncClient.aclose()`` waits for it (or cancels it after a bound) -- nothing left behind."""

from __future__ import annotations

import asyncio
import gc
import warnings

import pytest

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


async def watched(body) -> list:
    """Run ``body()`` and return what reached the loop's exception handler."""
    reported: list = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: reported.append(context))
    await body()
    gc.collect()
    await asyncio.sleep(0)
    return reported


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
        reported = asyncio.run(watched(body))
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

    assert asyncio.run(watched(body)) == []
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
        reported = asyncio.run(watched(body))
    assert reported == []
