"""Against the LM Studio emulator: the native model list, JIT load states, v0 stats, health,
and the fall back to ``/v1`` when the native API is absent (LM Studio before 0.3.6)."""

from __future__ import annotations

import pytest

from llm_core import AsyncClient, Client, errors
from llm_core.config import Timeouts

LLM, VLM, EMBED = (
    "qwen2.5-7b-instruct",
    "qwen2-vl-2b-instruct",
    "text-embedding-nomic-embed-text-v1.5",
)


def test_list_models_shows_type_state_and_details(lms) -> None:
    with Client("lmstudio", base_url=lms.url) as client:
        models = {m.id: m for m in client.list_models()}
    assert set(models) == {LLM, VLM, EMBED}
    llm, vlm, embed = models[LLM], models[VLM], models[EMBED]
    assert (llm.type, llm.vision, llm.format, llm.quantization) == ("llm", False, "gguf", "Q4_K_M")
    assert (vlm.type, vlm.vision, vlm.format, vlm.quantization) == ("vlm", True, "mlx", "4bit")
    assert (vlm.family, vlm.context_length) == ("qwen2_vl", 32768)
    assert embed.type == "embeddings"
    assert llm.capabilities == ("tool_use",)
    assert not any(m.loaded for m in models.values())
    assert lms.count("/api/v0/models") == 1
    assert lms.count("/v1/models") == 0


def test_jit_load_shows_in_list_models_and_auto_evicts(lms) -> None:
    live = {"models_ttl": 0}  # the core caches model lists for 60 s by default
    with Client("lmstudio", base_url=lms.url, cache=live) as client:
        client.generate("Hi", model=LLM, options={"ttl": 120})
        assert {m.id for m in client.list_models() if m.loaded} == {LLM}
        client.generate("Hi", model=VLM)
        loaded = [m for m in client.list_models() if m.loaded]
    assert [m.id for m in loaded] == [VLM]  # the first JIT-loaded model was evicted
    assert loaded[0].raw["loaded_context_length"] == 4096
    assert lms.loads == [LLM, VLM]
    assert lms.ttls == {LLM: 120}


def test_a_short_read_timeout_fails_a_jit_load_the_defaults_wait(make_lms) -> None:
    lms = make_lms(load_seconds=0.5)
    short = Timeouts(read=0.1)
    with (
        Client("lmstudio", base_url=lms.url, model=LLM, timeouts=short) as client,
        pytest.raises(errors.TimeoutError) as info,
    ):
        client.generate("Hi")
    assert info.value.phase == "read"
    assert "loading" in info.value.hint
    with Client("lmstudio", base_url=lms.url, model=VLM) as client:  # default timeouts
        assert client.generate("Hi").content == "echo: Hi"
    assert lms.loads[-1] == VLM


def test_generate_maps_native_stats_to_metrics(lms) -> None:
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        cut = client.generate("one two three four", max_tokens=2)
        full = client.generate("one two", options={"draft_model": "qwen2.5-0.5b-instruct"})
    assert (cut.content, cut.finish_reason) == ("echo: one", "length")
    assert cut.raw["stop_reason"] == "maxPredictedTokensReached"
    assert cut.metrics["tokens_per_second"] == 50.0
    assert cut.metrics["generation_seconds"] == pytest.approx(2 / 50.0)
    assert 0 < cut.metrics["time_to_first_token"] < 60  # seconds, not milliseconds
    assert (cut.usage.prompt_tokens, cut.usage.completion_tokens) == (4, 2)
    assert cut.raw["model_info"]["format"] == "gguf"
    assert cut.raw["runtime"]["supported_formats"] == ["gguf"]
    assert (full.finish_reason, full.raw["stop_reason"]) == ("stop", "eosFound")
    assert full.metrics["accepted_draft_tokens"] == 1.0
    assert lms.count("/api/v0/chat/completions") == 2
    assert lms.count("/v1/chat/completions") == 0


