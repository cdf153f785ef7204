"""Stream handles returned by ``Client.stream`` and ``AsyncClient.stream``.

A handle is an iterator of :class:`~llm_core.types.StreamEvent` and a context manager. Leaving
the ``with`` block, calling ``close()``, or breaking out of the loop and dropping the handle
closes the underlying connection (or stops in-process generation). After the last event,
``response`` holds the finished :class:`~llm_core.types.Response`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from llm_core.types import Response, StreamEvent

__all__ = ["AsyncStream", "Stream"]


class _StreamBase:
    __slots__ = ("_events", "_parts", "response")

    def __init__(self, events: Any) -> None:
        self._events = events
        self._parts: list[str] = []
        self.response: Response | None = None

    @property
    def text(self) -> str:
        """All text received so far."""
        return "".join(self._parts)

    def _seen(self, event: StreamEvent) -> StreamEvent:
        if event.done:
            self.response = event.response
        elif event.text:
            self._parts.append(event.text)
        return event


class Stream(_StreamBase):
    """A synchronous stream of events."""

    __slots__ = ()

    def __iter__(self) -> Iterator[StreamEvent]:
        return self

    def __next__(self) -> StreamEvent:
        return self._seen(next(self._events))

    def text_chunks(self) -> Iterator[str]:
        """Only the text deltas."""
        for event in self:
            if event.text:
                yield event.text

    def until_done(self) -> Response:
        """Consume the rest of the stream and return the finished Response."""
        for _ in self:
            pass
        assert self.response is not None
        return self.response

    def close(self) -> None:
        """Stop the stream and release its connection."""
        close = getattr(self._events, "close", None)
        if close is not None:
            close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncStream(_StreamBase):
    """An asynchronous stream of events (``async for``; ``async with``)."""

    __slots__ = ()

    def __aiter__(self) -> AsyncIterator[StreamEvent]:
        return self

    async def __anext__(self) -> StreamEvent:
        return self._seen(await self._events.__anext__())

    async def text_chunks(self) -> AsyncIterator[str]:
        """Only the text deltas."""
        async for event in self:
            if event.text:
                yield event.text

    async def until_done(self) -> Response:
        """Consume the rest of the stream and return the finished Response."""
        async for _ in self:
            pass
        assert self.response is not None
        return self.response

    async def aclose(self) -> None:
        """Stop the stream and release its connection."""
        aclose = getattr(self._events, "aclose", None)
        if aclose is not None:
            await aclose()

    async def __aenter__(self) -> AsyncStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
