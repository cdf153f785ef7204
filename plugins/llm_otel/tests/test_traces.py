"""Spans and metrics from real calls to the Ollama emulator, read back from the SDK's in-memory
exporters: generate, streams (complete, closed, dropped), retry, fallback, cache hit, error,
embeddings, content capture, async."""

from __future__ import annotations

import json

import pytest
from opentelemetry.trace import StatusCode
from support.faults import Fault

import llm_core
from llm_core.testing import RefusedPort

FAST = {"retry": {"backoff_base": 0.0, "jitter": False}}


def client(ollama, **kw) -> llm_core.Client:
    kw = {"model": "llama3.2", **FAST, **kw}
    return llm_core.Client("ollama", base_url=ollama.url, **kw)


def test_generate_makes_one_chat_span_with_an_attempt_and_the_metrics(otel, ollama) -> None:
    with client(ollama) as c:
        answer = c.generate("Say hi", max_tokens=5, temperature=0.5)
    (span,) = otel.spans("chat")
    a = span.attributes
    assert span.name == "chat llama3.2"
    assert span.kind.name == "CLIENT"
    assert a["gen_ai.operation.name"] == "chat"
    assert a["gen_ai.provider.name"] == "ollama"
    assert a["gen_ai.request.model"] == "llama3.2"
    assert a["gen_ai.request.max_tokens"] == 5
    assert a["gen_ai.request.temperature"] == 0.5
    assert a["gen_ai.request.stream"] is False
    assert a["gen_ai.response.model"] == answer.model
    assert a["gen_ai.response.finish_reasons"] == (answer.finish_reason,)
    assert a["gen_ai.usage.input_tokens"] == answer.usage.prompt_tokens
    assert a["gen_ai.usage.output_tokens"] == answer.usage.completion_tokens
    assert "gen_ai.input.messages" not in a  # content capture is off by default
    (attempt,) = otel.spans("attempt")
    assert attempt.parent.span_id == span.context.span_id
    assert attempt.attributes["llm_core.attempt"] == 1
    (duration,) = otel.points("gen_ai.client.operation.duration")
    assert duration.count == 1
    assert duration.attributes["gen_ai.operation.name"] == "chat"
    assert "error.type" not in duration.attributes
    usage = otel.points("gen_ai.client.token.usage")
    tokens = {p.attributes["gen_ai.token.type"]: p.sum for p in usage}
    assert tokens == {"input": answer.usage.prompt_tokens, "output": answer.usage.completion_tokens}


def test_a_stream_ends_its_span_at_the_end_with_time_to_first_chunk(otel, ollama) -> None:
    with client(ollama) as c:
        stream = c.stream("Say hi", max_tokens=8)
        next(iter(stream))
        assert otel.spans("chat") == []  # still open while the stream runs
        stream.until_done()
    (span,) = otel.spans("chat")
    assert span.attributes["gen_ai.request.stream"] is True
    assert 0 < span.attributes["gen_ai.response.time_to_first_chunk"] < 5
    assert "llm_core.stream.closed_early" not in span.attributes
    (ttft,) = otel.points("gen_ai.client.operation.time_to_first_chunk")
    assert ttft.count == 1


@pytest.mark.parametrize("how", ["close", "drop"])
def test_a_stream_closed_or_dropped_early_ends_its_span(otel, ollama, how) -> None:
    with client(ollama) as c:
        stream = c.stream("Say hi", max_tokens=50)
        next(iter(stream))
        if how == "close":
            stream.close()
        else:
            del stream
        (span,) = otel.spans("chat")
        assert span.attributes["llm_core.stream.closed_early"] is True
        assert span.status.status_code is StatusCode.UNSET
        assert len(otel.spans("attempt")) == 1


def test_a_retry_is_an_event_and_a_failed_attempt_span(otel, ollama) -> None:
    ollama.faults.push(Fault.error(503), times=1, path="/api/chat")
    with client(ollama) as c:
        c.generate("Say hi", max_tokens=4)
    (span,) = otel.spans("chat")
    (event,) = [e for e in span.events if e.name == "llm_core.retry"]
    assert event.attributes["llm_core.attempt"] == 1
    assert event.attributes["error.type"] == "ServerError"
    first, second = sorted(otel.spans("attempt"), key=lambda s: s.attributes["llm_core.attempt"])
    assert first.status.status_code is StatusCode.ERROR
    assert first.attributes["error.type"] == "ServerError"
    assert second.status.status_code is StatusCode.UNSET
    assert span.status.status_code is StatusCode.UNSET


