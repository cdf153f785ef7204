"""Chat through llm_core.Client / AsyncClient on the Ollama wire: sync, async and streaming."""

from __future__ import annotations

import base64

import pytest
from support.ollama_emulator import OllamaEmulator

from llm_core import AsyncClient, Client, Image

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def _chat_bodies(server: OllamaEmulator) -> list[dict]:
    return [r.json() for r in server.requests if r.path == "/api/chat"]


def test_generate_sends_stream_false_and_reads_one_object(client: Client, ollama) -> None:
    response = client.generate("hello there", temperature=0, max_tokens=50, seed=1)
    assert response.content == "echo: hello there"
    assert response.provider == "ollama"
    assert response.model == "llama3.2"  # echoed as sent, though stored as llama3.2:latest
    assert response.finish_reason == "stop"
    body = _chat_bodies(ollama)[0]
    assert body["stream"] is False
    assert body["options"] == {"temperature": 0, "num_predict": 50, "seed": 1}


def test_metrics_are_seconds_and_counts_come_from_eval_counts(client: Client) -> None:
    first = client.generate("one two three")
    assert first.usage.prompt_tokens == 4  # 3 words + the template marker
    assert first.usage.completion_tokens == 4
    assert first.metrics["load_seconds"] == pytest.approx(0.25)  # first use loads the model
    assert first.metrics["generation_seconds"] == pytest.approx(4 * 0.0125)
    assert first.metrics["tokens_per_second"] == pytest.approx(80.0)
    assert first.metrics["total_seconds"] > first.metrics["generation_seconds"]
    again = client.generate("one two three")  # loaded, prompt cached: Ollama omits the zeros
    assert "load_seconds" not in again.metrics
    assert again.usage.prompt_tokens == 0
    assert again.usage.completion_tokens == 4


def test_max_tokens_maps_to_num_predict_and_length(client: Client) -> None:
    response = client.generate("a b c d e f", max_tokens=2)
    assert response.content == "echo: a"
    assert response.finish_reason == "length"


def test_stream_yields_pieces_then_a_final_response(client: Client, ollama) -> None:
    with client.stream("hello streaming world") as stream:
        texts = [event.text for event in stream if not event.done]
    assert texts == ["echo:", " hello", " streaming", " world"]
    response = stream.response
    assert response is not None
    assert response.content == "echo: hello streaming world"
    assert response.finish_reason == "stop"
    assert response.time_to_first_token is not None
    assert 0 <= response.time_to_first_token <= response.latency
    assert response.usage.completion_tokens == 4
    assert response.metrics["generation_seconds"] == pytest.approx(0.05)
    assert _chat_bodies(ollama)[0]["stream"] is True


def test_thinking_is_kept_apart_from_the_answer(client: Client, ollama) -> None:
    response = client.generate("why?", model="qwen3:0.6b")  # think omitted: on by default
    assert response.content == "echo: why?"
    assert response.thinking == "thinking about: why?"
    with client.stream("why?", model="qwen3:0.6b") as stream:
        events = list(stream)
    assert "".join(e.thinking for e in events) == "thinking about: why?"
    assert "".join(e.text for e in events) == "echo: why?"
    assert stream.response is not None
    assert stream.response.thinking == "thinking about: why?"
    quiet = client.generate("why?", model="qwen3:0.6b", options={"think": False})
    assert quiet.thinking == ""
    assert _chat_bodies(ollama)[-1]["think"] is False


def test_response_format_schema_gives_json(client: Client, ollama) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    response = client.generate("count", response_format=schema)
    assert response.json() == {"n": 42}
    assert _chat_bodies(ollama)[0]["format"] == schema


def test_images_reach_a_vision_model_as_raw_base64(client: Client, ollama) -> None:
    response = client.generate("what is it?", model="llava:7b", images=[Image(PNG)])
    assert response.content == "I see 1 image. echo: what is it?"
    sent = _chat_bodies(ollama)[0]["messages"][0]["images"]
    assert sent == [base64.b64encode(PNG).decode()]


def test_ollama_options_are_sent_where_ollama_reads_them(client: Client, ollama) -> None:
    options = {"num_ctx": 8192, "keep_alive": "10m", "top_k": 20, "min_p": 0.05,
               "repeat_penalty": 1.1, "num_gpu": 0, "num_thread": 2}  # fmt: skip
    client.generate("hi", options=options)
    body = _chat_bodies(ollama)[0]
    assert body["keep_alive"] == "10m"
    assert body["options"] == {k: v for k, v in options.items() if k != "keep_alive"}


def test_configured_options_apply_to_every_request(ollama: OllamaEmulator, make_client) -> None:
    make_client(ollama, options={"num_ctx": 4096}).generate("hi", options={"top_k": 5})
    assert _chat_bodies(ollama)[0]["options"] == {"num_ctx": 4096, "top_k": 5}


def test_load_and_unload(client: Client, ollama: OllamaEmulator) -> None:
    assert client.adapter.load("llama3.2").finish_reason == "load"
    assert [m.id for m in client.adapter.loaded_models()] == ["llama3.2:latest"]
    assert client.adapter.unload("llama3.2").finish_reason == "unload"
    assert client.adapter.loaded_models() == []


@pytest.mark.anyio
async def test_async_generate_and_stream(aclient: AsyncClient) -> None:
    response = await aclient.generate("async hi")
    assert response.content == "echo: async hi"
    assert response.metrics["tokens_per_second"] == pytest.approx(80.0)
    stream = aclient.stream("async stream", model="qwen3:0.6b")
    texts, thoughts = [], []
    async with stream:
        async for event in stream:
            texts.append(event.text)
            thoughts.append(event.thinking)
    assert "".join(texts) == "echo: async stream"
    assert "".join(thoughts) == "thinking about: async stream"
    assert stream.response is not None
    assert stream.response.time_to_first_token is not None
    assert stream.response.finish_reason == "stop"


@pytest.mark.anyio
async def test_async_load_and_loaded_models(aclient: AsyncClient) -> None:
    assert (await aclient.adapter.load("qwen3:0.6b", keep_alive=-1)).finish_reason == "load"
    loaded = await aclient.adapter.loaded_models()
    assert [m.id for m in loaded] == ["qwen3:0.6b"]
    assert loaded[0].loaded is True
    assert (await aclient.adapter.unload("qwen3:0.6b")).finish_reason == "unload"


def test_closing_a_stream_early_releases_the_connection(client: Client, ollama) -> None:
    ollama.words = 500
    with client.stream("x") as stream:
        first = next(iter(stream))
    assert first.text == "w0"
    assert client.generate("still works", max_tokens=3).finish_reason == "length"
