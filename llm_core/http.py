"""HTTP plumbing every HTTP adapter shares: one httpx2 pool per adapter, timeouts derived from
the per-phase settings and the call's deadline, capped reads, typed errors.

Protocol code stays sans-IO; an adapter class mixes in :class:`HTTPBase` and uses
:class:`SyncHTTP` or :class:`AsyncHTTP` to do the I/O. Transport retries are off (the core's
retry layer is the only one) and redirects are not followed, so an API key is only ever sent to
the host it was configured for.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any, Protocol

import httpx2

from llm_core.http_base import HTTPBase
from llm_core.types import StreamEvent

__all__ = ["AsyncHTTP", "HTTPBase", "StreamParser", "SyncHTTP"]


class StreamParser(Protocol):
    """Sans-IO state of one streamed answer: lines in, events out (``ChatStream`` and kin)."""

    @property
    def text(self) -> str:
        """Text received so far (for the GenerationError of a broken stream)."""

    def feed(self, line: Any) -> StreamEvent | None:
        """One line of the body; an event for text, None for anything else."""

    def finish(self) -> StreamEvent:
        """The final event; raises GenerationError if the stream did not end properly."""


class SyncHTTP(HTTPBase):
    """Blocking I/O for HTTP adapters (one pooled httpx2.Client per adapter)."""

    def open_http(self) -> None:
        """Create the connection pool."""
        self.http = httpx2.Client(**self.client_kwargs())

    def close(self) -> None:
        """Close the connection pool."""
        self.http.close()

    def request_json(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        model: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """Send a request and return its decoded JSON answer."""
        try:
            with self.http.stream(method, path, json=body, timeout=self.timeout_for(deadline)) as r:
                data = self._read(r, model)
        except httpx2.HTTPError as exc:
            raise self.transport_error(exc, model, self.url_of(path)) from None
        return self.decode_json(r, data, model)

    def _read(self, r: httpx2.Response, model: str | None) -> bytes:
        if self._fits(r):
            return r.read()
        chunks, size = [], 0
        for chunk in r.iter_bytes():
            size += len(chunk)
            if size > self.max_response_bytes:
                raise self.too_large(r, model)
            chunks.append(chunk)
        return b"".join(chunks)

    @contextmanager
    def open_stream(
        self, method: str, path: str, *, body: Any, model: str | None, deadline: float | None
    ) -> Iterator[httpx2.Response]:
        """Open a streamed response, raising the typed error for an error status."""
        try:
            with self.http.stream(method, path, json=body, timeout=self.timeout_for(deadline)) as r:
                if r.status_code >= 400:
                    raise self.status_error(r, self._read(r, model), model)
                yield r
        except httpx2.HTTPError as exc:
            raise self.transport_error(exc, model, self.url_of(path)) from None

    def stream_events(
        self,
        path: str,
        *,
        body: Any,
        model: str | None,
        deadline: float | None,
        parser: StreamParser,
        lines: Callable[[httpx2.Response], Iterable[Any]],
    ) -> Iterator[StreamEvent]:
        """POST ``body`` and turn each line of the streamed answer into events with ``parser``.

        ``lines(response)`` splits the body (SSE lines, NDJSON records). The deadline is checked
        per line; a transport failure after the status line becomes a GenerationError carrying
        the text received so far.
        """
        with self.open_stream("POST", path, body=body, model=model, deadline=deadline) as r:
            try:
                for line in lines(r):
                    if not line:  # SSE event separators
                        continue
                    event = parser.feed(line)
                    if event is not None:
                        yield event
                    if deadline is not None and time.monotonic() > deadline:
                        raise self.deadline_error(model)
            except httpx2.HTTPError as exc:
                raise self.transport_error(
                    exc, model, str(r.url), partial_text=parser.text
                ) from None
        yield parser.finish()


class AsyncHTTP(HTTPBase):
    """Async I/O for HTTP adapters (one pooled httpx2.AsyncClient per adapter)."""

    def open_http(self) -> None:
        """Create the connection pool."""
        self.http = httpx2.AsyncClient(**self.client_kwargs())

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def request_json(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        model: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """Send a request and return its decoded JSON answer."""
        try:
            async with self.http.stream(
                method, path, json=body, timeout=self.timeout_for(deadline)
            ) as r:
                data = await self._read(r, model)
        except httpx2.HTTPError as exc:
            raise self.transport_error(exc, model, self.url_of(path)) from None
        return self.decode_json(r, data, model)

    async def _read(self, r: httpx2.Response, model: str | None) -> bytes:
        if self._fits(r):
            return await r.aread()
        chunks, size = [], 0
        async for chunk in r.aiter_bytes():
            size += len(chunk)
            if size > self.max_response_bytes:
                raise self.too_large(r, model)
            chunks.append(chunk)
        return b"".join(chunks)

    @asynccontextmanager
    async def open_stream(
        self, method: str, path: str, *, body: Any, model: str | None, deadline: float | None
    ) -> AsyncIterator[httpx2.Response]:
        """Open a streamed response, raising the typed error for an error status."""
        try:
            async with self.http.stream(
                method, path, json=body, timeout=self.timeout_for(deadline)
            ) as r:
                if r.status_code >= 400:
                    raise self.status_error(r, await self._read(r, model), model)
                yield r
        except httpx2.HTTPError as exc:
            raise self.transport_error(exc, model, self.url_of(path)) from None

    async def stream_events(
        self,
        path: str,
        *,
        body: Any,
        model: str | None,
        deadline: float | None,
        parser: StreamParser,
        lines: Callable[[httpx2.Response], AsyncIterable[Any]],
    ) -> AsyncIterator[StreamEvent]:
        """The async twin of :meth:`SyncHTTP.stream_events`."""
        async with self.open_stream("POST", path, body=body, model=model, deadline=deadline) as r:
            try:
                async for line in lines(r):
                    if not line:
                        continue
                    event = parser.feed(line)
                    if event is not None:
                        yield event
                    if deadline is not None and time.monotonic() > deadline:
                        raise self.deadline_error(model)
            except httpx2.HTTPError as exc:
                raise self.transport_error(
                    exc, model, str(r.url), partial_text=parser.text
                ) from None
        yield parser.finish()
