"""Tool calling in the Ollama emulator (PROTOCOLS.md §1.3): scripted answers that call tools.

``server.answers`` is a script, as in the OpenAI fake: while it has items, each chat call with
messages answers the next one: a list of ``(name, arguments)`` is an answer that calls those
tools (parallel calls when several), a string a text answer. Faithful to Ollama: arguments are
JSON *objects*; each call has an ``id`` (newer servers) and ``function.index``; the answer's
``content`` is empty and ``done_reason`` stays ``"stop"``; streamed, each call comes whole in
its own chunk, then the ``done`` line; not streamed, the calls are aggregated in
``message.tool_calls``. History is checked as Go's JSON binding would: an assistant call whose
``arguments`` is not an object is a 400 (the wording is inferred).
"""

from __future__ import annotations

import itertools
from typing import Any

from .httpserver import Reply, dumps

JSON = "application/json; charset=utf-8"
_IDS = itertools.count(1)
BIND_ERROR = (
    "json: cannot unmarshal {} into Go struct field ToolCallFunction.messages.tool_calls."
    "function.arguments of type api.ToolCallFunctionArguments"
)


def bad_history(messages: list[Any]) -> Reply | None:
    """A 400 for a tool call sent back with non-object arguments (e.g. an OpenAI string)."""
    for message in messages:
        for call in (message.get("tool_calls") or []) if isinstance(message, dict) else ():
            args = (call.get("function") or {}).get("arguments") if isinstance(call, dict) else 0
            if args is not None and not isinstance(args, dict):
                kind = "string" if isinstance(args, str) else type(args).__name__
                return Reply(400, body={"error": BIND_ERROR.format(kind)}, content_type=JSON)
    return None


def tool_answer(server: Any, data: dict[str, Any], final: dict[str, Any]) -> Reply | None:
    """A 400 for a bad history, else the next scripted answer (tool calls or text), else None
    (the emulator's usual answer)."""
    refused = bad_history(data["messages"])
    if refused is not None or not server.answers:
        return refused
    answer = server.answers.pop(0)
    name = data["model"]
    if isinstance(answer, str):
        pieces = [{"content": (" " if i else "") + w} for i, w in enumerate(answer.split())]
    else:
        n = next(_IDS)
        pieces = [
            {"content": "", "tool_calls": [{"id": f"call_{n}_{i}", "function": {
                "index": i, "name": tool, "arguments": dict(args)}}]}
            for i, (tool, args) in enumerate(answer)
        ]  # fmt: skip
    if data.get("stream", True) is False:
        message = {"role": "assistant", "content": "".join(p["content"] for p in pieces)}
        calls = [c for p in pieces for c in p.get("tool_calls", ())]
        message |= {"tool_calls": calls} if calls else {}
        return Reply(body={**final, "model": name, "message": message}, content_type=JSON)
    lines = [{"model": name, "created_at": final["created_at"], "done": False,
              "message": {"role": "assistant", **p}} for p in pieces]  # fmt: skip
    lines.append({**final, "model": name, "message": {"role": "assistant", "content": ""}})
    return Reply(200, {}, (dumps(line) + b"\n" for line in lines), "application/x-ndjson")
