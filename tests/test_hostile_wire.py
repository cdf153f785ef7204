"""The total deadline and the byte limits against hostile servers on real loopback sockets, for
every HTTP provider (openai, ollama, lmstudio), sync and async, generate and stream, SSE and
NDJSON; plus SSE text with U+2028 / U+0085 / U+001C read whole.

Deadlines are short (0.4 s) and sizes just above lowered limits, so the module stays fast; the
real defaults are measured by bench/hostile.py (figures in specs/resilience.md).
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from support import transports

import llm_core
from llm_core.testing.hostile import HostileServer

DEADLINE = 0.4
LIMITS = {"max_response_bytes": 64 * 1024, "max_line_bytes": 16 * 1024}
#: provider -> (path after host:port, one valid text event of its stream wire)
PROVIDERS = {
    "openai": ("/v1", b'data: {"choices":[{"delta":{"content":"hi"}}]}\n\n'),
    "lmstudio": ("/v1", b'data: {"choices":[{"delta":{"content":"hi"}}]}\n\n'),
    "ollama": ("", b'{"message":{"role":"assistant","content":"hi"},"done":false}\n'),
}
MODES = ("generate", "stream", "async generate", "async stream")
transport = transports.fixture()  # async cases on httpx2 and on aiohttp


def call(provider: str, server: HostileServer, mode: str, **settings: Any) -> tuple[Any, float]:
    """Run one call of ``mode``; (the error it raised, or its result; seconds it took)."""
    kwargs = {
        "provider": provider,
        "model": "m",
        "base_url": server.url + PROVIDERS[provider][0],
        "retry": {"max_attempts": 1},
        "cooldown": {"cooldown": 0},
        **settings,
    }

    async def run_async() -> Any:
        async with llm_core.AsyncClient(**kwargs) as client:
            if mode == "async stream":
                return [event async for event in client.stream("hi")]
            return await client.generate("hi")

    started = time.monotonic()
    try:
        if mode.startswith("async"):
            result = asyncio.run(run_async())
        else:
            with llm_core.Client(**kwargs) as client:
                result = list(client.stream("hi")) if mode == "stream" else client.generate("hi")
    except llm_core.LLMError as exc:
        result = exc
    return result, time.monotonic() - started


def deadline_timeouts(read: float = 600.0) -> dict[str, Any]:
    return {"timeouts": {"total": DEADLINE, "read": read}}


def assert_deadline(error: Any, took: float) -> None:
    assert isinstance(error, llm_core.TimeoutError), repr(error)
    assert error.phase == "deadline", error
    assert "raise timeouts.read" not in (error.hint or "")
    assert took < DEADLINE + 1.5, took  # a bound against hanging, not a speed check


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    "server",
    [
        pytest.param({"kind": "drip", "interval": 0.02}, id="drip"),
        pytest.param({"kind": "drip", "interval": 0.02, "length": 10_000_000}, id="drip-length"),
        pytest.param({"kind": "drip", "interval": 0.02, "drip_head": True}, id="drip-headers"),
        pytest.param(
            {"kind": "endless", "pattern": b" ", "repeat": 512, "interval": 0.005},
            id="spaces-no-newline",
        ),
        pytest.param(
            {"kind": "endless", "pattern": b"\n", "repeat": 512, "interval": 0.005},
            id="blank-lines",
        ),
    ],
)
def test_busy_server_ends_at_the_deadline(server: dict, provider: str, mode: str) -> None:
    with HostileServer(**server) as hostile:
        error, took = call(provider, hostile, mode, **deadline_timeouts())
    assert_deadline(error, took)


@pytest.mark.parametrize("mode", ["stream", "async stream"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_one_event_then_blank_lines_keeps_the_text(provider: str, mode: str) -> None:
    event = PROVIDERS[provider][1]
    with HostileServer("endless", prefix=event, pattern=b"\n", repeat=64, interval=0.005) as s:
        error, took = call(provider, s, mode, **deadline_timeouts())
    assert isinstance(error, llm_core.GenerationError), repr(error)
    assert error.partial_text == "hi"
    assert isinstance(error.__cause__, llm_core.TimeoutError), repr(error.__cause__)
    assert error.__cause__.phase == "deadline"
    assert took < DEADLINE + 1.5, took


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("provider", PROVIDERS)
def test_read_timeout_shorter_than_the_deadline_is_a_read_timeout(provider: str, mode: str):
    with HostileServer("drip", interval=0.3) as hostile:
        error, _ = call(provider, hostile, mode, timeouts={"total": 5.0, "read": 0.1})
    assert isinstance(error, llm_core.TimeoutError), repr(error)
    assert error.phase == "read", error


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize(
    ("server", "what"),
    [
        pytest.param({"kind": "big", "size": LIMITS["max_response_bytes"] + 1}, "", id="line"),
        pytest.param({"kind": "gzip", "size": 4 << 20}, "answer", id="gzip-bomb"),
        pytest.param(
            {"kind": "endless", "pattern": b" ", "repeat": 8192, "interval": 0.001},
            "",
            id="spaces-fast",
        ),
        pytest.param(
            {"kind": "endless", "pattern": b"\n", "repeat": 8192, "interval": 0.001},
            "answer",
            id="blank-lines-fast",
        ),
    ],
)
def test_oversized_answer_is_refused(server: dict, what: str, provider: str, mode: str) -> None:
    with HostileServer(**server) as hostile:
        error, _ = call(provider, hostile, mode, limits=LIMITS, **deadline_timeouts())
    assert isinstance(error, llm_core.InvalidResponseError), repr(error)
    assert "exceeds" in error.message and f"{what} exceeds" in error.message, error
    assert "limits.max_" in error.hint


@pytest.mark.parametrize("mode", ["stream", "async stream"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_stream_line_cap_is_per_line(provider: str, mode: str) -> None:
    # A streamed body may exceed the line cap in total; only one line may not.
    path, event = PROVIDERS[provider]
    end = b"data: [DONE]\n\n" if path else b'{"done":true,"done_reason":"stop"}\n'
    body = event * (3 * LIMITS["max_line_bytes"] // len(event)) + end
    with HostileServer("big", prefix=body, size=0) as hostile:
        events, _ = call(provider, hostile, mode, limits=LIMITS)
    assert not isinstance(events, Exception), repr(events)
    assert events[-1].response.content == "hi" * (3 * LIMITS["max_line_bytes"] // len(event))


@pytest.mark.parametrize("mode", ["stream", "async stream"])
@pytest.mark.parametrize("provider", PROVIDERS)
def test_unicode_line_separators_inside_json_keep_the_stream(provider: str, mode: str) -> None:
    text = "a\u2028b\u0085c\u001cd\u2029e\x0bf\x0cg\x1dh\x1ei"
    path, _ = PROVIDERS[provider]
    if path:
        chunk = {"choices": [{"delta": {"content": text}}]}
        body = b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"
        body += b"data: [DONE]\n\n"
    else:
        line = {"message": {"content": text}, "done": True, "done_reason": "stop"}
        body = json.dumps(line, ensure_ascii=False).encode() + b"\n"
    with HostileServer("big", prefix=body, size=0) as hostile:
        events, _ = call(provider, hostile, mode)
    assert not isinstance(events, Exception), repr(events)
    assert events[-1].response.content == text


@pytest.mark.parametrize("mode", MODES)
def test_the_deadline_is_neither_retried_nor_fallen_back(mode: str) -> None:
    with HostileServer("drip", interval=0.02) as hostile, HostileServer("drip") as other:
        fallback = {"provider": "openai", "base_url": other.url + "/v1"}
        error, took = call(
            "openai",
            hostile,
            mode,
            retry={"max_attempts": 3, "backoff_base": 0.0, "retry_read_timeouts": True},
            fallbacks=[fallback],
            **deadline_timeouts(),
        )
    assert_deadline(error, took)
    assert (hostile.requests, other.requests) == (1, 0)
