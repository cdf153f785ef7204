"""The built-in ``openai`` provider against llama.cpp's real server (xllamacpp, tiny GGUF)."""

from __future__ import annotations

import threading

import pytest

from llm_core import AsyncClient, Client, ModelNotFoundError, ValidationError

pytestmark = pytest.mark.engine


@pytest.fixture
def client(llamacpp_server):
    with Client("openai", base_url=llamacpp_server.openai_url, model=llamacpp_server.model) as c:
        yield c


def test_generate_runs_to_max_tokens(client: Client) -> None:
    response = client.generate("Tell me a story", max_tokens=8, temperature=0)
    assert response.finish_reason == "length"
    assert response.usage.completion_tokens == 8
    assert response.usage.prompt_tokens > 0
    assert response.content.strip() and response.content.isascii()
    assert response.provider == "openai"
    assert response.latency > 0
    assert response.metrics["tokens_per_second"] > 0


def test_stream_yields_deltas_then_a_final_response(client: Client) -> None:
    full = client.generate("Tell me a story", max_tokens=8, temperature=0)
    with client.stream("Tell me a story", max_tokens=8, temperature=0) as stream:
        events = list(stream)
    assert events[-1].done and not any(e.done for e in events[:-1])
    assert "".join(e.text for e in events) == full.content == stream.text
    final = stream.response
    assert final is not None and final.finish_reason == "length"
    assert final.usage.completion_tokens == 8
    assert final.time_to_first_token is not None and final.time_to_first_token <= final.latency


def test_early_close_releases_the_connection(client: Client) -> None:
    stream = client.stream("Tell me a long story", max_tokens=200, temperature=0)
    first = next(iter(stream))
    assert first.text
    stream.close()
    pool = client.adapter.http._transport._pool
    assert all(not c.is_connecting() for c in pool.connections)
    assert client.generate("Hi", max_tokens=2).finish_reason == "length"  # the client still works


def test_list_models_and_health(client: Client, llamacpp_server) -> None:
    [model] = client.list_models()
    assert model.id == llamacpp_server.model and model.provider == "openai"
    health = client.health_check()
    assert health.ok and health.latency > 0 and "1 models" in health.detail


def test_server_rejection_is_a_validation_error(client: Client) -> None:
    with pytest.raises(ValidationError) as info:
        client.generate("Look", images=[_png()], max_tokens=2)
    # llama.cpp answers 500 here; the message, not the status, says it is the input's fault.
    assert info.value.status_code == 500 and "cannot read images" in str(info.value)


def test_unknown_option_is_an_error_before_sending(client: Client) -> None:
    with pytest.raises(ValidationError, match="unknown option 'top_kk'"):
        client.generate("Hi", options={"top_kk": 3})
    assert client.generate("Hi", options={"top_k": 3}, max_tokens=2).content


def test_one_client_shared_by_threads(client: Client) -> None:
    results: list[str] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(client.generate("Same prompt", max_tokens=4, temperature=0).content)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors and len(results) == 8 and len(set(results)) == 1


@pytest.mark.anyio
async def test_async_parity(llamacpp_server) -> None:
    kwargs = {"max_tokens": 6, "temperature": 0}
    with Client("openai", base_url=llamacpp_server.openai_url) as sync:
        expected = sync.generate("Parity", **kwargs).content
    async with AsyncClient("openai", base_url=llamacpp_server.openai_url) as client:
        assert (await client.generate("Parity", **kwargs)).content == expected
        async with client.stream("Parity", **kwargs) as stream:
            texts = [e.text async for e in stream]
        assert "".join(texts) == expected
        assert stream.response is not None and stream.response.finish_reason == "length"
        assert [m.id for m in await client.list_models()] == [llamacpp_server.model]
        assert (await client.health_check()).ok


@pytest.mark.anyio
async def test_async_early_close(llamacpp_server) -> None:
    async with AsyncClient("openai", base_url=llamacpp_server.openai_url) as client:
        stream = client.stream("Long story", max_tokens=200)
        async for event in stream:
            assert event.text
            break
        await stream.aclose()
        assert (await client.generate("Hi", max_tokens=2)).content


def test_mlx_style_model_not_found_maps(openai_fake) -> None:
    openai_fake.strict_models = True
    with (
        Client("openai", base_url=openai_fake.url + "/v1", model="nope") as client,
        pytest.raises(ModelNotFoundError),
    ):
        client.generate("Hi")


def _png() -> bytes:
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
