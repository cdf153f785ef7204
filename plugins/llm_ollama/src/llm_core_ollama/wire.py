"""Sans-IO Ollama chat protocol (``POST /api/chat``): request bodies and answers.

Pure functions; the adapters only move bytes (streams are parsed by
:mod:`llm_core_ollama.chat_stream`). Facts this
module relies on (PROTOCOLS.md §1.3, §1.9): the native API streams unless ``"stream": false``
is sent, so it is always sent; content is a plain string and images a list of raw base64
strings; tool-call arguments are JSON objects; durations are integer nanoseconds and zero
metrics are omitted (missing means 0); the final line (``done: true``) may still carry text;
an ``{"error": ...}`` line inside a 200 stream ends it with no ``done`` line.
"""

from __future__ import annotations

import uuid
from typing import Any

from llm_core import GenerationError, Message, Request, Response, TextPart, ToolCall, Usage
from llm_core.http import WrongShape, count_of, object_of, shape_error, text_of
from llm_core.tools import arguments_of
from llm_core_ollama.catalog import HINT
from llm_core_ollama.options import split_options

__all__ = [
    "chat_body",
    "message_json",
    "message_of",
    "metrics_from",
    "parse_chat",
    "raw_of",
    "tool_calls_from",
    "usage_from",
]

_NS = 1e-9
# (wire field in nanoseconds, metric name in seconds); names match llm_core.openai_wire's.
_DURATIONS = (
    ("load_duration", "load_seconds"),
    ("prompt_eval_duration", "prompt_seconds"),
    ("eval_duration", "generation_seconds"),
    ("total_duration", "total_seconds"),
)


def message_json(message: Message) -> dict[str, Any]:
    """One message in Ollama's native shape: string content, raw base64 ``images``."""
    out: dict[str, Any] = {"role": message.role}
    if isinstance(message.content, str):
        out["content"] = message.content
    else:
        out["content"] = "\n".join(p.text for p in message.content if isinstance(p, TextPart))
        images = message.images
        if images:
            out["images"] = [image.base64() for image in images]
    if message.tool_calls:
        out["tool_calls"] = [
            {
                "function": {"name": c.name, "arguments": c.arguments},
                **({"id": c.id} if c.id else {}),
            }
            for c in message.tool_calls
        ]
    if message.role == "tool" and message.name:
        out["tool_name"] = message.name
    if message.tool_call_id:
        out["tool_call_id"] = message.tool_call_id
    return out


def chat_body(
    request: Request, model: str, options: dict[str, Any], *, stream: bool
) -> dict[str, Any]:
    """The ``/api/chat`` body; ``options`` are already validated by :class:`OllamaOptions`."""
    top, model_options = split_options(options)
    for name, wire in (
        ("temperature", "temperature"),
        ("max_tokens", "num_predict"),
        ("top_p", "top_p"),
        ("stop", "stop"),
        ("seed", "seed"),
    ):
        value = getattr(request, name)
        if value is not None:
            model_options[wire] = value
    body: dict[str, Any] = {
        "model": model,
        "messages": [message_json(m) for m in request.messages],
        "stream": stream,
    }
    if request.response_format is not None:
        top["format"] = request.response_format
    body.update(top)
    if model_options:
        body["options"] = model_options
    if request.tools:
        body["tools"] = request.tools
    return body


def usage_from(data: dict[str, Any]) -> Usage:
    """Token counts from a final object (an omitted count is zero, not unknown)."""
    return Usage(
        count_of(data.get("prompt_eval_count", 0), "prompt_eval_count"),
        count_of(data.get("eval_count", 0), "eval_count"),
    )


def metrics_from(data: dict[str, Any]) -> dict[str, float]:
    """Durations (ns on the wire) in seconds, plus tokens per second, from a final object."""
    out: dict[str, float] = {}
    for wire, name in _DURATIONS:
        value = data.get(wire)
        if isinstance(value, int | float):
            out[name] = value * _NS
    evals, duration = data.get("eval_count"), data.get("eval_duration")
    if isinstance(evals, int) and isinstance(duration, int | float) and duration > 0:
        out["tokens_per_second"] = evals / duration * 1e9
    prompt, prompt_ns = data.get("prompt_eval_count"), data.get("prompt_eval_duration")
    if isinstance(prompt, int) and isinstance(prompt_ns, int | float) and prompt_ns > 0:
        out["prompt_tokens_per_second"] = prompt / prompt_ns * 1e9
    return out


def tool_calls_from(message: dict[str, Any]) -> list[ToolCall]:
    """Tool calls of a message (native shape: arguments are an object); WrongShape if not.

    Older servers send no ``id``: one is made (``call_`` + 24 hex digits) so that results can
    name the call; ``raw`` is the call object as received.
    """
    calls = []
    items = message.get("tool_calls") or []
    if type(items) is not list:
        raise WrongShape("message.tool_calls is not a list")
    for i, call in enumerate(items):
        call = object_of(call, f"tool_calls[{i}]")
        function = object_of(call.get("function"), f"tool_calls[{i}].function")
        arguments = arguments_of(function.get("arguments"))  # OpenAI-style strings tolerated
        name = text_of(function.get("name"), f"tool_calls[{i}].function.name")
        if not name:
            raise WrongShape(f"tool_calls[{i}].function.name is empty")
        call_id = text_of(call.get("id"), f"tool_calls[{i}].id") or f"call_{uuid.uuid4().hex[:24]}"
        calls.append(ToolCall(name, arguments, call_id, call))
    return calls


def message_of(data: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    """The message of an answer line, its text and its thinking (WrongShape if misshapen)."""
    message = object_of(data.get("message"), "message")
    text = text_of(message.get("content"), "message.content")
    return message, text, text_of(message.get("thinking"), "message.thinking")


def raw_of(data: dict[str, Any]) -> dict[str, Any]:
    """The answer's own metadata: everything but the message."""
    return {k: v for k, v in data.items() if k != "message"}


def parse_chat(data: Any, *, provider: str, model: str, latency: float) -> Response:
    """A non-streamed ``/api/chat`` answer as a Response; InvalidResponseError if misshapen."""
    if not isinstance(data, dict):
        raise shape_error(provider, model, "not a chat object", HINT)
    if "error" in data:  # defensive: Ollama sends errors with an error status here
        raise GenerationError(f"{provider} failed: {data['error']}", provider=provider, model=model)
    if "message" not in data and data.get("done_reason") not in ("load", "unload"):
        raise shape_error(provider, model, "no message in the chat answer", HINT)
    try:
        message, text, thinking = message_of(data)
        return Response(
            content=text,
            model=text_of(data.get("model"), "model") or model,
            provider=provider,
            finish_reason=text_of(data.get("done_reason"), "done_reason") or None,
            usage=usage_from(data),
            latency=latency,
            thinking=thinking,
            tool_calls=tool_calls_from(message),
            metrics=metrics_from(data),
            raw=raw_of(data),
        )
    except WrongShape as exc:
        raise shape_error(provider, model, str(exc), HINT) from None
