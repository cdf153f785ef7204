"""The core's resilience layer on the Ollama wire: faults from tests/support/faults.py."""

from __future__ import annotations

import pytest
from support.faults import Fault, refused_url
from support.ollama_emulator import OllamaEmulator

from llm_core import GenerationError, RateLimitError, ServerError, TimeoutError

BUSY = {"error": "server busy, please try again.  maximum pending requests exceeded"}


def test_queue_full_503_is_retried(client, ollama: OllamaEmulator) -> None:
    ollama.faults.push(Fault.error(503, body=BUSY), times=2, path="/api/chat")
    response = client.generate("hi")
    assert response.content == "echo: hi"
    assert ollama.count("/api/chat") == 3
    assert [a.error_type for a in response.attempts] == ["ServerError", "ServerError", None]
    assert "maximum pending requests" in (response.attempts[0].error or "")


def test_a_stream_is_retried_before_its_first_piece(client, ollama) -> None:
    ollama.faults.push(Fault.error(503, body=BUSY), path="/api/chat")
    ollama.faults.push(Fault.reset(), path="/api/chat")
    assert client.stream("hi").until_done().content == "echo: hi"
    assert ollama.count("/api/chat") == 3


def test_a_stream_cut_after_two_lines_is_a_generation_error(client, ollama) -> None:
    ollama.faults.push(Fault.drop_mid_stream(after=2), path="/api/chat")
    with pytest.raises(GenerationError) as info:
        client.stream("one two three").until_done()
    assert info.value.partial_text == "echo: one"
    assert ollama.count("/api/chat") == 1  # text already reached the caller: no retry


def test_a_body_cut_short_is_retried(client, ollama) -> None:
    ollama.faults.push(Fault.drop_mid_body(), path="/api/chat")
    assert client.generate("hi").content == "echo: hi"
    assert ollama.count("/api/chat") == 2


def test_rate_limit_honours_retry_after(client, ollama) -> None:
    ollama.faults.push(Fault.rate_limited(0.05), path="/api/chat")
    response = client.generate("hi")
    assert response.attempts[0].error_type == "RateLimitError"
    assert response.attempts[0].wait == pytest.approx(0.05)


def test_rate_limit_beyond_the_cap_is_raised_at_once(ollama, make_client) -> None:
    ollama.faults.push(Fault.rate_limited(120), path="/api/chat")
    with pytest.raises(RateLimitError) as info:
        make_client(ollama).generate("hi")
    assert info.value.retry_after == 120


def test_a_slow_server_hits_the_read_timeout(ollama, make_client) -> None:
    ollama.faults.push(Fault.slow_headers(1.0), path="/api/chat")
    client = make_client(ollama, timeouts={"read": 0.1})
    with pytest.raises(TimeoutError) as info:
        client.generate("hi")
    assert info.value.phase == "read"
    assert ollama.count("/api/chat") == 1  # a slow local model is not retried by default


def test_html_502_from_a_proxy_is_a_server_error(ollama, make_client) -> None:
    ollama.faults.push(Fault.wrong_content_type(502), times=None, path="/api/chat")
    client = make_client(ollama, retry={"max_attempts": 2, "backoff_base": 0})
    with pytest.raises(ServerError, match="502"):
        client.generate("hi")
    assert ollama.count("/api/chat") == 2


def test_fallback_from_a_stopped_ollama_to_a_running_one(ollama, make_client) -> None:
    client = make_client(refused_url(), fallbacks=[{"provider": "ollama", "base_url": ollama.url,
                                                    "model": "llama3.2"}])  # fmt: skip
    response = client.generate("hi")
    assert response.content == "echo: hi"
    assert [f.error_type for f in response.fallbacks] == ["ConnectionError"]


def test_fallback_to_another_model_when_the_first_is_not_pulled(ollama, make_client) -> None:
    client = make_client(ollama, model="llama9", fallbacks=[
        {"provider": "ollama", "base_url": ollama.url, "model": "qwen3:0.6b"}])  # fmt: skip
    with client.stream("hi") as stream:
        text = "".join(stream.text_chunks())
    assert text == "echo: hi"
    assert stream.response is not None
    assert stream.response.thinking == "thinking about: hi"


@pytest.mark.anyio
async def test_async_retry_and_cut_stream(ollama, make_aclient) -> None:
    aclient = make_aclient(ollama)
    ollama.faults.push(Fault.error(503, body=BUSY), path="/api/chat")
    assert (await aclient.generate("hi")).content == "echo: hi"
    ollama.faults.push(Fault.drop_mid_stream(after=1), path="/api/chat")
    with pytest.raises(GenerationError) as info:
        await aclient.stream("one two").until_done()
    assert info.value.partial_text == "echo:"
