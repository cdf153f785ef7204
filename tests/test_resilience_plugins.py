"""The resilience layers as named plugins: their order, blocking and replacing them, observers
that fail, and the logging plugin (which observers are asked: test_observer_questions.py)."""

from __future__ import annotations

import logging

import pytest
from support.resilience import MODES, Step, ask, e, resilience_env, script

import llm_core
from llm_core.resilience.observe import ObserverWarning
from llm_core.resilience.retry import RetryingAdapter, RetryPolicy

CORE = [
    "llm_core.cache",
    "llm_core.cache_store",
    "llm_core.cooldown",
    "llm_core.fallback",
    "llm_core.logging",
    "llm_core.observe",
    "llm_core.retry",
    "llm_core.structured",
]


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


def layers(adapter) -> list[str]:
    out = []
    while adapter is not None:
        out.append(type(adapter).__name__)
        adapter = adapter.__dict__.get("inner")
    return out


def test_every_core_plugin_is_registered_by_name(env) -> None:
    names = {name for name, _ in env.pm.list_name_plugin()}
    assert set(CORE) <= names
    assert {p.name for p in llm_core.list_plugins()} >= set(CORE)


@pytest.mark.parametrize("is_async", [False, True])
def test_structured_then_cache_then_fallback_cooldown_retry_observe(env, is_async) -> None:
    cls = llm_core.AsyncClient if is_async else llm_core.Client
    client = cls(
        "scripted",
        base_url="http://a",
        fallbacks=[{"provider": "scripted", "base_url": "http://b"}],
    )
    prefix = "Async" if is_async else ""
    names = [
        "StructuredAdapter",
        "CachingAdapter",
        "FallbackAdapter",
        "CooldownAdapter",
        "RetryingAdapter",
        "ObservingAdapter",
        "ScriptedAdapter",
    ]
    assert layers(client.adapter.top) == [prefix + n for n in names]
    link = client.adapter.inner.inner.link(1)  # fallback links get no cache and no chain
    assert layers(link) == [prefix + n for n in names[3:]]


def test_blocking_retry_makes_one_attempt(env) -> None:
    env.pm.set_blocked("llm_core.retry")
    s = script("a", e.ServerError("busy", status_code=503), "ok")
    with pytest.raises(e.ServerError):
        ask("sync")
    assert len(s.calls) == 1


@pytest.mark.parametrize("mode", ["stream", "astream"])
def test_blocking_retry_keeps_the_stream_rules_in_the_fallback_layer(env, mode) -> None:
    env.pm.set_blocked("llm_core.retry")
    script("a", Step("one two", e.ConnectionError("cut"), after=1))
    b = script("b", "b")
    kwargs = {"fallbacks": [{"provider": "scripted", "base_url": "http://b"}]}
    with pytest.raises(e.GenerationError) as info:
        ask(mode, client_kwargs=kwargs)
    assert (info.value.partial_text, b.calls) == ("one", [])


def test_blocking_fallback_and_cache(env) -> None:
    env.pm.set_blocked("llm_core.fallback")
    env.pm.set_blocked("llm_core.cache")
    a, b = script("a", *[e.ConnectionError("x")] * 3), script("b", "b")
    client = llm_core.Client(
        "scripted",
        base_url="http://a",
        fallbacks=[{"provider": "scripted", "base_url": "http://b"}],
    )
    with pytest.raises(e.ConnectionError):
        client.generate("hi")
    client.list_models()
    client.list_models()
    assert (a.calls.count("models"), b.calls) == (2, [])


def test_a_replacement_retry_plugin_changes_the_policy(env) -> None:
    slept: list[float] = []

    class FiveSteadyTries:
        @llm_core.hookimpl(wrapper=True, trylast=True)
        def llm_core_resolve_adapter(self, config, settings, is_async, role):
            adapter = yield
            policy = RetryPolicy(max_attempts=5, backoff_base=0.1, jitter=False)
            return RetryingAdapter(adapter, policy, env.pm.observer, config, slept.append)

    env.pm.unregister(name="llm_core.retry")
    env.pm.register(FiveSteadyTries(), name="llm_core.retry")
    s = script("a", *[e.ServerError("busy", status_code=503)] * 4, "ok")
    assert ask("sync").content == "ok"
    assert (len(s.calls), slept) == (5, [0.1, 0.2, 0.4, 0.8])


@pytest.mark.parametrize("mode", MODES)
def test_an_observer_that_raises_warns_and_the_request_goes_on(env, mode) -> None:
    class Broken:
        @llm_core.hookimpl
        def llm_core_on_request(self, provider):
            raise RuntimeError("observer bug")

        @llm_core.hookimpl
        def llm_core_on_response(self, response):
            raise RuntimeError("observer bug")

    env.pm.register(Broken(), name="test.broken")
    script("a", "fine")
    with pytest.warns(ObserverWarning, match="observer bug"):
        assert ask(mode).content == "fine"
    assert [ev[0] for ev in env.recorder.events] == ["request", "response"]  # others still see


def test_the_logging_plugin_logs_each_step_and_never_an_api_key(env, caplog) -> None:
    secret = "sk-do-not-log-4242"
    caplog.set_level(logging.DEBUG, logger="llm_core")
    script("a", e.ServerError("busy", status_code=503), "answer")
    script("b", e.ConnectionError("refused"), "ok")
    kwargs = {
        "api_key": secret,
        "retry": {"max_attempts": 2},
        "cache": {"responses": True},
        "fallbacks": [{"provider": "scripted", "base_url": "http://b", "api_key": secret}],
    }
    with llm_core.Client("scripted", base_url="http://a", **kwargs) as client:
        client.generate("hi", temperature=0)
        client.generate("hi", temperature=0)
    messages = [(r.levelname, r.getMessage().split(" ")[0]) for r in caplog.records]
    assert messages == [
        ("DEBUG", "request"),
        ("INFO", "error"),
        ("WARNING", "retry"),
        ("DEBUG", "request"),
        ("DEBUG", "response"),
        ("DEBUG", "cache"),
    ]
    assert secret not in caplog.text
    assert all(r.name == "llm_core" for r in caplog.records)


def test_the_llm_core_logger_is_silent_until_the_application_configures_logging() -> None:
    logger = logging.getLogger("llm_core")
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)
