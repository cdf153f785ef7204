"""Sans-IO parsing of a streamed ``/api/chat`` answer (NDJSON, one object per line).

Each line is a JSON object with a ``message`` piece; the last has ``done: true``, the stop reason
and the metrics, and may itself still carry text. An ``{"error": ...}`` line inside the 200
stream ends it (no ``done`` line follows); a stream that ends without ``done`` broke off.
Tool calls come whole in ``message.tool_calls`` of the chunk where the model's output was
parsed; that chunk's event has ``tool_call`` set (the last call when it carries several), and
the final response lists every call.
"""

from __future__ import annotations

from typing import Any

from llm_core import StreamEvent, ToolCall
from llm_core.http import StreamText, WrongShape, json_loads, text_of
from llm_core_ollama.wire import message_of, metrics_from, raw_of, tool_calls_from, usage_from

__all__ = ["ChatStream"]


class ChatStream(StreamText):
    """Turns NDJSON lines of a streamed ``/api/chat`` answer into StreamEvents."""

    __slots__ = ("final", "tool_calls")

    def __init__(self, provider: str, model: str, started: float) -> None:
        super().__init__(provider, model, started)
        self.tool_calls: list[ToolCall] = []
        self.final: dict[str, Any] | None = None

    def feed(self, line: str | bytes) -> StreamEvent | None:
        """One NDJSON line; returns an event for text or thinking, None for anything else."""
        if type(line) is bytes:
            line = line.decode("utf-8", "replace")
        if not line or line.isspace():
            return None
        try:
            data = json_loads(line)
        except ValueError:
            raise self.broken(f"malformed stream line {line[:80]!r}") from None
        if type(data) is not dict:
            raise self.broken(f"stream line is not an object: {line[:80]!r}")
        message = data.get("message")
        if type(message) is dict and not data.get("done") and "error" not in data:
            text = message.get("content")  # the usual line: a piece of text and nothing else
            if type(text) is str and "thinking" not in message and "tool_calls" not in message:
                return self.emit(text)
        if "error" in data:
            raise self.broken(f"error inside the stream: {data['error']}")
        try:
            return self._line(data)
        except WrongShape as exc:
            raise self.broken(f"wrong shape: {exc}") from None

    def _line(self, data: dict[str, Any]) -> StreamEvent | None:
        if data.get("done"):
            usage_from(data)  # a wrong count or reason fails on this line, not at the end
            text_of(data.get("done_reason"), "done_reason")
            text_of(data.get("model"), "model")
            self.final = data
        if not data.get("message"):
            return None
        message, text, thinking = message_of(data)
        calls = tool_calls_from(message) if "tool_calls" in message else []
        event = self.emit(text, thinking)
        if calls:  # Ollama sends each call whole, in the chunk where it was parsed
            self.tool_calls.extend(calls)
            event = event or StreamEvent()
            event.tool_calls = tuple(calls)
        return event

    def finish(self) -> StreamEvent:
        """The final event; raises GenerationError if no ``done: true`` line arrived."""
        data = self.final
        if data is None:
            raise self.broken("the stream ended before its done line")
        return self.done(
            model=data.get("model") or self.model,
            finish_reason=data.get("done_reason"),
            usage=usage_from(data),
            tool_calls=self.tool_calls,
            metrics=metrics_from(data),
            raw=raw_of(data),
        )
