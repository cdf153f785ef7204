"""Tool calling on Ollama's native wire, against the emulator over a real socket: tools sent as
specs, calls with object arguments parsed (ids made when absent), streamed whole calls, results
sent back as ``role: "tool"`` with ``tool_name``, and a model without tools as a typed error."""

from __future__ import annotations

import json

import httpx2
import pytest

import llm_core
from llm_core import Message, NotSupportedError


def get_weather(city: str) -> str:
    """The weather in a city."""
    return f"sunny in {city}"


def sent(ollama, index: int = -1) -> dict:
    return json.loads([r for r in ollama.requests if r.path == "/api/chat"][index].body)


def test_tools_go_out_and_parallel_calls_come_back(client, ollama) -> None:
    ollama.answers = [[("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Oslo"})]]
    response = client.generate("weather?", tools=[get_weather], tool_choice="auto")
    body = sent(ollama)
    assert body["tools"][0]["function"]["name"] == "get_weather"
    assert body["tools"][0]["function"]["parameters"]["properties"]["city"]["type"] == "string"
    assert "tool_choice" not in body  # not part of Ollama's native API
    assert [c.arguments for c in response.tool_calls] == [{"city": "Paris"}, {"city": "Oslo"}]
    ids = [c.id for c in response.tool_calls]
    assert ids == [c.raw["id"] for c in response.tool_calls]  # the server's ids, kept
    assert len(set(ids)) == 2 and all(i.startswith("call_") for i in ids)
    assert response.tool_calls[0].raw["function"]["index"] == 0
    assert response.content == "" and response.finish_reason == "stop"


def test_the_result_goes_back_with_the_tool_role_and_name(client, ollama) -> None:
    ollama.answers = [[("get_weather", {"city": "Paris"})], "it is sunny"]
    first = client.generate("weather?", tools=[get_weather])
    call = first.tool_calls[0]
    history = [
        Message("user", "weather?"),
        Message("assistant", "", tool_calls=[call]),
        Message.tool_result(call, get_weather(**call.arguments)),
    ]
    answer = client.generate(history, tools=[get_weather])
    assert answer.content == "it is sunny"
    assistant, tool = sent(ollama)["messages"][1:]
    assert assistant["tool_calls"] == [
        {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}, "id": call.id}
    ]
    assert tool == {"role": "tool", "content": "sunny in Paris", "tool_name": "get_weather",
                    "tool_call_id": call.id}  # fmt: skip


def test_stream_marks_each_whole_call(client, ollama) -> None:
    ollama.answers = [[("get_weather", {"city": "Paris"}), ("get_weather", {"city": "Rome"})]]
    with client.stream("weather?", tools=[get_weather]) as stream:
        events = list(stream)
    marked = [e.tool_call.arguments for e in events if e.tool_call is not None]
    assert marked == [{"city": "Paris"}, {"city": "Rome"}]
    assert [c.arguments for c in events[-1].response.tool_calls] == marked


def test_the_loop_runs_on_ollama(client, ollama) -> None:
    ollama.answers = [[("get_weather", {"city": "Paris"})], "sunny, says the tool"]
    response = client.run("weather?", tools=[get_weather])
    assert response.content == "sunny, says the tool" and len(response.rounds) == 2
    assert sent(ollama)["messages"][-1]["content"] == "sunny in Paris"


def test_string_arguments_sent_back_are_refused_as_ollama_does(client, ollama) -> None:
    call = {"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}
    history = [{"role": "user", "content": "hi"}, call]
    bad = {"model": "llama3.2", "stream": False, "messages": history}
    answer = httpx2.post(ollama.url + "/api/chat", json=bad)
    assert answer.status_code == 400 and "cannot unmarshal string" in answer.json()["error"]


def test_a_model_without_tools_is_not_supported_and_falls_back(make_client, ollama) -> None:
    with pytest.raises(NotSupportedError) as info:
        make_client(ollama, model="llava:7b").generate("hi", tools=[get_weather])
    assert "does not support tools" in str(info.value) and info.value.status_code is None
    assert ollama.count("/api/chat") == 1  # not retried
    ollama.answers = [[("get_weather", {"city": "Paris"})]]
    fallback = {"provider": "ollama", "base_url": ollama.url, "model": "llama3.2"}
    client = make_client(ollama, model="llava:7b", fallbacks=[fallback])
    response = client.generate("hi", tools=[get_weather])
    assert response.tool_calls[0].name == "get_weather"
    assert [f.error_type for f in response.fallbacks] == ["NotSupportedError"]


def test_show_lists_the_tools_capability(client) -> None:
    assert "tools" in client.adapter.capabilities("llama3.2")
    assert "tools" not in client.adapter.capabilities("llava:7b")


@pytest.mark.anyio
async def test_async_stream_and_generate(aclient, ollama) -> None:
    ollama.answers = [[("get_weather", {"city": "Paris"})], [("get_weather", {"city": "Rome"})]]
    response = await aclient.generate("weather?", tools=[get_weather])
    async with aclient.stream("weather?", tools=[get_weather]) as stream:
        events = [e async for e in stream]
    assert response.tool_calls[0].arguments == {"city": "Paris"}
    assert events[-1].response.tool_calls[0].arguments == {"city": "Rome"}
    assert llm_core.ToolCall is type(response.tool_calls[0])


def test_a_chunk_with_two_calls_marks_the_last_and_keeps_both() -> None:
    from llm_core_ollama.chat_stream import ChatStream

    parser = ChatStream("ollama", "llama3.2", 0.0)
    calls = [{"function": {"name": "a", "arguments": {}}},
             {"function": {"name": "b", "arguments": '{"x": 1}'}}]  # fmt: skip
    line = {"model": "llama3.2", "message": {"role": "assistant", "content": "", "tool_calls":
            calls}, "done": False}  # fmt: skip
    event = parser.feed(json.dumps(line))
    parser.feed(json.dumps({"model": "llama3.2", "done": True, "done_reason": "stop"}))
    final = parser.finish().response
    assert event.tool_call.name == "b" and event.tool_call.arguments == {"x": 1}
    assert [c.name for c in final.tool_calls] == ["a", "b"]
    assert final.tool_calls[0].id != final.tool_calls[1].id  # made up, one per call
