"""Streamed tool calls from the OpenAI fake over a real socket: OpenAI's chunk format, parallel
calls sent one after the other or interleaved, every completed call marked on an event."""

from __future__ import annotations

import json

import anyio
import httpx2
import pytest

import llm_core
from tests.support.openai_fake import OpenAIFake

CALLS = [("add", {"a": 1, "b": 2}), ("lookup", {"city": "Paris", "units": "metric"})]


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def lookup(city: str, units: str = "metric") -> str:
    """The weather in a city."""
    return f"sunny in {city}"


@pytest.mark.parametrize("interleave", [False, True])
def test_fake_streams_calls_in_openai_chunks(interleave: bool) -> None:
    with OpenAIFake(interleave_calls=interleave, arg_piece=4) as fake:
        fake.answers = [CALLS]
        body = {"messages": [{"role": "user", "content": "go"}], "stream": True}
        with httpx2.stream("POST", fake.url + "/v1/chat/completions", json=body) as r:
            lines = [line for line in r.iter_lines() if line.startswith("data: {")]
    chunks = [json.loads(line[6:]) for line in lines]
    deltas = [c["choices"][0]["delta"] for c in chunks]
    assert deltas[0] == {"role": "assistant", "content": None}
    items = [d["tool_calls"][0] for d in deltas if "tool_calls" in d]
    heads = [i for i in items if "id" in i]
    assert [(h["index"], h["type"], h["function"]["name"]) for h in heads] == [
        (0, "function", "add"),
        (1, "function", "lookup"),
    ]
    assert all(h["function"]["arguments"] == "" for h in heads)
    pieces = [i for i in items if "id" not in i]
    assert len([p for p in pieces if p["index"] == 0]) > 2  # cut into several fragments
    order = [i["index"] for i in items]
    assert (order != sorted(order)) is interleave
    assert chunks[-1]["choices"][0] == {"finish_reason": "tool_calls", "index": 0, "delta": {}}


@pytest.mark.parametrize("interleave", [False, True])
def test_client_stream_marks_every_call_sync_and_async(interleave: bool) -> None:
    with OpenAIFake(interleave_calls=interleave, arg_piece=3) as fake:
        fake.answers = [CALLS, CALLS]
        kwargs = {"base_url": fake.url + "/v1", "model": "fake-model"}
        with llm_core.Client("openai", **kwargs) as c:
            events = list(c.stream("go", tools=[add, lookup]))

        async def main() -> list[llm_core.StreamEvent]:
            async with llm_core.AsyncClient("openai", **kwargs) as ac:
                return [e async for e in ac.stream("go", tools=[add, lookup])]

        async_events = anyio.run(main)
    for evs in (events, async_events):
        marked = [call for e in evs for call in e.tool_calls]
        assert [(c.name, c.arguments) for c in marked] == [(n, a) for n, a in CALLS]
        final = evs[-1].response
        assert final is not None and final.finish_reason == "tool_calls"
        assert [(c.name, c.arguments) for c in final.tool_calls] == [(n, a) for n, a in CALLS]
        assert [c.id for c in final.tool_calls] == [c.id for c in marked]
