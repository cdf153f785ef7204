"""Response and model-list caches through the clients, on a scripted provider."""

from __future__ import annotations

import threading

import anyio
import pytest
from support.resilience import MODES, e, resilience_env, script

import llm_core
from llm_core import Response
from llm_core.layers import Layer

CACHE = {"cache": {"responses": True}}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


def twice(mode: str, kwargs: dict, **fields) -> tuple[Response, Response]:
    """Two identical requests on one client."""
    if mode in ("sync", "stream"):
        with llm_core.Client("scripted", base_url="http://a", **kwargs) as client:
            if mode == "sync":
                return client.generate("hi", **fields), client.generate("hi", **fields)
            return (
                client.stream("hi", **fields).until_done(),
                client.stream("hi", **fields).until_done(),
            )

    async def main() -> tuple[Response, Response]:
        async with llm_core.AsyncClient("scripted", base_url="http://a", **kwargs) as client:
            if mode == "async":
                return await client.generate("hi", **fields), await client.generate("hi", **fields)
            return (
                await client.stream("hi", **fields).until_done(),
                await client.stream("hi", **fields).until_done(),
            )

    return anyio.run(main)


@pytest.mark.parametrize("mode", MODES)
def test_a_deterministic_request_is_answered_from_the_cache(env, mode: str) -> None:
    s = script("a", "first answer", "second answer")
    first, second = twice(mode, CACHE, temperature=0)
    assert (first.content, first.cached) == ("first answer", False)
    assert (second.content, second.cached, second.attempts) == ("first answer", True, [])
    assert len(s.calls) == 1
    assert env.recorder.of("cache_hit") == [("cache_hit", "scripted", "response")]


@pytest.mark.parametrize("mode", MODES)
def test_a_sampled_request_is_not_cached_unless_forced(env, mode: str) -> None:
    s = script("a", "one", "two", "three", "four")
    assert [r.content for r in twice(mode, CACHE, temperature=0.7)] == ["one", "two"]
    forced = {"cache": {"responses": True, "force": True}}
    assert [r.cached for r in twice(mode, forced, temperature=0.7)] == [False, True]
    assert len(s.calls) == 3


@pytest.mark.parametrize("mode", MODES)
def test_the_response_cache_is_off_by_default(env, mode: str) -> None:
    s = script("a", "one", "two")
    assert [r.content for r in twice(mode, {}, seed=1)] == ["one", "two"]
    assert len(s.calls) == 2


def test_a_cached_answer_replays_as_a_stream(env) -> None:
    s = script("a", "alpha beta")
    with llm_core.Client("scripted", base_url="http://a", **CACHE) as client:
        client.generate("hi", seed=3)
        events = list(client.stream("hi", seed=3))
    assert [ev.text for ev in events if not ev.done] == ["alpha beta"]
    assert (events[-1].done, events[-1].response.cached) == (True, True)
    assert len(s.calls) == 1


def test_a_failed_request_is_not_cached(env) -> None:
    s = script("a", e.ValidationError("bad", status_code=400), "good")
    with llm_core.Client("scripted", base_url="http://a", **CACHE) as client:
        with pytest.raises(e.ValidationError):
            client.generate("hi", temperature=0)
        assert client.generate("hi", temperature=0).content == "good"
    assert len(s.calls) == 2


def test_a_store_from_a_plugin_replaces_the_default(env) -> None:
    class DictStore:
        def __init__(self) -> None:
            self.data: dict = {}

        def get(self, key: str):
            return self.data.get(key)

        def set(self, key: str, response, ttl: float) -> None:
            self.data[key] = response

    store = DictStore()

    class StorePlugin:
        @llm_core.hookimpl
        def llm_core_response_cache_store(self, settings):
            return store

    env.pm.register(StorePlugin(), name="test.store")
    script("a", "kept")
    with llm_core.Client("scripted", base_url="http://a", **CACHE) as client:
        client.generate("hi", temperature=0)
        assert client.generate("hi", temperature=0).cached
    assert [r.content for r in store.data.values()] == ["kept"]


def test_identical_requests_in_flight_share_one_call(env) -> None:
    s = script("a", "shared")
    barrier = threading.Barrier(16)
    with llm_core.Client("scripted", base_url="http://a", **CACHE) as client:
        bare = client.adapter.top
        while isinstance(bare, Layer):
            bare = bare.inner
        inner_generate = bare.generate

        def slow_generate(request, deadline=None):
            threading.Event().wait(0.05)  # hold the flight open while the others arrive
            return inner_generate(request, deadline=deadline)

        bare.generate = slow_generate
        results: list[Response] = []

        def worker() -> None:
            barrier.wait()
            results.append(client.generate("hi", seed=1))

        threads = [threading.Thread(target=worker) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(s.calls) == 1
    assert {r.content for r in results} == {"shared"}
    assert sorted(r.cached for r in results) == [False] + [True] * 15


@pytest.mark.parametrize("is_async", [False, True])
def test_the_model_list_is_cached_invalidated_and_never_caches_a_failure(env, is_async) -> None:
    s = script("a")

    async def run(client) -> list:
        async def call():
            return await client.list_models() if is_async else client.list_models()

        out = [await call(), await call()]
        client.adapter.invalidate_models()
        out.append(await call())
        s.models_error = e.ValidationError("bad", status_code=400)
        client.adapter.invalidate_models()
        with pytest.raises(e.ValidationError):
            await call()
        s.models_error = None
        out.append(await call())
        return out

    cls = llm_core.AsyncClient if is_async else llm_core.Client
    client = cls("scripted", base_url="http://a")
    lists = anyio.run(run, client)
    assert [[m.id for m in models] for models in lists] == [["m"]] * 4
    assert s.calls == ["models"] * 4  # 1 fetch, 1 hit, refetch, failure, refetch
    assert env.recorder.of("cache_hit") == [("cache_hit", "scripted", "models")]


def test_a_zero_ttl_turns_the_model_cache_off(env) -> None:
    s = script("a")
    with llm_core.Client("scripted", base_url="http://a", cache={"models_ttl": 0}) as client:
        client.list_models()
        client.list_models()
        assert not hasattr(client.adapter, "models")  # no cache wrapper at all
    assert s.calls == ["models"] * 2


def test_editing_an_answer_never_changes_what_the_cache_keeps(env) -> None:
    script("a", "kept")
    with llm_core.Client("scripted", base_url="http://a", **CACHE) as client:
        first = client.generate("hi", seed=1)
        first.metrics["edited"], first.usage.prompt_tokens = 1.0, 999
        hit = client.generate("hi", seed=1)
        hit.metrics["edited too"] = 2.0
        again = client.generate("hi", seed=1)
    assert (again.cached, again.metrics, again.usage.prompt_tokens) == (True, {}, None)
