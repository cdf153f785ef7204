"""Tool calling in the LM Studio emulator (PROTOCOLS.md §3.3): OpenAI-compatible tools.

``server.answers`` is a script, as in the OpenAI fake: while it has items, each chat call answers
the next one: a list of ``(name, arguments)`` calls those tools (parallel when several), a string
is a text answer. Not streamed: ``message.tool_calls`` with arguments as JSON *strings*,
``content`` null, ``finish_reason: "tool_calls"`` (a v0 answer's ``stats.stop_reason`` is
``toolCalls``). Streamed: per call a first delta with ``index``, ``id``, ``type``, the name and
empty arguments, then the arguments in fragments; the finish chunk says ``tool_calls`` (0.3.15+).
``tool_choice: "required"`` works only on the llama.cpp engine (GGUF models): on an MLX model the
emulator answers 400 (wording inferred, not reported).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from .httpserver import Reply, sse_reply

REQUIRED_MLX = "tool_choice 'required' is only supported by the llama.cpp engine"
_IDS = itertools.count(100000000)


def refused_choice(body: dict[str, Any], model: Any) -> Reply | None:
    """The 400 for ``tool_choice: "required"`` on an MLX model, else None."""
    if body.get("tool_choice") == "required" and model.compatibility_type != "gguf":
        return Reply(400, body={"error": REQUIRED_MLX})
    return None


def tool_reply(base: dict[str, Any], calls: list, body: dict[str, Any]) -> Reply:
    """A scripted answer calling ``calls`` (pairs of name and arguments); ``base`` holds the
    answer's id, model and (v0) stats."""
    items = [
        {"id": str(next(_IDS)), "type": "function",
         "function": {"name": name, "arguments": json.dumps(args)}}
        for name, args in calls
    ]  # fmt: skip
    if not body.get("stream"):
        message = {"role": "assistant", "content": None, "tool_calls": items}
        choice = {"index": 0, "logprobs": None, "finish_reason": "tool_calls", "message": message}
        return Reply(200, body=base | {"object": "chat.completion", "choices": [choice]})
    return sse_reply(_chunks(base, items))


def _chunks(base: dict[str, Any], items: list[dict[str, Any]]):
    base = {k: v for k, v in base.items() if k not in ("stats", "model_info", "runtime")}

    def chunk(delta: dict, finish_reason: str | None = None) -> dict:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        return base | {"object": "chat.completion.chunk", "choices": [choice]}

    yield chunk({"role": "assistant"})
    for index, item in enumerate(items):
        function, args = item["function"], item["function"]["arguments"]
        head = {"index": index, "id": item["id"], "type": "function",
                "function": {"name": function["name"], "arguments": ""}}  # fmt: skip
        yield chunk({"tool_calls": [head]})
        cut = len(args) // 2
        for piece in (args[:cut], args[cut:]):
            yield chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
    yield chunk({}, "tool_calls")
