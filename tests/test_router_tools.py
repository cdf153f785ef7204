"""A router whose deployments differ in tool support: it takes tools when any deployment does,
sends a request with tools only to those (the others skipped unsent, recorded as their
NotSupportedError), and refuses with NotSupportedError when none is left. The deployment with
tools is the Ollama emulator on a real socket; the one without is the scripted test provider."""

from __future__ import annotations

import anyio
import pytest
from support.ollama_emulator import OllamaEmulator
from support.resilience import resilience_env, script

import llm_core
from llm_core.errors import NotSupportedError

MODEL = "llama3.2"


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


@pytest.fixture
def ollama():
    with OllamaEmulator() as server:
        yield server


def mixed(ollama) -> dict:
    deployments = [
        {"provider": "scripted", "base_url": "http://a", "name": "plain"},
        {"provider": "ollama", "base_url": ollama.url, "name": "tools"},
    ]
    return {"model": MODEL, "router": {"deployments": deployments}}


def test_tool_requests_go_only_to_deployments_with_tools(env, ollama) -> None:
    plain = script("a", *["from plain"] * 4)
    ollama.answers = [[("add", {"a": 1, "b": 2})], "3", [("add", {"a": 2, "b": 2})]]
    with llm_core.Client("router", **mixed(ollama)) as client:
        assert client.adapter.supports_tools  # one deployment has tools
        ran = client.run("1+2?", tools=[add])  # two rounds, each to "tools"
        streamed = client.stream("2+2?", tools=[add]).until_done()
        untooled = [client.generate("hi") for _ in range(4)]
    assert ran.content == "3" and streamed.tool_calls[0].arguments == {"a": 2, "b": 2}
    for answer in (*ran.rounds, streamed):
        assert answer.attempts[-1].deployment == "tools"
        for skipped in answer.fallbacks:  # "plain" first in its turn: skipped, said why
            assert (skipped.deployment, skipped.error_type) == ("plain", "NotSupportedError")
            assert "does not support tools" in (skipped.error or "")
    assert any(answer.fallbacks for answer in (*ran.rounds, streamed))  # round robin met it
    assert plain.calls.count("generate") + plain.calls.count("stream") == 2  # no tool request
    assert ollama.count("/api/chat") == 3 + 2  # two rounds, one stream, two plain requests
    assert sorted(r.attempts[-1].deployment for r in untooled) == ["plain"] * 2 + ["tools"] * 2
    skips = [r for r in env.recorder.of("fallback") if r[2] == "NotSupportedError"]
    assert len(skips) == sum(len(a.fallbacks) for a in (*ran.rounds, streamed))


def test_no_deployment_with_tools_is_a_not_supported_error(env) -> None:
    script("a")
    script("b")
    deployments = [
        {"provider": "scripted", "base_url": "http://a", "name": "a"},
        {"provider": "scripted", "base_url": "http://b", "name": "b"},
    ]
    kwargs = {"model": MODEL, "router": {"deployments": deployments}}
    request = llm_core.Request([llm_core.Message("user", "x")], model=MODEL, tools=[add])
    with llm_core.Client("router", **kwargs) as client:
        assert not client.adapter.supports_tools
        with pytest.raises(NotSupportedError, match="does not support tools"):
            client.generate(request)  # refused before routing, like any provider
        with pytest.raises(NotSupportedError) as routed:  # the router itself, asked anyway
            client.adapter.generate(request)
    assert "no deployment of the router can serve this" in routed.value.message
    assert "router:llama3.2@a" not in routed.value.message  # deployments by their names
    assert "scripted:llama3.2@a" in routed.value.message
    assert "scripted:llama3.2@b" in routed.value.message
    assert routed.value.hint and "supports tools" in routed.value.hint


def test_the_router_itself_refuses_when_its_tool_deployments_are_gone(env, ollama) -> None:
    # Every deployment that takes tools has failed already: the skipped ones leave nothing.
    script("a")
    ollama.stop()
    kwargs = {**mixed(ollama), "retry": {"max_attempts": 1}}
    with llm_core.Client("router", **kwargs) as client, pytest.raises(llm_core.ServerError) as info:
        client.generate("x", tools=[add])
    assert "deployments of the router failed" in info.value.message
    assert "NotSupportedError" in info.value.message and "ConnectionError" in info.value.message


def test_async_tool_requests_skip_the_deployment_without_tools(env, ollama) -> None:
    plain = script("a")
    ollama.answers = [[("add", {"a": 1, "b": 2})], "3"] * 2

    async def main() -> list:
        async with llm_core.AsyncClient("router", **mixed(ollama)) as client:
            return [await client.run("1+2?", tools=[add]) for _ in range(2)]

    answers = anyio.run(main)
    assert [a.content for a in answers] == ["3", "3"]
    assert all(r.attempts[-1].deployment == "tools" for a in answers for r in a.rounds)
    assert plain.calls == []
