"""Tool calls on the OpenAI-compatible wire: bodies, completions, streamed delta assembly."""

from __future__ import annotations

import json

import pytest

from llm_core import Message, Request, ToolCall
from llm_core.errors import GenerationError, InvalidResponseError, ValidationError
from llm_core.http.shapes import WrongShape
from llm_core.openai.stream import ChatStream
from llm_core.openai.wire import chat_body, parse_completion
from llm_core.tools.deltas import ToolCallDeltas


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def sse(delta: dict, finish: str | None = None) -> str:
    chunk = {"model": "m", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return "data: " + json.dumps(chunk)


def frag(index: int, args: str, *, call_id: str | None = None, name: str | None = None) -> dict:
    function: dict = {"arguments": args}
    if name:
        function["name"] = name
    item: dict = {"index": index, "function": function}
    if call_id:
        item |= {"id": call_id, "type": "function"}
    return {"tool_calls": [item]}


def test_body_carries_tools_choice_and_history() -> None:
    call = ToolCall("add", {"a": 1, "b": 2}, id="c1")
    history = [
        Message.user("1+2?"),
        Message("assistant", "", tool_calls=[call]),
        Message.tool_result(call, 3),
    ]
    body = chat_body(Request(history, tools=[add], tool_choice="required"), "m", {}, stream=False)
    assert body["tools"][0]["function"]["name"] == "add"
    assert body["tool_choice"] == "required"
    assistant, result = body["messages"][1], body["messages"][2]
    assert assistant["content"] is None
    assert assistant["tool_calls"] == [
        {
            "id": "c1",
            "type": "function",
            "function": {"name": "add", "arguments": '{"a": 1, "b": 2}'},
        }
    ]
    assert result == {"role": "tool", "content": "3", "name": "add", "tool_call_id": "c1"}


def test_tool_choice_checked() -> None:
    with pytest.raises(ValidationError, match="tool_choice 'sub'"):
        Request("x", tools=[add], tool_choice="sub")
    with pytest.raises(ValidationError, match="needs tools"):
        Request("x", tool_choice="required")
    assert Request("x", tools=[add], tool_choice="add").tool_choice == {
        "type": "function",
        "function": {"name": "add"},
    }


def test_completion_parallel_calls_with_string_arguments() -> None:
    calls = [
        {"id": "a", "type": "function", "function": {"name": "add", "arguments": '{"a":1,"b":2}'}},
        {"id": "b", "type": "function", "function": {"name": "add", "arguments": "not json"}},
    ]
    data = {
        "model": "m",
        "choices": [
            {
                "message": {"role": "assistant", "content": None, "tool_calls": calls},
                "finish_reason": "tool_calls",
            }
        ],
    }
    response = parse_completion(data, provider="openai", model="m", latency=0.0)
    assert [(c.id, c.name, c.arguments) for c in response.tool_calls] == [
        ("a", "add", {"a": 1, "b": 2}),
        ("b", "add", {"_raw": "not json"}),
    ]
    assert response.tool_calls[0].raw == calls[0]
    assert response.finish_reason == "tool_calls"
    data["choices"][0]["message"]["tool_calls"] = [{"function": {"name": 5}}]
    with pytest.raises(InvalidResponseError, match=r"function\.name"):
        parse_completion(data, provider="openai", model="m", latency=0.0)


def test_deltas_complete_a_call_when_its_arguments_are_a_whole_object() -> None:
    deltas = ToolCallDeltas()
    assert deltas.feed(frag(0, "", call_id="a", name="add")["tool_calls"]) == []
    assert deltas.feed(frag(1, '{"a"', call_id="b", name="add")["tool_calls"]) == []
    assert deltas.feed(frag(0, '{"a": {"x": 1}')["tool_calls"]) == []  # "}" inside: not yet
    first = deltas.feed(frag(0, "}")["tool_calls"])
    assert [(c.id, c.arguments) for c in first] == [("a", {"a": {"x": 1}})]
    assert first[0].raw == {"index": 0, "id": "a", "name": "add", "arguments": '{"a": {"x": 1}}'}
    deltas.feed(frag(0, "  ")["tool_calls"])  # whitespace after the object is harmless
    with pytest.raises(WrongShape, match="go on after the object"):
        deltas.feed(frag(0, "1")["tool_calls"])
    deltas.feed(frag(1, ": 5")["tool_calls"])
    rest = deltas.finish()  # not a whole object: completed (and decoded as _raw) at the end
    assert [(c.id, c.arguments) for c in rest] == [("b", {"_raw": '{"a": 5'})]
    assert [c.id for c in deltas.calls] == ["a", "b"]


def test_one_chunk_completing_several_calls_carries_them_all() -> None:
    stream = ChatStream("openai", "m", 0.0)
    both = {
        "tool_calls": [
            frag(0, "{}", call_id="a", name="add")["tool_calls"][0],
            frag(1, "{}", call_id="b", name="sub")["tool_calls"][0],
        ]
    }
    event = stream.feed(sse(both))
    assert event is not None
    assert [c.id for c in event.tool_calls] == ["a", "b"]
    assert event.tool_call is not None and event.tool_call.id == "b"
    lines = [sse(frag(2, "", call_id="c", name="x")), sse(frag(3, "", call_id="d", name="y"))]
    assert [stream.feed(line) for line in lines] == [None, None]  # no arguments yet
    last = stream.feed(sse({}, finish="tool_calls"))  # the finish completes both open calls
    assert last is not None
    assert [c.id for c in last.tool_calls] == ["c", "d"]


def test_stream_marks_each_complete_call_and_lists_them_at_the_end() -> None:
    stream = ChatStream("openai", "m", 0.0)
    lines = [
        sse({"role": "assistant", "content": None}),
        sse(frag(0, "", call_id="a", name="add")),
        sse(frag(0, '{"a": 1, ')),
        sse(frag(0, '"b": 2}')),
        sse(frag(1, '{"a": 3, "b": 4}', call_id="b", name="add")),
        sse({}, finish="tool_calls"),
        "data: [DONE]",
    ]
    events = [e for e in map(stream.feed, lines) if e is not None]
    marked = [e.tool_call for e in events if e.tool_call]
    assert [(c.id, c.arguments) for c in marked] == [
        ("a", {"a": 1, "b": 2}),
        ("b", {"a": 3, "b": 4}),
    ]
    final = stream.finish().response
    assert final is not None
    assert [c.id for c in final.tool_calls] == ["a", "b"]
    assert final.finish_reason == "tool_calls"
    assert final.content == ""


def test_stream_call_without_name_is_a_generation_error() -> None:
    stream = ChatStream("openai", "m", 0.0)
    stream.feed(sse({"tool_calls": [{"index": 0, "function": {"arguments": "{}"}}]}))
    stream.feed("data: [DONE]")
    with pytest.raises(GenerationError, match="never got a function name"):
        stream.finish()
