"""Sans-IO parsing of a streamed OpenAI-compatible chat completion (SSE lines).

Quirks handled: SSE comment lines (``: keepalive``) and ``event:`` names, ``content: null``,
reasoning deltas, usage in the last chunk, error payloads inside a 200 stream, and a stream that
ends without ``[DONE]`` (a failure, not a short answer).
"""

from __future__ import annotations

import time
from typing import Any

from llm_core.http.errors import message_from_json
from llm_core.http.json_codec import json_loads
from llm_core.http.shapes import WrongShape, kind, text_of
from llm_core.http.streaming import StreamText
from llm_core.openai.wire import timings_metrics, usage_of
from llm_core.tools.deltas import ToolCallDeltas
from llm_core.types import StreamEvent, Usage

__all__ = ["ChatStream"]


class ChatStream(StreamText):
    """Parses SSE lines of a streamed chat completion into StreamEvents."""

    __slots__ = ("done_seen", "finish_reason", "raw", "tool_deltas", "usage")

    def __init__(self, provider: str, model: str | None, started: float) -> None:
        super().__init__(provider, model, started)
        self.finish_reason: str | None = None
        self.usage = Usage()
        self.done_seen = False
        self.raw: dict[str, Any] = {}
        self.tool_deltas: ToolCallDeltas | None = None

    def feed(self, line: str) -> StreamEvent | None:
        """One SSE line; returns an event for text, None for anything else."""
        if not line.startswith("data:"):
            return None  # blank separators, ': keepalive' comments, 'event:' names
        payload = line[6:] if line[5:6] == " " else line[5:]
        if payload == "[DONE]":
            self.done_seen = True
            return None
        try:
            data = json_loads(payload)
        except ValueError:
            raise self.broken(f"malformed stream data {payload[:80]!r}") from None
        if not isinstance(data, dict):
            raise self.broken(f"stream data is not an object: {payload[:80]!r}")
        if "error" in data:
            raise self.broken(f"error inside the stream: {message_from_json(data)}")
        try:
            return self._chunk(data)
        except WrongShape as exc:
            raise self.broken(f"wrong shape: {exc}") from None

    def _chunk(self, data: dict[str, Any]) -> StreamEvent | None:
        if "usage" in data and data["usage"]:  # noqa: RUF019 - per token: no call when absent
            self.usage = usage_of(data["usage"])
        if "timings" in data:
            self.raw["timings"] = data["timings"]
        choices = data.get("choices")
        if type(choices) is not list:
            if choices is None and ("usage" in data or "timings" in data):
                return None  # a usage-only last chunk
            raise WrongShape(f"choices is {kind(choices)}, not a list")
        if not choices:
            return None
        choice = choices[0]
        if type(choice) is not dict:
            raise WrongShape(f"choices[0] is {kind(choice)}, not an object")
        if choice.get("finish_reason"):
            self.finish_reason = text_of(choice["finish_reason"], "finish_reason")
        delta = choice.get("delta")
        if type(delta) is not dict:
            if delta is not None:
                raise WrongShape(f"choices[0].delta is {kind(delta)}, not an object")
            delta = {}
        text = delta.get("content")
        if type(text) is not str:
            text = text_of(text, "delta.content")
        if "reasoning_content" in delta or "reasoning" in delta:  # rare: no calls per token
            thinking = text_of(delta.get("reasoning_content"), "delta.reasoning_content")
            thinking = thinking or text_of(delta.get("reasoning"), "delta.reasoning")
        else:
            thinking = ""
        if self.first_at is None:
            self.model = text_of(data.get("model"), "model") or self.model
        if "tool_calls" in delta or (self.tool_deltas and choice.get("finish_reason")):
            return self._tool_event(delta, text, thinking)
        return self.emit(text, thinking)

    def _tool_event(self, delta: dict[str, Any], text: str, thinking: str) -> StreamEvent | None:
        """Fragments of tool calls; the event carries every call this chunk completed."""
        deltas = self.tool_deltas
        if deltas is None:
            deltas = self.tool_deltas = ToolCallDeltas()
            if self.first_at is None:  # a call's first fragment is the answer's first token
                self.first_at = time.perf_counter()
        done = deltas.feed(delta["tool_calls"]) if delta.get("tool_calls") else []
        if self.finish_reason:
            done += deltas.finish()
        event = self.emit(text, thinking)
        if done:
            event = event or StreamEvent()
            event.tool_calls = tuple(done)
        return event

    def finish(self) -> StreamEvent:
        """The final event; raises GenerationError if the stream ended without ``[DONE]``."""
        if not self.done_seen:
            raise self.broken("the stream ended before [DONE]")
        return self.done(
            finish_reason=self.finish_reason,
            usage=self.usage,
            metrics=timings_metrics(self.raw.get("timings")),
            raw=self.raw,
            tool_calls=self._all_calls(),
        )

    def _all_calls(self) -> list[Any]:
        if self.tool_deltas is None:
            return []
        try:
            self.tool_deltas.finish()
        except WrongShape as exc:
            raise self.broken(f"wrong shape: {exc}") from None
        return self.tool_deltas.calls
