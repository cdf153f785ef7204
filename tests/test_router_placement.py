"""Where the router sits: the fallback chain's first link, inside the cache, over deployments
that each get their own cooldown, retry and observe layers; replaceable by name."""

from __future__ import annotations

import pytest
from support.resilience import MODES, ask, down, e, resilience_env, script
from test_wrapper_placement import counter_plugin  # a wrapper that records what reaches it

import llm_core
from llm_core.layers import Layer
from llm_core.router.plugin import RouterPlugin

A, B = ({"provider": "scripted", "base_url": f"http://{n}"} for n in "ab")
Z = {"provider": "scripted", "base_url": "http://z"}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


def chain(adapter) -> list[str]:
    names = []
    while isinstance(adapter, Layer):
        names.append(type(adapter).__name__)
        adapter = adapter.__dict__["inner"]
    return [*names, type(adapter).__name__]


def test_the_router_is_the_first_link_inside_the_cache_and_each_deployment_has_its_stack(env):
    kwargs = {"router": {"deployments": [A, B]}, "fallbacks": [Z], "cache": {"responses": True}}
    with llm_core.Client("router", **kwargs) as client:
        outer = chain(client.adapter.top)
        router = next(a for a in _layers(client.adapter.top) if type(a).__name__ == "RouterAdapter")
        assert outer[: outer.index("RouterAdapter") + 1] == [
            "StructuredAdapter",
            "CachingAdapter",
            "FallbackAdapter",
            "RouterAdapter",
        ]
        assert chain(router.link(0)) == [
            "CooldownAdapter",
            "RetryingAdapter",
            "ObservingAdapter",
            "ScriptedAdapter",
        ]


def _layers(adapter):
    while isinstance(adapter, Layer):
        yield adapter
        adapter = adapter.__dict__["inner"]


def test_a_normal_wrapper_sees_each_deployment_once(env) -> None:
    seen: list = []
    env.pm.register(counter_plugin(seen), name="watcher")
    script("a", *down(1))
    script("b", "from b")
    assert ask("sync", client_kwargs={"router": {"deployments": [A, B]}}, provider="router")
    assert seen == [("http://a", "ConnectionError"), ("http://b", "ok")]


def test_a_tryfirst_wrapper_sees_the_logical_call_and_cache_hits(env) -> None:
    seen: list = []
    env.pm.register(counter_plugin(seen, tryfirst=True), name="watcher")
    script("a", *down(1))
    script("b", "from b")
    kwargs = {"router": {"deployments": [A, B]}, "cache": {"responses": True, "force": True}}
    with llm_core.Client("router", **kwargs) as client:
        assert client.generate("hi").content == "from b"
        assert client.generate("hi").cached
    assert seen == [(None, "ok")] * 2  # once per call, the cache hit included


@pytest.mark.parametrize("mode", MODES)
def test_replaced_by_name(env, mode) -> None:
    class LastFirst(RouterPlugin):
        """A router of its own: the deployments in reverse order."""

        @llm_core.hookimpl(wrapper=True, tryfirst=True)
        def llm_core_resolve_adapter(self, config, settings, is_async, role):
            flipped = settings.router.model_copy(
                update={"deployments": settings.router.deployments[::-1]}
            )
            settings = settings.model_copy(update={"router": flipped})
            return (
                yield from RouterPlugin.llm_core_resolve_adapter(
                    self, config, settings, is_async, role
                )
            )

    old = env.pm.unregister(name="llm_core.router")
    mine = LastFirst(old.resolve, old.providers, old.observer, old.states)
    env.pm.register(mine, name="llm_core.router")
    script("a", "from a")
    script("b", "from b")
    kwargs = {"router": {"deployments": [A, B]}}
    assert ask(mode, client_kwargs=kwargs, provider="router").content == "from b"
    env.pm.unregister(name="llm_core.router")
    env.pm.set_blocked("llm_core.router")
    with pytest.raises(e.ConfigurationError, match="unknown provider 'router'"):
        llm_core.Client("router", **kwargs)
