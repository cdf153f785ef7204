"""The lmstudio provider's OpenAI-compatible paths against llama.cpp's real server (LM Studio's
GGUF engine; xllamacpp wheel, tiny GGUF). llama.cpp has no ``/api/v0``: the provider finds that
out once (404) and then speaks ``/v1`` only."""

from __future__ import annotations

import socket

import pytest

from llm_core import AsyncClient, Client, errors

pytestmark = pytest.mark.engine


@pytest.fixture
def client(llamacpp_server):
    with Client("lmstudio", base_url=llamacpp_server.openai_url, model=llamacpp_server.model) as c:
        yield c


def test_generate(client: Client) -> None:
    response = client.generate("Tell me a story", max_tokens=8, temperature=0)
    assert response.finish_reason == "length"
    assert response.usage.completion_tokens == 8
    assert response.content.strip()
    assert response.content.isascii()
    assert response.provider == "lmstudio"
    assert response.metrics["tokens_per_second"] > 0  # from llama.cpp's own timings
    assert client.adapter.native_known is False  # probed /api/v0 once: 404


def test_stream_matches_generate(client: Client) -> None:
    full = client.generate("Tell me a story", max_tokens=8, temperature=0)
    with client.stream("Tell me a story", max_tokens=8, temperature=0) as stream:
        events = list(stream)
    assert events[-1].done
    assert not any(e.done for e in events[:-1])
    assert "".join(e.text for e in events) == full.content
    final = stream.response
    assert (final.finish_reason, final.usage.completion_tokens) == ("length", 8)
    assert final.time_to_first_token is not None


def test_early_close_releases_the_connection(client: Client) -> None:
    stream = client.stream("Tell me a long story", max_tokens=200, temperature=0)
    assert next(iter(stream)).text
    stream.close()
    pool = client.adapter.http._transport._pool
    assert not [c for c in pool.connections if c.is_connecting()]
    assert client.generate("Hi", max_tokens=2).finish_reason == "length"


def test_list_models_falls_back_to_v1(client: Client, llamacpp_server) -> None:
    [model] = client.list_models()
    assert (model.id, model.provider, model.type, model.vision) == (
        llamacpp_server.model,
        "lmstudio",
        None,
        None,
    )
    health = client.health_check()
    assert health.ok
    assert health.detail == "1 models (no LM Studio native API: /v1 only)"


def test_context_overflow_is_a_validation_error_with_a_hint(client: Client) -> None:
    with pytest.raises(errors.ValidationError, match="context size") as info:
        client.generate("hello world " * 400, max_tokens=2)
    assert "--context-length" in info.value.hint


def test_images_to_a_text_model_are_the_inputs_fault(client: Client, png) -> None:
    with pytest.raises(errors.ValidationError) as info:
        client.generate("Look", images=[png("red")], max_tokens=2)
    assert "vision" in info.value.hint


def test_a_server_that_is_down_is_a_connection_error() -> None:
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        with Client("lmstudio", base_url=f"http://127.0.0.1:{port}", model="m") as client:
            with pytest.raises(errors.ConnectionError) as info:
                client.generate("Hi")
            assert "lms server start" in info.value.hint
            assert not client.health_check().ok


@pytest.mark.anyio
async def test_async_parity(llamacpp_server) -> None:
    kwargs = {"max_tokens": 6, "temperature": 0}
    url, model = llamacpp_server.openai_url, llamacpp_server.model
    with Client("lmstudio", base_url=url, model=model) as sync:
        expected = sync.generate("Parity", **kwargs).content
    async with AsyncClient("lmstudio", base_url=url, model=model) as client:
        assert (await client.generate("Parity", **kwargs)).content == expected
        assert (await client.generate("Parity", **kwargs)).content == expected  # now /v1 only
        async with client.stream("Parity", **kwargs) as stream:
            texts = [e.text async for e in stream]
        assert "".join(texts) == expected
        assert [m.id for m in await client.list_models()] == [model]
        assert (await client.health_check()).ok


@pytest.mark.anyio
async def test_async_early_close(llamacpp_server) -> None:
    url, model = llamacpp_server.openai_url, llamacpp_server.model
    async with AsyncClient("lmstudio", base_url=url, model=model) as client:
        stream = client.stream("Long story", max_tokens=200)
        async for event in stream:
            assert event.text
            break
        await stream.aclose()
        assert (await client.generate("Hi", max_tokens=2)).content
