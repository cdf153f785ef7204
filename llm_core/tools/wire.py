"""Tool calls on the OpenAI-compatible wire (LM Studio and llama.cpp speak it too).

OpenAI sends ``arguments`` as a JSON *string*; Ollama's native API sends an object. Both become
a dict on :class:`~llm_core.ToolCall`; a string that is not a JSON object is kept as
``{"_raw": text}`` so the tool loop can answer the model with the error instead of crashing.
"""

from __future__ import annotations

import json
from typing import Any

from llm_core.http.shapes import WrongShape, kind, object_of, text_of
from llm_core.messages import Message, ToolCall

__all__ = ["arguments_of", "call_json", "calls_of", "tools_json"]


def arguments_of(value: Any) -> dict[str, Any]:
    """A call's ``arguments`` (a JSON string, an object, or empty) as a dict."""
    if value is None or value == "":
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return {"_raw": value}
        return parsed if isinstance(parsed, dict) else {"_raw": value}
    raise WrongShape(f"function.arguments is {kind(value)}, not a string or an object")


def calls_of(message: dict[str, Any]) -> list[ToolCall]:
    """The ``tool_calls`` of a completion message; WrongShape if misshapen."""
    items = message.get("tool_calls")
    if not items:
        return []
    if type(items) is not list:
        raise WrongShape(f"message.tool_calls is {kind(items)}, not a list")
    calls = []
    for i, item in enumerate(items):
        item = object_of(item, f"tool_calls[{i}]")
        function = object_of(item.get("function"), f"tool_calls[{i}].function")
        name = text_of(function.get("name"), f"tool_calls[{i}].function.name")
        if not name:
            raise WrongShape(f"tool_calls[{i}].function.name is empty")
        call_id = text_of(item.get("id"), f"tool_calls[{i}].id") or None
        calls.append(ToolCall(name, arguments_of(function.get("arguments")), call_id, item))
    return calls


def call_json(call: ToolCall) -> dict[str, Any]:
    """One call as an assistant message sends it back (arguments as a JSON string)."""
    return {
        "id": call.id or "",
        "type": "function",
        "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
    }


def tools_json(message: Message, out: dict[str, Any]) -> dict[str, Any]:
    """``out`` (a message in the OpenAI shape) with the message's tool calls added."""
    if message.tool_calls:
        out["tool_calls"] = [call_json(c) for c in message.tool_calls]
        if not message.content:
            out["content"] = None
    return out
