"""The tool loop (``client.run``) against the OpenAI-compatible fake over a real socket."""

from __future__ import annotations

import asyncio
import time

import anyio
import pytest

import llm_core
from llm_core.errors import ValidationError
from tests.support.openai_fake import OpenAIFake


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def explode(reason: str) -> str:
    """Always fails."""
    raise RuntimeError(reason)


async def nap(seconds: float) -> str:
    """Sleep, then say so."""
    await asyncio.sleep(seconds)
    return f"slept {seconds}"


@pytest.fixture
def fake():
    with OpenAIFake() as server:
        yield server


def client(fake: OpenAIFake, cls=llm_core.Client):
    return cls("openai", base_url=fake.url + "/v1", model="fake-model")


def test_multi_round_with_bad_calls_answered_not_raised(fake: OpenAIFake) -> None:
    fake.answers = [
        [("add", {"a": 1, "b": 2}), ("explode", {"reason": "boom"})],
        [("add", {"a": "x", "b": 1}), ("nope", {})],
        "the answer is 3",
    ]
    with client(fake) as c:
        response = c.run("1+2?", tools=[add, explode], max_rounds=5)
    assert response.content == "the answer is 3"
    assert len(response.rounds) == 3
    results = [m for m in response.messages if m.role == "tool"]
    assert [m.content for m in results[:2]] == ["3", "error: RuntimeError: boom"]
    assert "bad arguments: a" in results[2].content
    assert "no tool named 'nope'" in results[3].content
    assert [m.role for m in response.messages[:3]] == ["user", "assistant", "tool"]
    assert results[0].tool_call_id == response.rounds[0].tool_calls[0].id


def test_max_rounds_stops_and_veto_refuses(fake: OpenAIFake) -> None:
    fake.answers = [[("add", {"a": 1, "b": 2})]] * 3
    seen = []
    with client(fake) as c:
        response = c.run(
            "go", tools=[add], max_rounds=2, approve=lambda call: seen.append(call) or False
        )
        with pytest.raises(ValidationError, match="max_rounds"):
            c.run("go", tools=[add], max_rounds=0)
    assert len(response.rounds) == 2
    assert response.tool_calls  # the model still wanted a call when the rounds ran out
    assert [m.content for m in response.messages if m.role == "tool"] == [
        "error: the user refused the call to 'add'"
    ]
    assert [c.name for c in seen] == ["add"]


def test_async_tools_run_concurrently(fake: OpenAIFake) -> None:
    fake.answers = [[("nap", {"seconds": 0.3})] * 4, "done"]

    async def main() -> tuple[llm_core.Response, float]:
        async with client(fake, llm_core.AsyncClient) as c:
            started = time.perf_counter()
            response = await c.run("sleep", tools=[nap])
            return response, time.perf_counter() - started

    response, elapsed = anyio.run(main)
    assert response.content == "done"
    assert [m.content for m in response.messages if m.role == "tool"] == ["slept 0.3"] * 4
    assert elapsed < 1.2  # four 0.3 s naps one after another would take 1.2 s