def test_a_fallback_is_an_event_and_an_attempt_per_link(otel, ollama) -> None:
    with RefusedPort() as refused:
        fallback = {"provider": "ollama", "base_url": ollama.url, "model": "llama3.2"}
        kw = {"retry": {"max_attempts": 1}, "fallbacks": [fallback]}
        with llm_core.Client("ollama", base_url=refused.url, model="llama3.2", **kw) as c:
            answer = c.generate("Say hi", max_tokens=4)
    assert answer.fallbacks
    (span,) = otel.spans("chat")
    (event,) = [e for e in span.events if e.name == "llm_core.fallback"]
    assert event.attributes["error.type"] == "ConnectionError"
    links = sorted(s.attributes["llm_core.fallback.link"] for s in otel.spans("attempt"))
    assert links == [0, 1]


def test_a_cache_hit_is_an_event_without_an_attempt_or_tokens(otel, ollama) -> None:
    with client(ollama, cache={"responses": True}) as c:
        c.generate("Say hi", max_tokens=4, temperature=0)
        assert c.generate("Say hi", max_tokens=4, temperature=0).cached
    _first, second = otel.spans("chat")
    assert [e.name for e in second.events] == ["llm_core.cache_hit"]
    assert second.attributes["llm_core.cache.hit"] is True
    assert len(otel.spans("attempt")) == 1
    (duration,) = otel.points("gen_ai.client.operation.duration")
    assert duration.count == 2
    assert all(p.count == 1 for p in otel.points("gen_ai.client.token.usage"))


def test_an_error_sets_error_type_on_the_span_and_the_duration(otel, ollama) -> None:
    with client(ollama, model="no-such-model") as c, pytest.raises(llm_core.ModelNotFoundError):
        c.generate("Say hi")
    (span,) = otel.spans("chat")
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["error.type"] == "ModelNotFoundError"
    (duration,) = otel.points("gen_ai.client.operation.duration")
    assert duration.attributes["error.type"] == "ModelNotFoundError"


def test_embed_makes_an_embeddings_span(otel, ollama) -> None:
    with client(ollama, model="nomic-embed-text") as c:
        result = c.embed(["a", "b"])
    (span,) = otel.spans("embeddings")
    assert span.name == "embeddings nomic-embed-text"
    assert span.attributes["gen_ai.operation.name"] == "embeddings"
    assert span.attributes["gen_ai.embeddings.dimension.count"] == result.dimensions
    if result.prompt_tokens is not None:
        assert span.attributes["gen_ai.usage.input_tokens"] == result.prompt_tokens


def test_content_is_captured_only_when_the_setting_says_so(otel, ollama, monkeypatch) -> None:
    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    with client(ollama) as c:
        answer = c.generate("Say hi", max_tokens=4)
    (span,) = otel.spans("chat")
    sent = json.loads(span.attributes["gen_ai.input.messages"])
    assert sent == [{"role": "user", "parts": [{"type": "text", "content": "Say hi"}]}]
    got = json.loads(span.attributes["gen_ai.output.messages"])
    assert got[0]["parts"][-1] == {"type": "text", "content": answer.content}


@pytest.mark.anyio
async def test_async_generate_and_stream(otel, ollama) -> None:
    async with llm_core.AsyncClient("ollama", base_url=ollama.url, model="llama3.2") as c:
        await c.generate("Say hi", max_tokens=4)
        stream = c.stream("Say hi", max_tokens=4)
        await stream.until_done()
    spans = otel.spans("chat")
    assert [s.attributes["gen_ai.request.stream"] for s in spans] == [False, True]
    assert len(otel.spans("attempt")) == 2


@pytest.mark.anyio
async def test_an_async_stream_closed_early_ends_its_span(otel, ollama) -> None:
    async with llm_core.AsyncClient("ollama", base_url=ollama.url, model="llama3.2") as c:
        stream = c.stream("Say hi", max_tokens=50)
        async for _ in stream:
            break
        await stream.aclose()
        (span,) = otel.spans("chat")
    assert span.attributes["llm_core.stream.closed_early"] is True
    assert span.status.status_code is StatusCode.UNSET


def test_captured_content_shows_an_image_as_a_placeholder_only(otel, ollama, monkeypatch) -> None:
    from llm_core.testing import tiny_png

    monkeypatch.setenv("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")
    png = tiny_png()
    with client(ollama, model="llava:7b") as c:
        c.generate("What is this?", images=[png], max_tokens=4)
    (span,) = otel.spans("chat")
    text = span.attributes["gen_ai.input.messages"]
    parts = json.loads(text)[0]["parts"]
    assert {"type": "image"} in parts and {"type": "text", "content": "What is this?"} in parts
    assert "iVBOR" not in text and len(text) < 200  # no image bytes, not even base64
