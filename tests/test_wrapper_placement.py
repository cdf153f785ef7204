"""Where a plugin's own adapter wrapper lands, by priority (specs/resilience.md, "Where a
third-party wrapper sits"): normal priority sees each link once, ``trylast`` every attempt,
``tryfirst`` the logical call with cache hits."""

from __future__ import annotations

import pytest
from support.resilience import MODES, ask, down, e, resilience_env, script

import llm_core
from llm_core.layers import AsyncLayerAdapter, Layer, LayerAdapter

B = {"provider": "scripted", "base_url": "http://b"}


class Counting(Layer):
    """Records each call that reaches it: the base URL of the link it wraps, and the outcome
    (the answer's provider URL is not known here, so the outcome is the error type or "ok")."""

    def __init__(self, inner, seen: list, where: str) -> None:
        super().__init__(inner)
        self.seen, self.where = seen, where

    def generate_flow(self, request, call):
        try:
            response = yield from self.inner_generate(request, call)
        except e.LLMError as exc:
            self.seen.append((self.where, type(exc).__name__))
            raise
        self.seen.append((self.where, "ok"))
        return response

    def stream_flow(self, request, call):
        try:
            opened = yield from self.open_inner(request, call)
        except e.LLMError as exc:
            self.seen.append((self.where, type(exc).__name__))
            raise
        self.seen.append((self.where, "ok"))
        return opened


class CountingAdapter(Counting, LayerAdapter):
    pass


class AsyncCountingAdapter(Counting, AsyncLayerAdapter):
    pass


def counter_plugin(seen: list, **priority):
    class CounterPlugin:
        @llm_core.hookimpl(wrapper=True, **priority)
        def llm_core_resolve_adapter(self, config, is_async, role):
            adapter = yield
            if priority.get("tryfirst") and role != "primary":
                return adapter  # a per-call wrapper wraps the primary chain only
            cls = AsyncCountingAdapter if is_async else CountingAdapter
            return cls(adapter, seen, config.base_url)

    return CounterPlugin()


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


@pytest.mark.parametrize("mode", MODES)
def test_a_normal_wrapper_sees_each_link_once_so_a_fallback_counts_once(env, mode) -> None:
    seen: list = []
    env.pm.register(counter_plugin(seen), name="counter")
    script("a", *down())
    script("b", "from b")
    assert ask(mode, client_kwargs={"fallbacks": [B]}).content == "from b"
    # each link once with its own outcome: not the chain (which answered) once more as "a"
    assert seen == [("http://a", "ConnectionError"), ("http://b", "ok")]


@pytest.mark.parametrize("mode", MODES)
def test_a_trylast_wrapper_sees_every_attempt(env, mode) -> None:
    seen: list = []
    env.pm.register(counter_plugin(seen, trylast=True), name="counter")
    script("a", *down(2), "third time")
    assert ask(mode).content == "third time"
    assert seen == [("http://a", "ConnectionError")] * 2 + [("http://a", "ok")]


def test_a_tryfirst_wrapper_sees_the_logical_call_and_cache_hits(env) -> None:
    seen: list = []
    env.pm.register(counter_plugin(seen, tryfirst=True), name="counter")
    script("a", *down(), "unused")
    script("b", "from b", "from b again")
    kwargs = {"fallbacks": [B], "cache": {"responses": True, "force": True}}
    with llm_core.Client("scripted", base_url="http://a", **kwargs) as client:
        assert client.generate("hi").content == "from b"
        assert client.generate("hi").cached
    assert seen == [("http://a", "ok")] * 2  # once per call, the cache hit included
