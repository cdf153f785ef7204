"""Bad router settings: each is a ConfigurationError naming the field and the fix."""

from __future__ import annotations

import pytest
from support.resilience import resilience_env

import llm_core
from llm_core.errors import ConfigurationError

A = {"provider": "scripted", "base_url": "http://a"}
B = {"provider": "scripted", "base_url": "http://b"}


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


CASES = [
    ({}, "router.deployments is empty", "LLM_CORE_ROUTER__DEPLOYMENTS"),
    (
        {"deployments": [A, {"provider": "nope", "base_url": "http://c"}]},
        "router.deployments[1].provider 'nope' is unknown",
        "Install the plugin",
    ),
    (
        {"deployments": [{**A, "model": "llama3.2"}, {**B, "model": "qwen3"}]},
        "router.deployments[1].model is 'qwen3' but router.deployments[0] serves 'llama3.2'",
        "router.same_model=false",
    ),
    ({"deployments": [A, {**B, "weight": 0}]}, "deployments[1].weight must be a number > 0", ""),
    ({"deployments": [{**A, "weight": -2.5}]}, "deployments[0].weight must be a number > 0", ""),
    ({"deployments": [{**A, "max_in_flight": 0}]}, "deployments[0].max_in_flight", ""),
    ({"deployments": [A], "strategy": "fastest"}, "strategy must be one of round_robin", ""),
    ({"deployments": [{"base_url": "http://a"}]}, "deployments[0] needs a provider name", ""),
    ({"deployments": [{**A, "colour": "red"}]}, "invalid router.deployments[0].colour", "fields"),
    ({"deployments": [{**A, "provider": "router"}]}, "cannot route to itself", "ollama"),
    ({"deployments": [A, A]}, "router.deployments[1] has the same name 'a'", "'name'"),
]


@pytest.mark.parametrize(("router", "message", "hint"), CASES, ids=[c[1][:40] for c in CASES])
def test_bad_router_settings_name_the_field_and_the_fix(router, message, hint) -> None:
    with pytest.raises(ConfigurationError) as info:
        llm_core.Client("router", router=router)
    assert message in info.value.message
    assert hint in (info.value.hint or "")
    assert info.value.hint  # every one says what to do


def test_settings_errors_name_the_environment_variable() -> None:
    with pytest.raises(ConfigurationError) as info:
        llm_core.Client("router", router={"deployments": [A], "strategy": "fastest"})
    assert "LLM_CORE_ROUTER__STRATEGY" in info.value.hint


def test_different_models_are_allowed_when_asked_for() -> None:
    router = {"deployments": [{**A, "model": "x"}, {**B, "model": "y"}], "same_model": False}
    with llm_core.Client("router", router=router) as client:
        assert "scripted:y@b" in repr(client.adapter)


def test_deployments_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_CORE_PROVIDER", "router")
    monkeypatch.setenv("LLM_CORE_ROUTER__DEPLOYMENTS", '[{"provider": "scripted", "name": "one"}]')
    monkeypatch.setenv("LLM_CORE_ROUTER__STRATEGY", "least-in-flight")
    with llm_core.Client() as client:
        assert "RouterAdapter(least_in_flight: scripted@one)" in repr(client.adapter)