def test_stream_uses_v1_with_usage(lms) -> None:
    with Client("lmstudio", base_url=lms.url, model=LLM) as client, client.stream("a b c") as s:
        texts = [e.text for e in s if e.text]
    assert "".join(texts) == "echo: a b c"
    assert len(texts) == 4
    assert s.response.usage.completion_tokens == 4
    assert s.response.finish_reason == "stop"
    assert s.response.time_to_first_token is not None
    body = lms.requests[-1].json()
    assert (lms.requests[-1].path, body["stream_options"]) == (
        "/v1/chat/completions",
        {"include_usage": True},
    )


def test_model_info_for_one_model(lms) -> None:
    with Client("lmstudio", base_url=lms.url) as client:
        info = client.adapter.model_info(VLM)
        assert (info.id, info.vision, info.loaded) == (VLM, True, False)
        with pytest.raises(errors.ModelNotFoundError, match="no model 'nope'") as exc:
            client.adapter.model_info("nope")
    assert LLM in exc.value.hint


def test_health_needs_no_loaded_model_and_no_generation(lms) -> None:
    with Client("lmstudio", base_url=lms.url) as client:
        health = client.health_check()
    assert health.ok
    assert health.detail == "3 models, 0 loaded"
    assert health.extra["native_api"] is True
    assert lms.count("/api/v0/chat/completions") + lms.count("/v1/chat/completions") == 0


def test_health_of_a_stopped_server_is_not_ok_and_does_not_raise(lms) -> None:
    url = lms.url
    lms.stop()
    with Client("lmstudio", base_url=url) as client:
        health = client.health_check()
    assert not health.ok
    assert "cannot connect" in health.detail


def test_without_the_native_api_it_falls_back_to_v1_and_says_less(make_lms) -> None:
    lms = make_lms(native=False)
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        models = client.list_models()
        first = client.generate("a b", max_tokens=1)
        second = client.generate("a b")
        health = client.health_check()
    assert {m.id for m in models} == {LLM, VLM, EMBED}
    assert all(m.vision is None and m.loaded is None and m.type is None for m in models)
    assert (first.content, first.finish_reason, first.metrics) == ("echo:", "length", {})
    assert second.content == "echo: a b"
    assert health.ok
    assert "no LM Studio native API" in health.detail
    # The native API was probed once, then never again.
    assert lms.count("/api/v0/models") == 1
    assert lms.count("/api/v0/chat/completions") == 0
    assert lms.count("/v1/chat/completions") == 2


def test_generate_first_probes_then_falls_back(make_lms) -> None:
    lms = make_lms(native=False)
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        assert client.generate("x").content == "echo: x"
        assert client.generate("y").content == "echo: y"
    assert [r.path for r in lms.requests] == [
        "/api/v0/chat/completions",
        "/v1/chat/completions",
        "/v1/chat/completions",
    ]


@pytest.mark.anyio
async def test_async_models_stats_stream_and_health(lms) -> None:
    async with AsyncClient("lmstudio", base_url=lms.url, model=VLM) as client:
        models = {m.id: m for m in await client.list_models()}
        assert models[VLM].vision is True
        response = await client.generate("hello", max_tokens=1)
        assert (response.content, response.metrics["tokens_per_second"]) == ("echo:", 50.0)
        async with client.stream("hello there") as stream:
            texts = [e.text async for e in stream]
        assert "".join(texts) == "echo: hello there"
        assert (await client.adapter.model_info(VLM)).loaded is True
        health = await client.health_check()
    assert health.detail == "3 models, 1 loaded"


@pytest.mark.anyio
async def test_async_fallback_without_native_api(make_lms) -> None:
    lms = make_lms(native=False)
    async with AsyncClient("lmstudio", base_url=lms.url, model=LLM) as client:
        assert (await client.generate("q")).content == "echo: q"
        assert [m.loaded for m in await client.list_models()] == [None, None, None]
        with pytest.raises(errors.ModelNotFoundError):
            await client.adapter.model_info("nope")
