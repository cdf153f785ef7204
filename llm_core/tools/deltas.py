"""Streamed tool-call deltas assembled into complete calls.

OpenAI-compatible servers stream ``delta.tool_calls[]`` items keyed by ``index``: the first
fragment of a call carries ``id``, ``type`` and ``function.name``, later ones only pieces of
``function.arguments`` (a JSON string cut anywhere). OpenAI sends parallel calls one after
another; other servers interleave their fragments by index, so a call is not closed because a
higher index started. A call is complete as soon as its arguments form a whole JSON object (a
whole object cannot be continued), else when the choice finishes.
"""

from __future__ import annotations

import json
from typing import Any

from llm_core.http.shapes import WrongShape, kind, object_of, text_of
from llm_core.messages import ToolCall
from llm_core.tools.wire import arguments_of

__all__ = ["ToolCallDeltas"]


class ToolCallDeltas:
    """Collects fragments by index; :meth:`feed` returns the calls completed by a chunk."""

    __slots__ = ("_parts", "calls")

    def __init__(self) -> None:
        self._parts: dict[int, dict[str, Any]] = {}
        self.calls: list[ToolCall] = []

    def feed(self, items: Any) -> list[ToolCall]:
        """One chunk's ``delta.tool_calls``; the calls it completed, in index order."""
        if type(items) is not list:
            raise WrongShape(f"delta.tool_calls is {kind(items)}, not a list")
        parts, closing = self._parts, None
        for item in items:
            if type(item) is not dict:
                object_of(item, "delta.tool_calls[]")  # raises, naming what it got
            index = item["index"] if "index" in item else max(parts, default=0)
            part = parts.get(index)
            if part is None:
                if type(index) is not int or index < 0:
                    raise WrongShape(f"delta.tool_calls[].index is {kind(index)}, not a count")
                part = parts[index] = {"id": None, "name": "", "arguments": [], "done": 0}
            if "id" in item:
                part["id"] = text_of(item["id"], "tool_calls[].id") or part["id"]
            function = item.get("function")
            if function is None:
                continue
            if type(function) is not dict:
                object_of(function, "tool_calls[].function")
            name = function.get("name")
            if name and name != part["name"]:  # some servers repeat the whole name
                part["name"] += text_of(name, "function.name")
            args = function.get("arguments")
            if type(args) is not str:
                if isinstance(args, dict):  # some servers send the object whole
                    part["arguments"] = [args]
                    closing = [*(closing or ()), index]
                elif args is not None:
                    text_of(args, "function.arguments")  # raises
                continue
            if not args:
                continue
            if part["done"]:
                if args.strip():
                    raise WrongShape(f"tool call {index}'s arguments go on after the object")
                continue
            part["arguments"].append(args)
            if args[-1] == "}" or args.rstrip().endswith("}"):
                closing = [*(closing or ()), index]
        if closing is None:
            return []
        return self._close(sorted({i for i in closing if _whole(parts[i])}))

    def finish(self) -> list[ToolCall]:
        """The calls still open when the choice finishes, in index order."""
        return self._close(sorted(i for i, p in self._parts.items() if not p["done"]))

    def _close(self, indexes: list[int]) -> list[ToolCall]:
        done = []
        for index in indexes:
            part = self._parts[index]
            part["done"] = 1
            if not part["name"]:
                raise WrongShape(f"streamed tool call {index} never got a function name")
            pieces = part["arguments"]
            args = pieces[0] if pieces and isinstance(pieces[0], dict) else "".join(pieces)
            raw = {"index": index, "id": part["id"], "name": part["name"], "arguments": args}
            done.append(ToolCall(part["name"], arguments_of(args), part["id"], raw))
        self.calls += done
        self.calls.sort(key=lambda c: c.raw["index"])
        return done


def _whole(part: dict[str, Any]) -> bool:
    """Whether a call's arguments so far are a complete JSON object (tried only when a piece
    ends in ``}``, so a long call is parsed a few times, not once per fragment)."""
    pieces = part["arguments"]
    if part["done"] or not pieces or not part["name"]:
        return False
    if isinstance(pieces[0], dict):
        return True
    try:
        return isinstance(json.loads("".join(pieces)), dict)
    except ValueError:
        return False
