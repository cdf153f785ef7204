"""A request with tools and providers without tool support: fallback skips them saying why,
a direct request is refused; the link that supports tools is the OpenAI fake on a real socket."""

from __future__ import annotations

import pytest
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
