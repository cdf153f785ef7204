"""A request with tools and providers without tool support: fallback skips them saying why,
a direct request is refused; the link that supports tools is the OpenAI fake on a real socket.

A router whose deployments differ in tool support takes tools when any deployment does, sends
a request with tools only to those (the others skipped unsent, recorded as their
NotSupportedError), and refuses with NotSupportedError when none is left; there the deployment
with tools is the Ollama emulator, the one without the scripted test provider."""

from __future__ import annotations

import anyio
import pytest
from support.ollama_emulator import OllamaEmulator
from support.resilience import resilience_env, script

import llm_core
from llm_core.errors import NotSupportedError
from tests.support.openai_fake import OpenAIFake


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


def test_fallback_skips_a_link_without_tools_and_says_so(env) -> None:
    scripted = script("a", "never asked")
    with OpenAIFake() as fake:
        fake.answers = [[("add", {"a": 1, "b": 2})], "3", [("add", {"a": 1, "b": 2})]]
        link = {"provider": "openai", "base_url": fake.url + "/v1", "model": "fake-model"}
        with llm_core.Client("scripted", base_url="http://a", fallbacks=[link]) as c:
            response = c.run("1+2?", tools=[add])
            streamed = c.stream("1+2?", tools=[add]).until_done()
            plain = c.generate("no tools here")
    assert response.content == "3" and response.provider == "openai"
    for answer in (*response.rounds, streamed):
        assert [(f.provider, f.error_type) for f in answer.fallbacks] == [
            ("scripted", "NotSupportedError")
        ]
        assert "does not support tools" in (answer.fallbacks[0].error or "")
        assert answer.attempts[0].error_type == "NotSupportedError"
    assert streamed.tool_calls[0].arguments == {"a": 1, "b": 2}
    assert plain.provider == "scripted"  # without tools the link is used as always
    assert len(scripted.calls) == 1
    skips = [r for r in env.recorder.of("fallback") if r[2] == "NotSupportedError"]
    assert len(skips) == 3  # the hook heard each skip (two rounds, one stream)


def test_nothing_left_and_direct_requests_are_not_supported_errors(env) -> None:
    script("a", "never asked")
    b = {"provider": "scripted", "base_url": "http://b"}
    with (
        llm_core.Client("scripted", base_url="http://a", fallbacks=[b]) as c,
        pytest.raises(NotSupportedError, match="no provider can serve this") as chained,
    ):
        c.generate("x", tools=[add])
    assert chained.value.hint and "supports tools" in chained.value.hint
    with llm_core.Client("scripted", base_url="http://a") as c:
        for ask in (
            lambda: c.generate("x", tools=[add]),
            lambda: c.stream("x", tools=[add]),
            lambda: c.run("x", tools=[add]),
        ):
            with pytest.raises(NotSupportedError, match="'scripted' does not support tools") as e:
                ask()
            assert e.value.provider == "scripted"
            assert "openai, ollama, lmstudio" in (e.value.hint or "")


def test_a_router_over_tool_providers_takes_tools(env) -> None:
    # The router's own placeholder adapter has no tools; its deployments decide.
    with OpenAIFake() as fake:
        fake.answers = [[("add", {"a": 1, "b": 2})], "3"]
        one = {"provider": "openai", "base_url": fake.url + "/v1", "name": "d0"}
        with llm_core.Client("router", model="fake-model", router={"deployments": [one]}) as c:
            assert c.adapter.supports_tools
            response = c.run("1+2?", tools=[add])
    assert response.content == "3" and response.attempts[-1].deployment == "d0"


MODEL = "llama3.2"


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
