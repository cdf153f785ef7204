"""Tool calling on LM Studio's OpenAI-compatible wire, against the emulator over a real socket:
calls on ``/api/v0`` and ``/v1``, parallel calls, streamed deltas assembled, results sent back
with ``tool_call_id``, and ``tool_choice: "required"`` refused on an MLX model."""

from __future__ import annotations

import json

import anyio
import pytest
from support.lmstudio_emulator import LMStudioEmulator

from llm_core import AsyncClient, Client, ValidationError


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


@pytest.fixture
def lmstudio():
    with LMStudioEmulator() as server:
        yield server


def client(server, cls=Client, model="qwen2.5-7b-instruct"):
    return cls("lmstudio", base_url=server.url + "/v1", model=model)


def last_body(server) -> dict:
    return json.loads([r for r in server.requests if r.method == "POST"][-1].body)


def test_parallel_calls_on_v0_with_string_arguments_decoded(lmstudio) -> None:
    lmstudio.answers = [[("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Oslo"})]]
    with client(lmstudio) as c:
        response = c.generate("weather?", tools=[get_weather], tool_choice="required")
    assert [c.arguments for c in response.tool_calls] == [{"city": "Paris"}, {"city": "Oslo"}]
    assert response.finish_reason == "tool_calls" and response.raw["stop_reason"] == "toolCalls"
    assert isinstance(response.tool_calls[0].raw["function"]["arguments"], str)
    body = last_body(lmstudio)
    assert body["tool_choice"] == "required" and body["tools"][0]["function"]["name"]
    assert lmstudio.requests[-1].path == "/api/v0/chat/completions"


def test_stream_assembles_fragments_and_marks_each_call(lmstudio) -> None:
    lmstudio.answers = [[("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Rome"})]]
    with client(lmstudio) as c, c.stream("weather?", tools=[get_weather]) as stream:
        events = list(stream)
    marked = [e.tool_call.arguments for e in events if e.tool_call is not None]
    assert marked == [{"city": "Paris"}, {"city": "Rome"}]
    final = events[-1].response
    assert [c.arguments for c in final.tool_calls] == marked
    assert final.finish_reason == "tool_calls"


def test_the_result_goes_back_with_its_call_id(lmstudio) -> None:
    lmstudio.answers = [[("get_weather", {"city": "Paris"})], "sunny, it says"]
    with client(lmstudio) as c:
        response = c.run("weather?", tools=[get_weather])
    assert response.content == "sunny, it says"
    assistant, tool = last_body(lmstudio)["messages"][1:]
    call_id = response.rounds[0].tool_calls[0].id
    assert assistant["tool_calls"][0]["id"] == call_id and assistant["content"] is None
    assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == {"city": "Paris"}
    assert (tool["role"], tool["content"], tool["tool_call_id"]) == (
        "tool",
        "sunny in Paris",
        call_id,
    )


def test_required_on_an_mlx_model_is_refused(lmstudio) -> None:
    with client(lmstudio, model="qwen2-vl-2b-instruct") as c, pytest.raises(ValidationError) as e:
        c.generate("hi", tools=[get_weather], tool_choice="required")
    assert "llama.cpp engine" in str(e.value)
    with client(lmstudio, model="qwen2-vl-2b-instruct") as c:  # auto works there
        lmstudio.answers = [[("get_weather", {"city": "Paris"})]]
        assert c.generate("hi", tools=[get_weather]).tool_calls[0].name == "get_weather"


def test_async_generate(lmstudio) -> None:
    async def main():
        async with client(lmstudio, AsyncClient) as c:
            return await c.generate("weather?", tools=[get_weather])

    lmstudio.answers = [[("get_weather", {"city": "Paris"})]]
    assert anyio.run(main).tool_calls[0].arguments == {"city": "Paris"}
