"""Sans-IO wire: request bodies, option validation, answers, metrics and NDJSON stream parsing."""

from __future__ import annotations

import base64
import json

import pytest

from llm_core import (
    Client,
    ConfigurationError,
    GenerationError,
    Image,
    Message,
    Request,
    ToolCall,
    ValidationError,
)
from llm_core_ollama.chat_stream import ChatStream
from llm_core_ollama.options import OllamaOptions
from llm_core_ollama.wire import chat_body, message_json, metrics_from, parse_chat, usage_from

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
FINAL = {
    "model": "llama3.2",
    "created_at": "2025-07-07T20:22:19.18Z",
    "message": {"role": "assistant", "content": ""},
    "done": True,
    "done_reason": "stop",
    "total_duration": 4_883_583_458,
    "load_duration": 1_334_875,
    "prompt_eval_count": 26,
    "prompt_eval_duration": 342_546_000,
    "eval_count": 282,
    "eval_duration": 4_535_599_000,
}


def _options(**given: object) -> dict:
    return OllamaOptions.model_validate(given).model_dump(exclude_unset=True)


def test_body_always_says_stream_and_maps_request_fields_into_options() -> None:
    request = Request("hi", temperature=0.2, max_tokens=7, top_p=0.5, stop=["\n"], seed=3)
    body = chat_body(request, "llama3.2", {}, stream=False)
    assert body["stream"] is False  # the native API would stream if this were left out
    assert body["model"] == "llama3.2"
    assert body["messages"] == [{"role": "user", "content": "hi"}]
    assert body["options"] == {
        "temperature": 0.2,
        "num_predict": 7,
        "top_p": 0.5,
        "stop": ["\n"],
        "seed": 3,
    }
    assert chat_body(Request("hi"), "m", {}, stream=True) == {
        "model": "m",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
    }


def test_top_level_options_and_request_fields_win_over_option_aliases() -> None:
    options = _options(
        num_ctx=8192, keep_alive="10m", think="high", top_k=20, temperature=0.9, truncate=False
    )
    body = chat_body(Request("x", temperature=0.1), "m", options, stream=True)
    assert body["keep_alive"] == "10m"
    assert body["think"] == "high"
    assert body["truncate"] is False
    assert body["options"] == {"num_ctx": 8192, "top_k": 20, "temperature": 0.1}


def test_response_format_is_sent_as_a_json_schema() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    body = chat_body(Request("x", response_format=schema), "m", {}, stream=False)
    assert body["format"] == schema
    assert chat_body(Request("x"), "m", _options(format="json"), stream=False)["format"] == "json"


def test_images_are_raw_base64_without_a_data_url_prefix() -> None:
    message = Message.user("what is this?", [PNG])
    out = message_json(message)
    assert out["content"] == "what is this?"
    assert out["images"] == [base64.b64encode(PNG).decode()]
    assert not out["images"][0].startswith("data:")
    from_data_url = message_json(Message.user("x", [Image(Image(PNG).data_url())]))
    assert from_data_url["images"] == out["images"]


def test_tool_calls_go_out_with_object_arguments_and_tool_name() -> None:
    call = ToolCall("get_weather", {"city": "Tokyo"}, id="call_1")
    assistant = Message("assistant", "", tool_calls=[call])
    assert message_json(assistant)["tool_calls"] == [
        {"function": {"name": "get_weather", "arguments": {"city": "Tokyo"}}, "id": "call_1"}
    ]
    tool = Message("tool", "22 C", name="get_weather", tool_call_id="call_1")
    assert message_json(tool) == {
        "role": "tool",
        "content": "22 C",
        "tool_name": "get_weather",
        "tool_call_id": "call_1",
    }


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"num_ctxx": 4096}, "unknown option 'num_ctxx'"),
        ({"think": "extreme"}, "think"),
        ({"keep_alive": "ten minutes"}, "keep_alive"),
        ({"num_ctx": 0}, "num_ctx"),
        ({"top_k": "many"}, "top_k"),
        ({"use_mmap": "yes"}, "use_mmap"),
    ],
)
def test_bad_options_are_errors_naming_the_option(options: dict, match: str) -> None:
    client = Client("ollama", model="m", base_url="http://127.0.0.1:9")
    with client, pytest.raises(ValidationError, match=match) as info:
        client.generate("hi", options=options)
    assert "num_ctx" in (info.value.hint or "")  # the hint lists the valid names
    with pytest.raises(ConfigurationError, match=match):
        Client("ollama", model="m", options=options)


def test_keep_alive_accepts_durations_and_seconds() -> None:
    assert _options(keep_alive="1h30m")["keep_alive"] == "1h30m"
    assert _options(keep_alive="-1")["keep_alive"] == -1  # Go's ParseDuration needs a unit
    assert _options(keep_alive=0)["keep_alive"] == 0
    assert _options(keep_alive="0")["keep_alive"] == "0"


