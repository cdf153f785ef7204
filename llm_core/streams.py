"""Stream handles returned by ``Client.stream`` and ``AsyncClient.stream``.

A handle is an iterator of :class:`~llm_core.types.StreamEvent` and a context manager. Leaving
the ``with`` block, calling ``close()``, or breaking out of the loop and dropping the handle
closes the underlying connection (or stops in-process generation). After the last event,
``response`` holds the finished :class:`~llm_core.types.Response`.

A handle also ends its :class:`~llm_core.call.Call` for the observers, exactly once: at the final
event, when the stream fails, or when it is closed (or dropped) before its end.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from llm_core.call import Call
from llm_core.types import Response, StreamEvent

__all__ = ["AsyncStream", "Stream"]


class _StreamBase:
    __slots__ = ("_events", "_observer", "_parts", "call", "response")

    def __init__(self, events: Any, call: Call | None = None, observer: Any = None) -> None:
        """``observer`` (None when nobody observes calls) hears when ``call`` ends."""
        self._events, self.call, self._observer = events, call, observer
        self._parts: list[str] = []
        self.response: Response | None = None

    @property
    def text(self) -> str:
        """All text received so far."""
        return "".join(self._parts)

    def _seen(self, event: StreamEvent) -> StreamEvent:
        if event.done:
            self.response = event.response
            self._end(event.response, None)
        elif event.text:
            if not self._parts and self.call is not None:
                self.call.first_token = time.perf_counter()
            self._parts.append(event.text)
        return event

    def _end(self, response: Response | None, error: BaseException | None) -> None:
        obs, self._observer = self._observer, None  # once
        if obs is not None:
            obs.emit("llm_core_on_call_end", call=self.call, response=response, error=error)

    def __del__(self) -> None:
        # a handle dropped unfinished (a ``break`` without ``with``) still ends its call once
        if getattr(self, "_observer", None) is not None:
            self._end(None, None)


class Stream(_StreamBase):
    """A synchronous stream of events."""

    __slots__ = ()

    def __iter__(self) -> Iterator[StreamEvent]:
        return self

    def __next__(self) -> StreamEvent:
        try:
            return self._seen(next(self._events))
        except StopIteration:
            raise
        except BaseException as exc:
            self._end(None, exc)
            raise

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
        self._end(None, None)
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
        try:
            return self._seen(await self._events.__anext__())
        except StopAsyncIteration:
            raise
        except BaseException as exc:
            self._end(None, exc)
            raise

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
        self._end(None, None)
        aclose = getattr(self._events, "aclose", None)
        if aclose is not None:
            await aclose()

    async def __aenter__(self) -> AsyncStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
