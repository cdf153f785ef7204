"""The lmstudio provider against the real ``mlx_vlm.server`` (LM Studio's MLX engine family),
serving a tiny random-weight Qwen2-VL: chat, streaming, images as data URLs, early close, errors.
The tiny model greedily runs to ``max_tokens``; different images give different text."""

from __future__ import annotations

import pytest

from llm_core import AsyncClient, Client, errors

pytestmark = [pytest.mark.engine, pytest.mark.slow]
GREEDY = {"max_tokens": 8, "temperature": 0}


@pytest.fixture
def client(mlx_vlm_server):
    with Client("lmstudio", base_url=mlx_vlm_server.url, model=mlx_vlm_server.model) as c:
        yield c


def test_generate_and_stream(client: Client) -> None:
    response = client.generate("Hello", **GREEDY)
    assert response.content
    assert response.finish_reason == "length"
    assert response.usage.completion_tokens == 8
    assert response.metrics["tokens_per_second"] > 0
    with client.stream("Hello", **GREEDY) as stream:
        texts = [e.text for e in stream]
    assert "".join(texts) == response.content
    assert stream.response.usage.completion_tokens == 8
    assert client.adapter.native_known is False


def test_images_change_the_answer(client: Client, png) -> None:
    red = client.generate("Describe the picture", images=[png("red")], **GREEDY).content
    blue = client.generate("Describe the picture", images=[png("blue")], **GREEDY).content
    again = client.generate("Describe the picture", images=[png("red")], **GREEDY).content
    assert red != blue
    assert red == again
    with client.stream("Describe the picture", images=[png("blue")], **GREEDY) as stream:
        assert stream.until_done().content == blue


def test_early_close_then_the_server_still_answers(client: Client) -> None:
    stream = client.stream("Tell me a long story", max_tokens=300, temperature=0)
    for event in stream:
        if event.text:
            break
    stream.close()
    assert client.generate("Hi", max_tokens=2).usage.completion_tokens == 2


def test_list_models_and_health_without_the_native_api(client: Client, mlx_vlm_server) -> None:
    [model] = client.list_models()
    assert model.id == mlx_vlm_server.model
    assert model.loaded is True  # mlx_vlm.server says so in /v1/models
    health = client.health_check()
    assert health.ok
    assert health.detail == "1 models, 1 loaded (no LM Studio native API: /v1 only)"


def test_a_request_without_a_model_is_a_validation_error(mlx_vlm_server) -> None:
    # mlx_vlm.server requires "model" (FastAPI 422); the message names the field.
    with Client("lmstudio", base_url=mlx_vlm_server.url) as client:
        with pytest.raises(errors.ValidationError, match="model") as info:
            client.generate("Hi", max_tokens=2)
        assert info.value.status_code == 422
        with pytest.raises(errors.ValidationError, match="model"):
            client.stream("Hi", max_tokens=2).until_done()


@pytest.mark.anyio
async def test_async_chat_stream_and_images(mlx_vlm_server, png) -> None:
    url, model = mlx_vlm_server.url, mlx_vlm_server.model
    with Client("lmstudio", base_url=url, model=model) as sync:
        expected = sync.generate("Describe", images=[png("green")], **GREEDY).content
    async with AsyncClient("lmstudio", base_url=url, model=model) as client:
        response = await client.generate("Describe", images=[png("green")], **GREEDY)
        assert response.content == expected
        async with client.stream("Describe", images=[png("green")], **GREEDY) as stream:
            texts = [e.text async for e in stream]
        assert "".join(texts) == expected
        assert (await client.health_check()).ok
