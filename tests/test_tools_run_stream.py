"""The streamed tool loop (``client.run_stream``) against the OpenAI fake over a real socket."""

from __future__ import annotations

import anyio
import pytest

import llm_core
import llm_core.errors
from tests.support.openai_fake import OpenAIFake


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


async def mul(a: int, b: int) -> int:
    """Multiply two numbers."""
    return a * b


SCRIPT = [[("add", {"a": 1, "b": 2}), ("mul", {"a": 3, "b": 4})], "it is 3 and 12"]


def check(events: list[llm_core.StreamEvent]) -> None:
    calls = [c.name for e in events for c in e.tool_calls]
    results = [e.tool_result.content for e in events if e.tool_result is not None]
    text = "".join(e.text for e in events)
    assert calls == ["add", "mul"]
    assert results == ["3", "12"]
    assert text == "it is 3 and 12"
    kinds = [
        "call" if e.tool_calls else "result" if e.tool_result else "done" if e.done else "text"
        for e in events
    ]
    assert kinds.index("result") > kinds.index("call")
    assert kinds.index("text") > kinds.index("result")
    assert kinds.count("done") == 1 and kinds[-1] == "done"
    final = events[-1].response
    assert final is not None and final.content == "it is 3 and 12"
    assert len(final.rounds) == 2 and final.rounds[0].finish_reason == "tool_calls"
    assert [m.role for m in final.messages] == ["user", "assistant", "tool", "tool"]


def test_run_stream_sync_and_async() -> None:
    with OpenAIFake(interleave_calls=True) as fake:
        kwargs = {"base_url": fake.url + "/v1", "model": "fake-model"}
        fake.answers = list(SCRIPT)
        with llm_core.Client("openai", **kwargs) as c, c.run_stream("go", tools=[add, mul]) as s:
            events = list(s)
            assert s.response is events[-1].response
        check(events)

        async def main() -> list[llm_core.StreamEvent]:
            fake.answers = list(SCRIPT)
            async with llm_core.AsyncClient("openai", **kwargs) as ac:
                return [e async for e in ac.run_stream("go", tools=[add, mul])]

        check(anyio.run(main))


def test_run_stream_stopped_early_closes_the_round_and_max_rounds_holds() -> None:
    with OpenAIFake(words=50) as fake:
        kwargs = {"base_url": fake.url + "/v1", "model": "fake-model"}
        with llm_core.Client("openai", **kwargs) as c:
            with c.run_stream("go", tools=[add]) as s:
                first = next(iter(s))
            assert first.text == "w0"
            fake.answers = [[("add", {"a": 1, "b": 1})]] * 3
            final = c.run_stream("go", tools=[add], max_rounds=2).until_done()
        assert len(final.rounds) == 2 and final.tool_calls  # out of rounds, calls left unrun
        fake.answers = []

        async def main() -> str:
            async with (
                llm_core.AsyncClient("openai", **kwargs) as ac,
                ac.run_stream("go", tools=[add]) as s,
            ):
                async for event in s:
                    return event.text
            return ""

        assert anyio.run(main) == "w0"


def test_run_stream_failure_in_a_later_round_propagates() -> None:
    with OpenAIFake() as fake:

        def halt() -> str:
            """Stop the server: the next round cannot connect."""
            fake.stop()
            return "stopped"

        fake.answers = [[("halt", {})]]
        kwargs = {"base_url": fake.url + "/v1", "model": "fake-model", "retry": {"max_attempts": 1}}
        seen: list[llm_core.StreamEvent] = []
        with (
            llm_core.Client("openai", **kwargs) as c,
            pytest.raises(llm_core.errors.ConnectionError),
        ):
            seen.extend(c.run_stream("go", tools=[halt]))
    assert [e.tool_result.content for e in seen if e.tool_result] == ["stopped"]