def test_no_model_is_refused_before_sending() -> None:
    client = Client("ollama", base_url="http://127.0.0.1:9")
    with client, pytest.raises(ValidationError, match="needs a model"):
        client.generate("hi")


def test_metrics_convert_nanoseconds_and_default_omitted_counts_to_zero() -> None:
    metrics = metrics_from(FINAL)
    assert metrics["load_seconds"] == pytest.approx(0.001334875)
    assert metrics["prompt_seconds"] == pytest.approx(0.342546)
    assert metrics["generation_seconds"] == pytest.approx(4.535599)
    assert metrics["total_seconds"] == pytest.approx(4.883583458)
    assert metrics["tokens_per_second"] == pytest.approx(282 / 4.535599)
    cached_prompt = {k: v for k, v in FINAL.items() if not k.startswith(("prompt", "load"))}
    usage = usage_from(cached_prompt)
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (0, 282, 282)
    assert "load_seconds" not in metrics_from(cached_prompt)


def test_parse_chat_keeps_thinking_apart_and_reads_tool_calls() -> None:
    data = dict(
        FINAL,
        message={
            "role": "assistant",
            "content": "4",
            "thinking": "2+2 is 4",
            "tool_calls": [{"function": {"name": "f", "arguments": {"x": 1}}}],
        },
    )
    response = parse_chat(data, provider="ollama", model="llama3.2", latency=0.5)
    assert (response.content, response.thinking) == ("4", "2+2 is 4")
    [call] = response.tool_calls
    assert (call.name, call.arguments) == ("f", {"x": 1})
    assert call.id.startswith("call_") and call.raw == data["message"]["tool_calls"][0]
    assert response.finish_reason == "stop"
    assert response.usage.prompt_tokens == 26
    assert "message" not in response.raw
    assert response.raw["eval_count"] == 282


def _lines(*objects: dict) -> list[str]:
    return [json.dumps(o) for o in objects]


def test_stream_parses_pieces_thinking_and_a_final_line_with_text() -> None:
    state = ChatStream("ollama", "llama3.2", 0.0)
    pieces = [
        {
            "model": "llama3.2",
            "message": {"role": "assistant", "content": "", "thinking": "hm"},
            "done": False,
        },
        {"model": "llama3.2", "message": {"role": "assistant", "content": "Hel"}, "done": False},
        dict(FINAL, message={"role": "assistant", "content": "lo"}, done_reason="length"),
    ]
    events = [state.feed(line) for line in ["", *_lines(*pieces)]]
    assert [(e.text, e.thinking) for e in events if e] == [("", "hm"), ("Hel", ""), ("lo", "")]
    final = state.finish()
    assert final.done
    assert final.response is not None
    assert final.response.content == "Hello"
    assert final.response.thinking == "hm"
    assert final.response.finish_reason == "length"
    assert final.response.time_to_first_token is not None
    assert final.response.metrics["generation_seconds"] == pytest.approx(4.535599)


def test_stream_error_line_raises_generation_error_with_the_text_so_far() -> None:
    state = ChatStream("ollama", "m", 0.0)
    state.feed(json.dumps({"message": {"role": "assistant", "content": " Yes"}, "done": False}))
    with pytest.raises(GenerationError, match="error was encountered") as info:
        state.feed('{"error":"an error was encountered while running the model"}')
    assert info.value.partial_text == " Yes"


@pytest.mark.parametrize("line", ["not json", "[1, 2]"])
def test_stream_garbage_is_a_generation_error(line: str) -> None:
    with pytest.raises(GenerationError):
        ChatStream("ollama", "m", 0.0).feed(line)


def test_stream_without_a_done_line_is_a_failure_not_a_short_answer() -> None:
    state = ChatStream("ollama", "m", 0.0)
    state.feed(json.dumps({"message": {"role": "assistant", "content": "Hi"}, "done": False}))
    with pytest.raises(GenerationError, match="before its done line") as info:
        state.finish()
    assert info.value.partial_text == "Hi"


def test_ndjson_framing_joins_lines_split_across_reads() -> None:
    from llm_core.http import iter_ndjson

    text = '{"a":"é"}\n{"b":2}\n{"c":3}'.encode()
    reads = [text[:5], text[5:7], text[7:12], text[12:], b""]  # 'é' is cut in two
    assert list(iter_ndjson(reads)) == [b'{"a":"\xc3\xa9"}', b'{"b":2}', b'{"c":3}']
    assert list(iter_ndjson([b"x\n", b"  \n"])) == [b"x", b"  "]
    assert list(iter_ndjson([b"x\n", b" "])) == [b"x"]  # a blank tail is not a line


@pytest.mark.anyio
async def test_async_ndjson_framing() -> None:
    from llm_core.http import aiter_ndjson

    async def reads():
        for chunk in (b'{"a":1}\n{"b"', b":2}\n", b'{"c":3}'):
            yield chunk

    assert [line async for line in aiter_ndjson(reads())] == [b'{"a":1}', b'{"b":2}', b'{"c":3}']
