"""Real mlx-vlm generation on the tiny Qwen2-VL through llm_core.Client and AsyncClient."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("mlx_vlm", reason="mlx-vlm runs the model (pip install 'mlx-vlm[cpu]')")

import llm_core
from llm_core import AsyncClient, Client, Message

pytestmark = pytest.mark.engine


def test_generate_text_only(client, readable) -> None:
    response = client.generate("Describe the weather.", max_tokens=24)
    assert readable(response.content), response.content
    assert response.provider == "mlx"
    assert response.finish_reason == "length"  # the tiny model never emits EOS
    assert response.usage.completion_tokens == 24
    assert response.usage.prompt_tokens > 10  # the chat template wraps the prompt
    assert response.usage.total_tokens == response.usage.prompt_tokens + 24


def test_metrics(client) -> None:
    first = client.generate("Hello there", max_tokens=16)
    second = client.generate("Hello there", max_tokens=16)
    for response in (first, second):
        m = response.metrics
        assert m["prompt_tokens_per_second"] > 0
        assert m["generation_tokens_per_second"] > 0
        assert 0 < m["peak_memory_gb"] < 64
        assert 0 < response.time_to_first_token == m["time_to_first_token"] <= response.latency
    assert first.metrics["load_seconds"] > 0
    assert first.raw["loaded"] is True
    assert second.metrics["load_seconds"] == 0
    assert second.raw["loaded"] is False
    assert first.raw["model_type"] == "qwen2_vl"


def test_same_request_same_answer_and_prompts_matter(client) -> None:
    a = client.generate("Describe the weather.", max_tokens=20)
    b = client.generate("Describe the weather.", max_tokens=20)
    c = client.generate("Write a poem about the sea, please.", max_tokens=20)
    assert a.content == b.content
    assert a.content != c.content


def test_stream_equals_generate(client) -> None:
    full = client.generate("Tell me a story.", max_tokens=40)
    with client.stream("Tell me a story.", max_tokens=40) as stream:
        chunks = list(stream.text_chunks())
    assert len(chunks) > 3
    assert "".join(chunks) == full.content
    response = stream.response
    assert response is not None
    assert response.content == full.content
    assert response.finish_reason == "length"
    assert response.usage.completion_tokens == 40
    assert response.time_to_first_token is not None


def test_stop_strings_cut_generate_and_stream(client) -> None:
    full = client.generate("Describe the weather.", max_tokens=40).content
    stop = full[9:14]  # a stop string from the middle of the answer (may span tokens)
    cut = full[: full.index(stop)]
    response = client.generate("Describe the weather.", max_tokens=40, stop=[stop, "\x00never"])
    assert (response.content, response.finish_reason) == (cut, "stop")
    assert response.usage.completion_tokens < 40
    with client.stream("Describe the weather.", max_tokens=40, stop=stop) as stream:
        streamed = "".join(stream.text_chunks())
    assert streamed == cut
    assert stream.response.finish_reason == "stop"


def test_multi_turn_with_system_message(client, readable) -> None:
    messages = [
        Message.system("You are terse."),
        Message.user("Hi"),
        Message.assistant("Hello."),
        {"role": "user", "content": "And now?"},
    ]
    response = client.generate(messages, max_tokens=12)
    single = client.generate("And now?", max_tokens=12)
    assert readable(response.content)
    assert response.usage.prompt_tokens > single.usage.prompt_tokens


def test_sampling_with_a_seed_is_reproducible(client) -> None:
    kwargs = {"max_tokens": 20, "temperature": 1.0, "seed": 7, "options": {"top_k": 50}}
    a = client.generate("Describe the weather.", **kwargs)
    b = client.generate("Describe the weather.", **kwargs)
    assert a.content == b.content


def test_vision_model_environment_variable_is_the_default(tiny_vlm: Path, monkeypatch) -> None:
    monkeypatch.setenv("VISION_MODEL", str(tiny_vlm))
    with Client("mlx") as client:
        response = client.generate("Hi", max_tokens=5)
    assert response.model == str(tiny_vlm)
    monkeypatch.setenv("VISION_MODEL", "org/not-this-one")
    with Client("mlx", model=str(tiny_vlm)) as client:  # config.model wins
        assert client.generate("Hi", max_tokens=5).model == str(tiny_vlm)


def test_mlx_is_the_default_provider(tiny_vlm: Path, monkeypatch) -> None:
    monkeypatch.setenv("VISION_MODEL", str(tiny_vlm))
    with Client() as client:
        assert client.provider == "mlx"
        assert client.generate("Hi", max_tokens=3).usage.completion_tokens == 3


@pytest.mark.anyio
async def test_async_generate_and_stream(tiny_vlm: Path, readable) -> None:
    async with AsyncClient("mlx", model=str(tiny_vlm)) as client:
        response = await client.generate("Tell me a story.", max_tokens=30)
        assert readable(response.content)
        assert response.finish_reason == "length"
        chunks = [c async for c in client.stream("Tell me a story.", max_tokens=30).text_chunks()]
        assert "".join(chunks) == response.content


def test_adapter_extras_load_unload_and_loaded_models(tiny_vlm: Path) -> None:
    with Client("mlx", model=str(tiny_vlm)) as client:
        assert client.adapter.load() is True
        assert client.adapter.load() is False  # already loaded
        assert client.adapter.loaded_models() == [str(tiny_vlm)]
        assert client.generate("Hi", max_tokens=2).raw["loaded"] is False
        assert client.adapter.unload() == 1
        assert client.adapter.loaded_models() == []


def test_closing_the_last_client_unloads_models(tiny_vlm: Path) -> None:
    first = Client("mlx", model=str(tiny_vlm))
    second = Client("mlx", model=str(tiny_vlm))
    first.generate("Hi", max_tokens=2)
    first.close()
    assert second.adapter.loaded_models() == [str(tiny_vlm)]  # still in use
    second.close()
    assert second.adapter.loaded_models() == []
    with pytest.raises(llm_core.ConfigurationError, match="closed"):
        second.generate("Hi", max_tokens=2)


def test_every_option_reaches_mlx_vlm(client, readable) -> None:
    options = {
        "top_k": 5,
        "min_p": 0.05,
        "repetition_penalty": 1.2,
        "repetition_context_size": 8,
        "presence_penalty": 0.1,
        "frequency_penalty": 0.1,
        "max_kv_size": 256,
        "kv_bits": 8,
        "prefill_step_size": 16,
        "enable_thinking": False,
        "thinking_budget": 8,
    }
    plain = client.generate("Describe the weather.", max_tokens=20)
    tuned = client.generate("Describe the weather.", max_tokens=20, options=options)
    assert readable(tuned.content)
    assert tuned.usage.completion_tokens == 20
    assert tuned.content != plain.content  # the repetition penalty changed the greedy text


def test_resize_shape_shrinks_images_before_the_processor(client, tmp_path) -> None:
    from PIL import Image

    big = tmp_path / "big.png"
    Image.new("RGB", (320, 224), (30, 200, 90)).save(big)
    full = client.generate("Hi", images=[big], max_tokens=3)
    small = client.generate("Hi", images=[big], max_tokens=3, options={"resize_shape": 56})
    assert small.usage.prompt_tokens < full.usage.prompt_tokens  # fewer image tokens
