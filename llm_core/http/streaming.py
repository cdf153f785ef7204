"""Streamed answers, sans-IO: what to open (:class:`StreamSpec`), how to split the body
(framings), and :class:`StreamText`, the accumulator every stream parser builds on.

A protocol's ``stream_flow`` returns a StreamSpec: method, path, body, the parser and the
framing (``"lines"`` for SSE, ``"ndjson"`` for one JSON object per line). The HTTP shells open
it and run the one streaming loop (:mod:`llm_core.http.adapters`): each line goes to
``parser.feed``, whose non-None results are yielded, then ``parser.finish()`` ends the stream.

Parsers (``llm_core.openai.stream.ChatStream``, Ollama's ``ChatStream``) subclass StreamText
and only decode their own framing: ``emit(text, thinking)`` for a delta, ``broken(why)`` for the
error of a stream that failed after it started, ``done(**fields)`` for the final event.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from llm_core import errors as e
from llm_core.types import Response, StreamEvent

__all__ = [
    "FRAMINGS",
    "StreamParser",
    "StreamSpec",
    "StreamText",
    "aiter_ndjson",
    "iter_ndjson",
]

#: The ways a streamed body is split: SSE and other text lines, or NDJSON records (bytes).
FRAMINGS = ("lines", "ndjson")


class StreamParser(Protocol):
    """Sans-IO state of one streamed answer: lines in, items out."""

    @property
    def text(self) -> str:
        """Text received so far (for the GenerationError of a broken stream)."""

    def feed(self, line: Any) -> Any:
        """One line of the body; an item (an event) to yield, or None."""

    def finish(self) -> Any:
        """The last item to yield (None: nothing more); raises if the stream ended wrongly."""


@dataclass(slots=True)
class StreamSpec:
    """A streamed request to open: ``method path`` with JSON ``body``, split by ``framing``
    into lines that ``parser`` turns into events."""

    path: str
    body: Any
    parser: StreamParser
    framing: str = "lines"
    model: str | None = None
    deadline: float | None = None
    method: str = "POST"
    #: The body counts against ``limits.max_response_bytes`` (False for progress streams that
    #: keep nothing, such as a model download's; each line is still capped).
    capped: bool = True

    def __post_init__(self) -> None:
        if self.framing not in FRAMINGS:
            raise ValueError(f"framing must be one of {FRAMINGS}, got {self.framing!r}")


def iter_ndjson(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a byte stream, without their ``\\n``; a last unterminated line too.

    Splitting raw bytes on ``\\n`` is cheaper than decoding text first, and safe for UTF-8: the
    byte ``\\n`` never occurs inside a multi-byte character.
    """
    rest = b""
    for chunk in chunks:
        if rest:
            chunk = rest + chunk
        *lines, rest = chunk.split(b"\n")
        yield from lines
    if rest.strip():
        yield rest


async def aiter_ndjson(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """:func:`iter_ndjson` for an async byte stream."""
    rest = b""
    async for chunk in chunks:
        if rest:
            chunk = rest + chunk
        *lines, rest = chunk.split(b"\n")
        for line in lines:
            yield line
    if rest.strip():
        yield rest


class StreamText:
    """Accumulates a streamed answer and builds its events."""

    __slots__ = ("first_at", "model", "parts", "provider", "started", "thinking")

    def __init__(self, provider: str, model: str | None, started: float | None = None) -> None:
        """``started`` is the ``time.perf_counter()`` instant the request was sent (now if
        None); ``model`` the model requested, replaced by what the server says it ran."""
        self.provider, self.model = provider, model
        self.started = time.perf_counter() if started is None else started
        self.parts: list[str] = []
        self.thinking: list[str] = []
        self.first_at: float | None = None

    @property
    def text(self) -> str:
        """Text received so far."""
        return "".join(self.parts)

    def emit(self, text: str, thinking: str = "") -> StreamEvent | None:
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
