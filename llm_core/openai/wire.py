"""Sans-IO OpenAI-compatible chat wire: request bodies, completions, model lists.

Pure functions; streamed answers are parsed by :mod:`llm_core.openai.stream`. Quirks handled
here: ``content: null``, reasoning in ``reasoning_content`` or ``reasoning``, ``data: null``
model lists, llama.cpp / mlx_vlm.server ``timings``.
"""

from __future__ import annotations

from typing import Any

from llm_core.http.errors import shape_error
from llm_core.http.shapes import WrongShape, count_of, kind, object_of, text_of
from llm_core.messages import ImagePart, Message
from llm_core.request import Request
from llm_core.tools.wire import calls_of, tools_json
from llm_core.types import ModelInfo, Response, Usage

__all__ = [
    "HINT",
    "chat_body",
    "message_json",
    "parse_completion",
    "parse_models",
    "timings_metrics",
    "usage_of",
]

#: What to check when an answer is not OpenAI-shaped.
HINT = "Is base_url an OpenAI-compatible endpoint (usually ending in /v1)?"


def message_json(message: Message) -> dict[str, Any]:
    """One message in the OpenAI shape; images become base64 data URLs."""
    out: dict[str, Any] = {"role": message.role}
    if isinstance(message.content, str):
        out["content"] = message.content
    else:
        out["content"] = [
            {"type": "image_url", "image_url": {"url": p.image.data_url()}}
            if isinstance(p, ImagePart)
            else {"type": "text", "text": p.text}
            for p in message.content
        ]
    if message.name:
        out["name"] = message.name
    if message.tool_call_id:
        out["tool_call_id"] = message.tool_call_id
    return tools_json(message, out) if message.tool_calls else out


def chat_body(
    request: Request, model: str | None, options: dict[str, Any], *, stream: bool
) -> dict[str, Any]:
    """The ``/chat/completions`` body for a request."""
    body: dict[str, Any] = {
        "messages": [message_json(m) for m in request.messages],
        "stream": stream,
    }
    if model:
        body["model"] = model
    # the sampling fields, each only when set (spelled out: this runs on every request)
    if request.temperature is not None:
        body["temperature"] = request.temperature
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.top_p is not None:
        body["top_p"] = request.top_p
    if request.stop is not None:
        body["stop"] = request.stop
    if request.seed is not None:
        body["seed"] = request.seed
    if request.response_format is not None:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": getattr(request.schema, "name", "response"),
                "schema": request.response_format,
            },
        }
    if request.tools:
        body["tools"] = request.tools
    if request.tool_choice is not None:
        body["tool_choice"] = request.tool_choice
    if stream:
        body["stream_options"] = {"include_usage": True}
    if options:
        extra = dict(options)
        body.update(extra.pop("extra_body", None) or {})
        body.update(extra)
    return body


def timings_metrics(timings: Any) -> dict[str, float]:
    """llama.cpp / mlx_vlm.server ``timings`` (milliseconds) as seconds and rates."""
    if not isinstance(timings, dict):
        return {}
    out: dict[str, float] = {}
    for src, dst, scale in (
        ("predicted_per_second", "tokens_per_second", 1.0),
        ("prompt_per_second", "prompt_tokens_per_second", 1.0),
        ("prompt_ms", "prompt_seconds", 0.001),
        ("predicted_ms", "generation_seconds", 0.001),
    ):
        value = timings.get(src)
        if isinstance(value, int | float):
            out[dst] = value * scale
    return out


def usage_of(data: Any) -> Usage:
    """The ``usage`` object of a completion or stream chunk (WrongShape if misshapen)."""
    data = data if type(data) is dict else object_of(data, "usage")
    prompt, completion = data.get("prompt_tokens"), data.get("completion_tokens")
    return Usage(  # a well-formed count takes no call (this runs on every answer)
        prompt if type(prompt) is int and prompt >= 0 else count_of(prompt, "usage.prompt_tokens"),
        completion
        if type(completion) is int and completion >= 0
        else count_of(completion, "usage.completion_tokens"),
    )


def parse_completion(data: Any, *, provider: str, model: str | None, latency: float) -> Response:
    """A ``chat.completion`` object as a Response; InvalidResponseError for any wrong shape."""
    try:
        return _completion(data, provider, model, latency)
    except WrongShape as exc:
        raise shape_error(provider, model, str(exc), HINT) from None


def _completion(data: Any, provider: str, model: str | None, latency: float) -> Response:
    # Every field is checked; a well-formed one takes no call (``x if type(x) is str else
    # text_of(x, where)``: text_of gives "" for None and raises WrongShape for a wrong type).
    if type(data) is not dict:
        raise WrongShape(f"the answer is {kind(data)}, not an object")
    choices = data.get("choices")
    if type(choices) is not list or not choices:
        raise WrongShape(f"choices is {kind(choices)}, not a list with a choice")
    choice = choices[0]
    choice = choice if type(choice) is dict else object_of(choice, "choices[0]")
    message = choice.get("message")
    message = message if type(message) is dict else object_of(message, "choices[0].message")
    content, named = message.get("content"), data.get("model")
    reason, thinking = choice.get("finish_reason"), message.get("reasoning_content")
    if type(thinking) is not str:  # None (the usual case) is "" without a call
        thinking = "" if thinking is None else text_of(thinking, "message.reasoning_content")
    if not thinking and "reasoning" in message:
        thinking = text_of(message["reasoning"], "message.reasoning")
    raw = dict(data)
    raw.pop("choices")
    raw.pop("usage", None)
    timings = data.get("timings")
    return Response(  # the first six fields positional, in their order: keywords cost more
        content if type(content) is str else text_of(content, "choices[0].message.content"),
        (named if type(named) is str else text_of(named, "model")) or model or "",  # model
        provider,
        (reason if type(reason) is str else text_of(reason, "finish_reason")) or None,
        usage_of(data.get("usage")),
        latency,
        thinking=thinking,
        metrics=timings_metrics(timings) if timings is not None else {},
        raw=raw,
        tool_calls=calls_of(message) if "tool_calls" in message else [],
    )


def parse_models(data: Any, *, provider: str) -> list[ModelInfo]:
    """A ``/models`` list; ``data: null`` means no models. Every entry needs a string ``id``."""
    items = data.get("data") if isinstance(data, dict) else None
    if items is None and isinstance(data, dict) and "data" in data:
        return []
    if not isinstance(items, list):
        raise shape_error(provider, None, "no data[] in the model list", HINT)
    for i, m in enumerate(items):
        if type(m) is not dict or type(m.get("id")) is not str or not m["id"]:
            what = f"data[{i}] is {kind(m)}, not a model with a string id"
            raise shape_error(provider, None, what, HINT)
    return [ModelInfo(id=m["id"], provider=provider, loaded=m.get("loaded"), raw=m) for m in items]
