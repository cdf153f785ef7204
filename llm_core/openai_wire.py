"""Sans-IO OpenAI-compatible chat protocol: request bodies, responses, SSE stream parsing.

Pure functions and a small stream state machine; the sync and async adapters in
:mod:`llm_core.openai_compat` only move bytes. Quirks handled here: ``content: null``,
reasoning in ``reasoning_content`` or ``reasoning``, ``data: null`` model lists, SSE comment
lines (``: keepalive``), error payloads inside a 200 stream, a stream that ends without
``[DONE]`` (a failure, not a short answer).
"""

from __future__ import annotations

import json
from typing import Any

from llm_core import errors as e
from llm_core.messages import ImagePart, Message
from llm_core.stream_text import StreamText
from llm_core.types import ModelInfo, Request, Response, StreamEvent, Usage

__all__ = [
    "ChatStream",
    "chat_body",
    "message_json",
    "parse_completion",
    "parse_models",
    "timings_metrics",
]


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
    return out


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
    for name in ("temperature", "max_tokens", "top_p", "stop", "seed"):
        value = getattr(request, name)
        if value is not None:
            body[name] = value
    if request.response_format is not None:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "response", "schema": request.response_format},
        }
    if request.tools:
        body["tools"] = request.tools
    if stream:
        body["stream_options"] = {"include_usage": True}
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


def _usage(data: Any) -> Usage:
    if not isinstance(data, dict):
        return Usage()
    return Usage(data.get("prompt_tokens"), data.get("completion_tokens"))


def _shape_error(provider: str, model: str | None, what: str) -> e.InvalidResponseError:
    return e.InvalidResponseError(
        f"{provider} answer has the wrong shape: {what}",
        provider=provider,
        model=model,
        hint="Is base_url an OpenAI-compatible endpoint (usually ending in /v1)?",
    )


def parse_completion(data: Any, *, provider: str, model: str | None, latency: float) -> Response:
    """A ``chat.completion`` object as a Response."""
    try:
        choice = data["choices"][0]
        message = choice.get("message") or {}
    except (KeyError, IndexError, TypeError, AttributeError):
        raise _shape_error(provider, model, "no choices[0]") from None
    content = message.get("content") or ""
    if not isinstance(content, str):
        raise _shape_error(provider, model, "message.content is not a string")
    raw = {k: v for k, v in data.items() if k not in ("choices", "usage")}
    return Response(
        content=content,
        model=data.get("model") or model or "",
        provider=provider,
        finish_reason=choice.get("finish_reason"),
        usage=_usage(data.get("usage")),
        latency=latency,
        thinking=message.get("reasoning_content") or message.get("reasoning") or "",
        metrics=timings_metrics(data.get("timings")),
        raw=raw,
    )


def parse_models(data: Any, *, provider: str) -> list[ModelInfo]:
    """A ``/models`` list; ``data: null`` means no models."""
    items = data.get("data") if isinstance(data, dict) else None
    if items is None and isinstance(data, dict) and "data" in data:
        return []
    if not isinstance(items, list):
        raise _shape_error(provider, None, "no data[] in the model list")
    return [
        ModelInfo(id=m["id"], provider=provider, loaded=m.get("loaded"), raw=m)
        for m in items
        if isinstance(m, dict) and "id" in m
    ]


class ChatStream(StreamText):
    """Parses SSE lines of a streamed chat completion into StreamEvents."""

    __slots__ = ("done_seen", "finish_reason", "raw", "usage")

    def __init__(self, provider: str, model: str | None, started: float) -> None:
        super().__init__(provider, model, started)
        self.finish_reason: str | None = None
        self.usage = Usage()
        self.done_seen = False
        self.raw: dict[str, Any] = {}

    def feed(self, line: str) -> StreamEvent | None:
        """One SSE line; returns an event for text, None for anything else."""
        if not line.startswith("data:"):
            return None  # blank separators, ': keepalive' comments, 'event:' names
        payload = line[6:] if line[5:6] == " " else line[5:]
        if payload == "[DONE]":
            self.done_seen = True
            return None
        try:
            data = json.loads(payload)
        except ValueError:
            raise self.broken(f"malformed stream data {payload[:80]!r}") from None
        if not isinstance(data, dict):
            raise self.broken(f"stream data is not an object: {payload[:80]!r}")
        if "error" in data:
            from llm_core.http_errors import message_from_json

            raise self.broken(f"error inside the stream: {message_from_json(data)}")
        if "usage" in data and data["usage"]:  # noqa: RUF019 - per token: no call when absent
            self.usage = _usage(data["usage"])
        if "timings" in data:
            self.raw["timings"] = data["timings"]
        choices = data.get("choices")
        if not choices:
            return None
        choice = choices[0]
        if choice.get("finish_reason"):
            self.finish_reason = choice["finish_reason"]
        delta = choice.get("delta") or {}
        text = delta.get("content") or ""
        rare = "reasoning_content" in delta or "reasoning" in delta  # no calls per token
        thinking = (delta.get("reasoning_content") or delta.get("reasoning") or "") if rare else ""
        if self.first_at is None:
            self.model = data.get("model") or self.model
        return self.emit(text, thinking)

    def finish(self) -> StreamEvent:
        """The final event; raises GenerationError if the stream ended without ``[DONE]``."""
        if not self.done_seen:
            raise self.broken("the stream ended before [DONE]")
        return self.done(
            finish_reason=self.finish_reason,
            usage=self.usage,
            metrics=timings_metrics(self.raw.get("timings")),
            raw=self.raw,
        )
