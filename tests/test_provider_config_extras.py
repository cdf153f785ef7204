"""Provider settings an application or gateway needs: extra headers on every request (never to
another link), fallback links that inherit the Client's model, and what an Attempt names."""

from __future__ import annotations

import json

import anyio
import pytest
from support.openai_fake import OpenAIFake

import llm_core
from llm_core import ConfigurationError
from llm_core.types import Attempt


@pytest.fixture
def fake():
    with OpenAIFake(models=["tiny"]) as server:
        yield server


def test_configured_headers_go_with_every_request_sync_and_async(fake) -> None:
    headers = {"X-Tenant": "acme", "X-Fault": "none"}
    with llm_core.Client("openai", base_url=fake.url + "/v1", headers=headers) as client:
        client.generate("hi")
        list(client.stream("hi"))

    async def main() -> None:
        async with llm_core.AsyncClient("openai", base_url=fake.url + "/v1", headers=headers) as c:
            await c.generate("hi")

    anyio.run(main)
    sent = [r for r in fake.requests if r.path.endswith("/chat/completions")]
    assert len(sent) == 3
    assert all(r.headers["x-tenant"] == "acme" and r.headers["x-fault"] == "none" for r in sent)


def test_headers_from_the_environment_and_never_in_a_repr(fake, monkeypatch) -> None:
    monkeypatch.setenv("LLM_CORE_HEADERS", json.dumps({"X-Gateway-Key": "s3cret"}))
    with llm_core.Client("openai", base_url=fake.url + "/v1") as client:
        client.generate("hi")
        assert "s3cret" not in repr(client.settings) and "s3cret" not in repr(client)
    assert fake.requests[-1].headers["x-gateway-key"] == "s3cret"


def test_headers_are_not_sent_to_a_fallback_link(fake) -> None:
    kwargs = {
        "headers": {"X-Tenant": "acme"},
        "retry": {"max_attempts": 1},
        "fallbacks": [{"provider": "openai", "base_url": fake.url + "/v1"}],
    }
    with llm_core.Client("openai", base_url="http://127.0.0.1:9/v1", **kwargs) as client:
        assert client.generate("hi").fallbacks
    assert "x-tenant" not in fake.requests[-1].headers


@pytest.mark.parametrize(
    "headers",
    [{"X-Bad\r\nInjected": "1"}, {"X-Ok": "two\nlines"}, {"": "empty name"}, {"X": 5}, ["X"]],
)
def test_malformed_headers_are_a_configuration_error_naming_the_field(headers) -> None:
    with pytest.raises(ConfigurationError, match="headers"):
        llm_core.Client("openai", base_url="http://127.0.0.1:9", headers=headers)


def test_a_fallback_link_without_a_model_serves_the_clients_model(fake) -> None:
    kwargs = {
        "model": "tiny",
        "retry": {"max_attempts": 1},
        "fallbacks": [{"provider": "openai", "base_url": fake.url + "/v1"}],
    }
    with llm_core.Client("openai", base_url="http://127.0.0.1:9/v1", **kwargs) as client:
        response = client.generate("hi")
    assert fake.requests[-1].json()["model"] == "tiny"
    assert [(a.provider, a.model, a.label) for a in response.attempts] == [
        ("openai", "tiny", "openai:tiny"),
        ("openai", "tiny", "openai:tiny"),
    ]
    assert response.fallbacks[0].error_type == "ConnectionError"


def test_an_attempt_names_the_bare_provider_as_the_hooks_do() -> None:
    assert Attempt("ollama", 1).label == "ollama"
    assert Attempt("ollama", 2, model="llama3.2").label == "ollama:llama3.2"
