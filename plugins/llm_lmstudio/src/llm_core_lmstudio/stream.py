"""Sans-IO parsing of LM Studio's streamed chat: the core's SSE parser plus LM Studio's error
shapes (an error object in a ``data:`` line, or a plain JSON error body sent with status 200)."""

from __future__ import annotations

from llm_core import StreamEvent
from llm_core.http import json_loads
from llm_core.openai import ChatStream
from llm_core_lmstudio.errors import lmstudio_error

__all__ = ["LMStudioChatStream", "error_payload"]


class LMStudioChatStream(ChatStream):
    """The core's SSE parser, but an error payload before any text raises LM Studio's typed
    error (ModelNotFoundError for "No models loaded", ...) instead of a GenerationError, so the
    fallback layer can still act on it."""

    __slots__ = ("url",)

    def __init__(self, provider: str, model: str | None, started: float, url: str) -> None:
        super().__init__(provider, model, started)
        self.url = url

    def feed(self, line: str) -> StreamEvent | None:
        """One SSE line (see :meth:`ChatStream.feed`)."""
        if not self.parts:
            data = error_payload(line)
            if data is not None:
                raise lmstudio_error(200, data, model=self.model, url=self.url)
        return super().feed(line)


def error_payload(line: str) -> dict | None:
    """An error object in a ``data:`` line, or a plain JSON error body sent (with status 200)
    instead of a stream: LM Studio's "Unexpected endpoint" and context-overflow answers."""
    payload = line[5:] if line.startswith("data:") else line if line.startswith("{") else ""
    if '"error"' not in payload:
        return None
    try:
        data = json_loads(payload)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("error") else None
