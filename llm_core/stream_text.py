"""What every stream parser keeps, whatever the wire: text and thinking so far, when the first
token came, the error for a stream that broke off, and the final event.

Protocol parsers (``openai_wire.ChatStream``, Ollama's ``ChatStream``) subclass
:class:`StreamText` and only decode their own framing.
"""

from __future__ import annotations

import time
from typing import Any

from llm_core import errors as e
from llm_core.types import Response, StreamEvent

__all__ = ["StreamText"]


class StreamText:
    """Accumulates a streamed answer and builds its events."""

    __slots__ = ("first_at", "model", "parts", "provider", "started", "thinking")

    def __init__(self, provider: str, model: str | None, started: float) -> None:
        self.provider, self.model, self.started = provider, model, started
        self.parts: list[str] = []
        self.thinking: list[str] = []
        self.first_at: float | None = None

    @property
    def text(self) -> str:
        """Text received so far."""
        return "".join(self.parts)

    def emit(self, text: str, thinking: str) -> StreamEvent | None:
        """Record a delta; the event for it, or None when it is empty."""
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

    def done(self, **fields: Any) -> StreamEvent:
        """The final event: a Response with the text, thinking and timings, plus ``fields``."""
        now = time.perf_counter()
        fields.setdefault("model", self.model or "")
        response = Response(
            content=self.text,
            provider=self.provider,
            latency=now - self.started,
            time_to_first_token=None if self.first_at is None else self.first_at - self.started,
            thinking="".join(self.thinking),
            **fields,
        )
        return StreamEvent(done=True, response=response)
