"""Shared cooldowns on a real SQLite state file: two Clients with separate breaker registries
(as two processes have) see each other's cooldown, and a probe that recovers is published too."""

from __future__ import annotations

import anyio
import pytest

import llm_core
from llm_core.config import CooldownSettings
from llm_core.plugins import get_plugin_manager
from llm_core.resilience.cooldown import CooldownError, CooldownPlugin, CooldownRegistry
from llm_core.resilience.cooldown.shared import SharedCooldowns
from llm_core.resilience.state import SQLiteState
from llm_core.testing import RefusedPort


def test_registries_adopt_what_another_published(tmp_path) -> None:
    store, settings = SQLiteState(tmp_path / "s.db"), CooldownSettings(failures=1, cooldown=30)
    one, two = CooldownRegistry(), CooldownRegistry()
    shared = SharedCooldowns(store, "t:", interval=0.0)
    admission = one.admit("p", settings)
    assert one.record("p", settings, admission, llm_core.ConnectionError("down")) == "open"
    shared.publish("p", settings.cooldown, 1)
    assert shared.due("p")
    two.adopt("p", settings, *shared.decode(store.get("t:cooldown:p")))
    assert two.state("p", settings)["state"] == "open"
    assert not two.admit("p", settings).allowed
    shared.publish("p", 0.0, 0)  # a probe elsewhere closed it
    two.adopt("p", settings, *shared.decode(store.get("t:cooldown:p")))
    assert two.state("p", settings)["state"] == "closed"
    assert shared.decode(b"not json") is None and shared.decode(None) is None


def test_a_cooldown_that_ran_out_elsewhere_does_not_close_this_one(tmp_path) -> None:
    # The key outlives its cooldown (its TTL is at least a second); read after ``until`` it
    # says nothing, where reading it as "recovered" closed this process's own open breaker.
    store, settings = SQLiteState(tmp_path / "s.db"), CooldownSettings(failures=1, cooldown=30)
    mine, shared = CooldownRegistry(), SharedCooldowns(store, "t:", interval=0.0)
    admission = mine.admit("p", settings)
    assert mine.record("p", settings, admission, llm_core.ConnectionError("down")) == "open"
    store.set("t:cooldown:p", b'{"until": 1.0, "failures": 2}', 60)  # ran out long ago
    assert shared.decode(store.get("t:cooldown:p")) is None
    assert mine.state("p", settings)["state"] == "open"


@pytest.fixture
def fresh_breakers():
    """``fresh_breakers()``: a new breaker registry, as another process has (same stores)."""
    pm = get_plugin_manager()
    core = pm.get_plugin("llm_core.cooldown")

    def swap() -> None:
        pm.unregister(name="llm_core.cooldown")
        pm.register(CooldownPlugin(CooldownRegistry(), states=core.states), "llm_core.cooldown")

    yield swap
    pm.unregister(name="llm_core.cooldown")
    pm.register(core, name="llm_core.cooldown")


def call(url: str, settings: dict, asynchronous: bool) -> None:
    if not asynchronous:
        with llm_core.Client("openai", base_url=url, model="m", **settings) as client:
            client.generate("Hi", max_tokens=2)
        return

    async def main():
        async with llm_core.AsyncClient("openai", base_url=url, model="m", **settings) as client:
            await client.generate("Hi", max_tokens=2)  # closing it waits for the publication

    anyio.run(main)


@pytest.mark.parametrize("first_async", [False, True], ids=["sync-then-async", "async-then-sync"])
def test_clients_with_separate_breakers_share_a_cooldown_through_sqlite(
    tmp_path, fresh_breakers, first_async
) -> None:
    settings = {
        "retry": {"max_attempts": 1},
        "cooldown": {"failures": 1, "cooldown": 60},
        "state": {"url": f"sqlite:///{tmp_path}/state.db", "sync_interval": 0},
    }
    with RefusedPort() as refused:
        fresh_breakers()  # "process" one
        with pytest.raises(llm_core.ConnectionError):
            call(refused.url, settings, first_async)
        fresh_breakers()  # "process" two: its own registry, the same state file
        with pytest.raises(CooldownError):
            call(refused.url, settings, not first_async)
