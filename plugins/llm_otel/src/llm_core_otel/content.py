"""Message content as the GenAI conventions record it, for when content capture is on.

``gen_ai.input.messages`` and ``gen_ai.output.messages`` are JSON strings of
``[{"role": ..., "parts": [...]}]``. Text, reasoning and tool calls are recorded; an image is
recorded only as ``{"type": "image"}`` (where it was, never its bytes, path or URL). Nothing else
of the request (options, settings, API keys) is ever read here.
"""

from __future__ import annotations

import json
import os
from typing import Any

from llm_core import Message, Response, TextPart

__all__ = ["CAPTURE_ENV", "capture_enabled", "input_messages", "output_messages"]

#: The environment variable the OpenTelemetry GenAI instrumentations share.
CAPTURE_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"
_TRUE = {"1", "true", "yes", "on"}


def capture_enabled(setting: bool | None) -> bool:
    """The plugin's own setting when given, else the environment variable (off by default)."""
    if setting is not None:
        return setting
    return os.environ.get(CAPTURE_ENV, "").strip().lower() in _TRUE


def _parts(message: Message) -> list[dict[str, Any]]:
    content = message.content
    if isinstance(content, str):
        parts = [{"type": "text", "content": content}] if content else []
    else:
        parts = [
            {"type": "text", "content": p.text} if isinstance(p, TextPart) else {"type": "image"}
            for p in content
        ]
    for call in message.tool_calls:
        parts.append(_tool_call(call))
    if message.tool_call_id is not None:  # a tool's answer: its text only
        text = "".join(p["content"] for p in parts if p["type"] == "text")
        parts = [{"type": "tool_call_response", "id": message.tool_call_id, "response": text}]
    return parts


def _tool_call(call: Any) -> dict[str, Any]:
    return {"type": "tool_call", "id": call.id, "name": call.name, "arguments": call.arguments}


def input_messages(messages: list[Message]) -> str:
    """``gen_ai.input.messages`` for a request's messages (images as placeholders)."""
    out = [{"role": m.role, "parts": _parts(m)} for m in messages]
    return json.dumps(out, ensure_ascii=False, default=str)


def output_messages(response: Response) -> str:
    """``gen_ai.output.messages`` for an answer: its reasoning, text and tool calls."""
    parts: list[dict[str, Any]] = []
    if response.thinking:
        parts.append({"type": "reasoning", "content": response.thinking})
    if response.content:
        parts.append({"type": "text", "content": response.content})
    parts.extend(_tool_call(call) for call in response.tool_calls)
    message = {"role": "assistant", "parts": parts, "finish_reason": response.finish_reason or ""}
    return json.dumps([message], ensure_ascii=False, default=str)
