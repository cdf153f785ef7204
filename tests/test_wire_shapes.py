"""Every wrong-shaped answer is a typed llm_core error naming the field, on both wires and in
every HTTP plugin's parsers: OpenAI completions, SSE chunks and model lists (built-in openai and
LM Studio), Ollama chat answers, NDJSON lines and tag lists."""

from __future__ import annotations

import json
from typing import Any

import pytest

import llm_core
from llm_core.openai import ChatStream, parse_completion, parse_models
from llm_core_lmstudio.stream import LMStudioChatStream
from llm_core_ollama.catalog import parse_tags
from llm_core_ollama.chat_stream import ChatStream as OllamaStream
from llm_core_ollama.wire import parse_chat

OK_CHOICE = {"message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}

COMPLETIONS = {
    "not an object": [1, 2],
    "no choices": {"id": "x"},
    "choices a string": {"choices": "abc"},
    "choices empty": {"choices": []},
    "choice a number": {"choices": [5]},
    "message a string": {"choices": [{"message": "hi"}]},
    "content a number": {"choices": [{"message": {"content": 5}}]},
    "reasoning a list": {"choices": [{"message": {"content": "", "reasoning_content": [1]}}]},
    "finish_reason a number": {"choices": [{**OK_CHOICE, "finish_reason": 3}]},
    "usage a string": {"choices": [OK_CHOICE], "usage": "lots"},
    "prompt_tokens a string": {"choices": [OK_CHOICE], "usage": {"prompt_tokens": "3"}},
    "completion_tokens negative": {"choices": [OK_CHOICE], "usage": {"completion_tokens": -1}},
    "tokens a bool": {"choices": [OK_CHOICE], "usage": {"prompt_tokens": True}},
    "model a number": {"choices": [OK_CHOICE], "model": 7},
    "reasoning (the other name) a number": {
        "choices": [{"message": {"content": "", "reasoning": 5}}]
    },
    "tool_calls a string": {"choices": [{"message": {"content": "", "tool_calls": "x"}}]},
    "usage tokens a float": {"choices": [OK_CHOICE], "usage": {"completion_tokens": 2.0}},
}

CHUNKS = {
    "no choices at all": {"foo": 1},
    "choices a string": {"choices": "abc"},
    "choice a number": {"choices": [5]},
    "delta a string": {"choices": [{"delta": "hi"}]},
    "content a number": {"choices": [{"delta": {"content": 5}}]},
    "reasoning a number": {"choices": [{"delta": {"reasoning_content": 5}}]},
    "finish_reason an object": {"choices": [{"delta": {}, "finish_reason": {"a": 1}}]},
    "usage tokens a string": {"choices": [], "usage": {"prompt_tokens": "3"}},
    "model a number": {"choices": [{"delta": {"content": "x"}}], "model": 7},
}

MODEL_LISTS = {
    "id a number": {"data": [{"id": 5}]},
    "id empty": {"data": [{"id": ""}]},
    "entry a string": {"data": ["llama"]},
    "entry without id": {"data": [{"name": "x"}]},
    "data a string": {"data": "x"},
}

OLLAMA_ANSWERS = {
    "message a string": {"message": "hi", "done": True},
    "content a number": {"message": {"content": 5}, "done": True},
    "thinking a list": {"message": {"content": "", "thinking": [1]}, "done": True},
    "eval_count a string": {"message": {"content": "x"}, "done": True, "eval_count": "3"},
    "done_reason a number": {"message": {"content": "x"}, "done": True, "done_reason": 1},
    "tool_calls a string": {"message": {"content": "", "tool_calls": "x"}, "done": True},
    "tool function a string": {"message": {"tool_calls": [{"function": "f"}]}, "done": True},
    "tool arguments a list": {
        "message": {"tool_calls": [{"function": {"name": "f", "arguments": [1]}}]},
        "done": True,
    },
    "model a number": {"message": {"content": "x"}, "done": True, "model": 5},
}

TAG_LISTS = {
    "name a number": {"models": [{"name": 5}]},
    "entry a string": {"models": ["llama3"]},
    "models a string": {"models": "x"},
}


@pytest.mark.parametrize("data", COMPLETIONS.values(), ids=COMPLETIONS.keys())
def test_openai_completion_shapes(data: Any) -> None:
    with pytest.raises(llm_core.InvalidResponseError, match="wrong shape"):
        parse_completion(data, provider="openai", model="m", latency=0.0)


def feed_sse(parser: Any, data: Any) -> Any:
    parser.feed("data: " + json.dumps(data))
    parser.feed("data: [DONE]")
    return parser.finish()


@pytest.mark.parametrize("data", CHUNKS.values(), ids=CHUNKS.keys())
@pytest.mark.parametrize("parser", [ChatStream, LMStudioChatStream], ids=["openai", "lmstudio"])
def test_sse_chunk_shapes(parser: type, data: Any) -> None:
    args = ("p", "m", 0.0) if parser is ChatStream else ("p", "m", 0.0, "http://x")
    with pytest.raises(llm_core.GenerationError, match="wrong shape") as info:
        feed_sse(parser(*args), data)
    assert type(info.value).__name__ == "GenerationError"


def test_sse_usage_only_chunk_is_fine() -> None:
    final = feed_sse(ChatStream("p", "m", 0.0), {"usage": {"prompt_tokens": 3}})
    assert final.response.usage.prompt_tokens == 3


@pytest.mark.parametrize("data", MODEL_LISTS.values(), ids=MODEL_LISTS.keys())
def test_openai_model_list_shapes(data: Any) -> None:
    with pytest.raises(llm_core.InvalidResponseError, match="wrong shape"):
        parse_models(data, provider="openai")


@pytest.mark.parametrize("data", OLLAMA_ANSWERS.values(), ids=OLLAMA_ANSWERS.keys())
def test_ollama_chat_shapes(data: Any) -> None:
    with pytest.raises(llm_core.InvalidResponseError, match="wrong shape"):
        parse_chat(data, provider="ollama", model="m", latency=0.0)


@pytest.mark.parametrize("data", OLLAMA_ANSWERS.values(), ids=OLLAMA_ANSWERS.keys())
def test_ollama_ndjson_shapes(data: Any) -> None:
    parser = OllamaStream("ollama", "m", 0.0)
    with pytest.raises(llm_core.GenerationError, match="wrong shape"):
        parser.feed(json.dumps(data).encode())  # raises on the line itself, before finish()


@pytest.mark.parametrize("data", TAG_LISTS.values(), ids=TAG_LISTS.keys())
def test_ollama_tag_list_shapes(data: Any) -> None:
    with pytest.raises(llm_core.InvalidResponseError, match="wrong shape"):
        parse_tags(data)


def test_good_shapes_still_parse() -> None:
    response = parse_completion(
        {"choices": [OK_CHOICE], "usage": {"prompt_tokens": 3, "completion_tokens": 1}},
        provider="openai",
        model="m",
        latency=0.0,
    )
    assert (response.content, response.usage.total_tokens) == ("hi", 4)
    answer = {"message": {"content": "hi"}, "done": True, "eval_count": 2}
    assert parse_chat(answer, provider="ollama", model="m", latency=0.0).content == "hi"
    assert [m.id for m in parse_models({"data": [{"id": "a"}]}, provider="openai")] == ["a"]


def test_a_full_completion_keeps_every_part() -> None:
    data = {
        "id": "c1",
        "model": "served",
        "choices": [{"message": {"content": "", "reasoning": "hmm"}, "finish_reason": ""}],
        "usage": {"prompt_tokens": 0, "completion_tokens": None},
        "timings": {"predicted_per_second": 12.5},
    }
    r = parse_completion(data, provider="openai", model="asked", latency=0.5)
    assert (r.model, r.thinking, r.finish_reason, r.tool_calls) == ("served", "hmm", None, [])
    assert (r.usage.prompt_tokens, r.usage.completion_tokens) == (0, None)
    assert r.metrics == {"tokens_per_second": 12.5}
    assert r.raw == {"id": "c1", "model": "served", "timings": {"predicted_per_second": 12.5}}
    assert "choices" in data and "usage" in data  # the decoded answer itself is not changed
    bare = parse_completion({"choices": [{"message": None}]}, provider="p", model=None, latency=0)
    assert (bare.content, bare.model, bare.raw, bare.metrics) == ("", "", {}, {})
