"""Sans-IO parsing of a streamed ``/api/chat`` answer (NDJSON, one object per line).

Each line is a JSON object with a ``message`` piece; the last has ``done: true``, the stop reason
and the metrics, and may itself still carry text. An ``{"error": ...}`` line inside the 200
stream ends it (no ``done`` line follows); a stream that ends without ``done`` broke off.
"""

from __future__ import annotations

import json
import time
from typing import Any

from llm_core import errors as e
from llm_core.messages import ToolCall
from llm_core.types import Response, StreamEvent
from llm_core_ollama.wire import metrics_from, raw_of, tool_calls_from, usage_from

__all__ = ["ChatStream"]


class ChatStream:
    """Turns NDJSON lines of a streamed ``/api/chat`` answer into StreamEvents."""

    __slots__ = (
        "final",
        "first_at",
        "model",
        "parts",
        "provider",
        "started",
        "thinking",
        "tool_calls",
    )

    def __init__(self, provider: str, model: str, started: float) -> None:
        self.provider, self.model, self.started = provider, model, started
        self.parts: list[str] = []
        self.thinking: list[str] = []
        self.tool_calls: list[ToolCall] = []
        self.first_at: float | None = None
        self.final: dict[str, Any] | None = None

    @property
    def text(self) -> str:
        """Text received so far."""
        return "".join(self.parts)

    def feed(self, line: str | bytes) -> StreamEvent | None:
        """One NDJSON line; returns an event for text or thinking, None for anything else."""
        if type(line) is bytes:
            line = line.decode("utf-8", "replace")
        if not line or line.isspace():
            return None
        try:
            data = json.loads(line)
        except ValueError:
            raise self.broken(f"malformed stream line {line[:80]!r}") from None
        if type(data) is not dict:
            raise self.broken(f"stream line is not an object: {line[:80]!r}")
        if "error" in data:
            raise self.broken(f"error inside the stream: {data['error']}")
        message = data.get("message")
        if data.get("done"):
            self.final = data
        if not message:
            return None
        text = message.get("content") or ""
        thinking = message.get("thinking") or ""
        if "tool_calls" in message:
            self.tool_calls.extend(tool_calls_from(message))
        if not (text or thinking):
            return None
        if self.first_at is None:
            self.first_at = time.perf_counter()
        if text:
            self.parts.append(text)
        if thinking:
            self.thinking.append(thinking)
        return StreamEvent(text, thinking)

    def broken(self, why: str) -> e.GenerationError:
        """The error for a stream that failed after it started."""
        return e.GenerationError(
            f"{self.provider} stream failed: {why}",
            partial_text=self.text,
            provider=self.provider,
            model=self.model,
            hint="The text received so far is on error.partial_text.",
        )

    def finish(self) -> StreamEvent:
        """The final event; raises GenerationError if no ``done: true`` line arrived."""
        data = self.final
        if data is None:
            raise self.broken("the stream ended before its done line")
        now = time.perf_counter()
        response = Response(
            content=self.text,
            model=data.get("model") or self.model,
            provider=self.provider,
            finish_reason=data.get("done_reason"),
            usage=usage_from(data),
            latency=now - self.started,
            time_to_first_token=None if self.first_at is None else self.first_at - self.started,
            thinking="".join(self.thinking),
            tool_calls=self.tool_calls,
            metrics=metrics_from(data),
            raw=raw_of(data),
        )
        return StreamEvent(done=True, response=response)
