"""Streamed tool-call deltas assembled into complete calls.

OpenAI-compatible servers stream ``delta.tool_calls[]`` items keyed by ``index``: the first
fragment of a call carries ``id`` and ``function.name``, later ones only pieces of
``function.arguments`` (a JSON string cut anywhere). A call is complete when a higher index
starts or the stream finishes; parallel calls interleave by index.
"""

from __future__ import annotations

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
        """One chunk's ``delta.tool_calls``; the calls it completed (earlier indexes)."""
        if type(items) is not list:
            raise WrongShape(f"delta.tool_calls is {kind(items)}, not a list")
        done: list[ToolCall] = []
        for item in items:
            item = object_of(item, "delta.tool_calls[]")
            index = item.get("index", len(self._parts) - 1 if self._parts else 0)
            if type(index) is not int or index < 0:
                raise WrongShape(f"delta.tool_calls[].index is {kind(index)}, not a count")
            if index not in self._parts:
                done += self._close(lambda i, index=index: i < index)
                self._parts[index] = {"id": None, "name": "", "arguments": []}
            part = self._parts[index]
            part["id"] = text_of(item.get("id"), "tool_calls[].id") or part["id"]
            function = item.get("function")
            if function is not None:
                function = object_of(function, "tool_calls[].function")
                part["name"] += text_of(function.get("name"), "function.name")
                args = function.get("arguments")
                if isinstance(args, dict):  # some servers send the object whole
                    part["arguments"] = [args]
                elif args is not None:
                    part["arguments"].append(text_of(args, "function.arguments"))
        return done

    def finish(self) -> list[ToolCall]:
        """The calls still open when the stream ends."""
        return self._close(lambda i: True)

    def _close(self, which: Any) -> list[ToolCall]:
        done = []
        for index in sorted(i for i in self._parts if which(i) and self._parts[i] is not None):
            part = self._parts[index]
            self._parts[index] = None  # type: ignore[assignment]
            if not part["name"]:
                raise WrongShape(f"streamed tool call {index} never got a function name")
            pieces = part["arguments"]
            args = pieces[0] if pieces and isinstance(pieces[0], dict) else "".join(pieces)
            raw = {"index": index, "id": part["id"], "name": part["name"], "arguments": args}
            done.append(ToolCall(part["name"], arguments_of(args), part["id"], raw))
        self.calls += done
        return done
