"""Real tool calls from llama.cpp's own server (xllamacpp, Jinja templates on) over a socket.

The tools model (support/tiny_gguf.py, ``tools=True``) has a Hermes-style chat template, so
llama.cpp builds a call grammar from the tools sent; its weights make it start a call at once,
and the grammar makes the call well-formed. These are real parses of a real engine's output.
"""

from __future__ import annotations

from typing import Literal

import anyio
import pytest

import llm_core

pytestmark = pytest.mark.engine

CALLS: list[str] = []


def get_weather(city: Literal["Paris", "Tokyo"]) -> str:
    """The weather in a city."""
    CALLS.append(city)
    return f"sunny in {city}"


def client(server, cls=llm_core.Client):
    return cls("openai", base_url=server.openai_url, model=server.model)


def test_generate_parses_a_real_call(llamacpp_tools_server) -> None:
    with client(llamacpp_tools_server) as c:
        response = c.generate(
            "weather in Paris?", tools=[get_weather], tool_choice="required", max_tokens=64
        )
    assert response.finish_reason == "tool_calls"
    [call] = response.tool_calls
    assert call.name == "get_weather"
    assert isinstance(call.arguments, dict) and call.arguments["city"] in ("Paris", "Tokyo")
    assert call.id and isinstance(call.raw["function"]["arguments"], str)  # a JSON string
    assert llm_core.tools.to_tool(get_weather).validate(call.arguments) == call.arguments


def test_stream_assembles_the_real_call(llamacpp_tools_server) -> None:
    with client(llamacpp_tools_server) as c:
        ask = {"tools": [get_weather], "tool_choice": "required", "temperature": 0}
        generated = c.generate("weather?", **ask)
        with c.stream("weather?", **ask) as stream:
            events = list(stream)
    marked = [e.tool_call for e in events if e.tool_call is not None]
    final = events[-1].response
    assert [c.name for c in marked] == [c.name for c in final.tool_calls] == ["get_weather"]
    assert final.tool_calls[0].arguments == generated.tool_calls[0].arguments
    assert final.finish_reason == "tool_calls"


def test_the_loop_runs_the_real_call_and_sends_the_result(llamacpp_tools_server) -> None:
    CALLS.clear()
    with client(llamacpp_tools_server) as c:  # this model always calls: max_rounds ends it
        response = c.run("weather in Paris?", tools=[get_weather], max_rounds=2, max_tokens=64)
    assert len(response.rounds) == 2 and len(CALLS) == 1
    result = next(m for m in response.messages if m.role == "tool")
    assert result.content == f"sunny in {CALLS[0]}"
    assert result.tool_call_id == response.rounds[0].tool_calls[0].id
    assert response.tool_calls  # the second round's calls, not run (max_rounds)


def test_async_generate_parses_a_real_call(llamacpp_tools_server) -> None:
    async def main():
        async with client(llamacpp_tools_server, llm_core.AsyncClient) as c:
            return await c.generate("weather?", tools=[get_weather], tool_choice="required")

    response = anyio.run(main)
    assert [c.name for c in response.tool_calls] == ["get_weather"]
