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
    fake.answers = [[("nap", {"seconds": 0.2}), ("nap", {"seconds": 0.2})], "done"]
    spans: list[tuple[float, float]] = []

    async def nap(seconds: float) -> str:
        """Sleep, noting when it started and ended."""
        started = time.perf_counter()
        await asyncio.sleep(seconds)
        spans.append((started, time.perf_counter()))
        return f"slept {seconds}"

    async def main() -> llm_core.Response:
        async with client(fake, llm_core.AsyncClient) as c:
            return await c.run("sleep", tools=[nap])

    response = anyio.run(main)
    assert response.content == "done"
    assert [m.content for m in response.messages if m.role == "tool"] == ["slept 0.2"] * 2
    (_, first_end), (second_start, _) = sorted(spans)
    assert second_start < first_end  # the second nap began before the first ended


def test_raise_tool_errors_lets_the_exception_through(fake: OpenAIFake) -> None:
    fake.answers = [[("explode", {"reason": "boom"})], [("explode", {"reason": "async"})]]

    async def explode_async(reason: str) -> str:
        """Fails, asynchronously."""
        raise KeyError(reason)

    explode_async.__name__ = "explode"
    with client(fake) as c, pytest.raises(RuntimeError, match="boom"):
        c.run("go", tools=[explode], raise_tool_errors=True)

    async def main() -> None:
        async with client(fake, llm_core.AsyncClient) as c:
            await c.run("go", tools=[explode_async], raise_tool_errors=True)

    with pytest.raises(KeyError, match="async"):
        anyio.run(main)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"tools": None}, "tools is None"),
        ({"tools": 3}, "tools must be a list, got int"),
        ({"tools": {"add": add}}, "tools must be a list, got dict"),
        ({"tools": [add], "max_rounds": 0}, "max_rounds must be a positive integer, got 0"),
        ({"tools": [add], "max_rounds": -1}, "got -1"),
        ({"tools": [add], "max_rounds": "3"}, "got '3'"),
        ({"tools": [add], "max_rounds": True}, "got True"),
        ({"tools": [add], "approve": "yes"}, "approve must be callable, got str"),
        ({"tools": [add], "raise_tool_errors": "no"}, "raise_tool_errors must be True or False"),
        ({"tools": [lambda *args: 0]}, "parameter 'args'"),
    ],
)
def test_bad_loop_input_is_a_typed_error_naming_the_field(kwargs: dict, match: str) -> None:
    c = llm_core.Client("openai", base_url="http://127.0.0.1:9/v1", model="m")  # never reached
    for call in (c.run, c.run_stream):
        with pytest.raises(ValidationError, match=match) as info:
            call("go", **kwargs)
        assert info.value.hint
