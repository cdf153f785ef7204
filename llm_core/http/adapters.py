"""The sync and async shells of every HTTP provider: one pooled httpx2 client, the I/O of the
protocol's flows, and the one streaming loop.

:class:`HTTPAdapter` runs a :class:`~llm_core.http.HTTPProtocol`'s flows blocking,
:class:`AsyncHTTPAdapter` awaits them; ``shells_for(Protocol)`` makes the two classes for a
protocol registered with ``register(name, protocol=...)``. Transport retries are off (the core's
retry layer is the only one) and redirects are not followed, so an API key is only ever sent to
the host it was configured for. Every socket operation of a call fits its deadline
(:mod:`llm_core.http.deadline`); bodies are read within their limits (:mod:`.framing`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import httpx2

from llm_core.adapter import Adapter, AsyncAdapter
from llm_core.config import ProviderConfig
from llm_core.flow import arun, run, runs_flow
from llm_core.http.client import HTTPClient
from llm_core.http.deadline import achunks, chunks, guard, install
from llm_core.http.streaming import StreamSpec
from llm_core.request import Request
from llm_core.types import Health, ModelInfo, Response, StreamEvent

__all__ = ["AsyncHTTPAdapter", "HTTPAdapter"]


class HTTPAdapter(HTTPClient, Adapter):
    """Blocking shell: runs the protocol's flows with one pooled ``httpx2.Client``."""

    drive = staticmethod(run)

    def __init__(self, config: ProviderConfig) -> None:
        Adapter.__init__(self, config)
        self.http = install(httpx2.Client(**self.client_kwargs()))

    @runs_flow
    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        return run(self.generate_flow(request, deadline))

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        return self.iter_spec(self.stream_flow(request, deadline))

    def list_models(self) -> list[ModelInfo]:
        return run(self.list_models_flow())

    def health_check(self) -> Health:
        return run(self.health_check_flow())

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
        r, data = self._send(method, path, body, model, deadline)
        return self.decode_json(r.status_code, r.headers, data, model, str(r.url))

    def request_text(self, path: str, *, deadline: float | None = None) -> str:
        """GET ``path``: the first 200 characters of its text body."""
        return self.text_of(*self._send("GET", path, None, None, deadline))

    def _send(
        self, method: str, path: str, body: Any, model: str | None, deadline: float | None
    ) -> tuple[httpx2.Response, bytes]:
        try:
            timeout = self.timeout_for(deadline)
            with guard(self.http.stream(method, path, json=body, timeout=timeout), deadline) as r:
                return r, self._read(r, model, deadline)
        except httpx2.HTTPError as exc:
            error = self.transport_error(exc, model, self.url_of(path), None, deadline)
        raise error  # raised outside the except: no raw transport error in __context__

    def _read(self, r: httpx2.Response, model: str | None, deadline: float | None) -> bytes:
        budget = self.budget(r, model, deadline)
        return b"".join([budget.take(c) for c in chunks(r.iter_bytes(), deadline)])

    @contextmanager
    def open_stream(self, spec: StreamSpec) -> Iterator[httpx2.Response]:
        """Open a streamed response, raising the typed error for an error status."""
        timeout, deadline = self.timeout_for(spec.deadline), spec.deadline
        cm = self.http.stream(spec.method, spec.path, json=spec.body, timeout=timeout)
        try:
            with guard(cm, deadline) as r:
                if r.status_code >= 400:
                    raise self._error_of(r, self._read(r, spec.model, deadline), spec.model)
                yield r
                return
        except httpx2.HTTPError as exc:
            error = self.transport_error(exc, spec.model, self.url_of(spec.path), None, deadline)
        raise error  # on entering (not inside a with body): no raw error in __context__

    def iter_spec(self, flow: Any) -> Iterator[Any]:
        """The one streaming loop: open the stream ``flow`` ends in, parse it line by line."""
        spec = run(self.flow_of(flow))
        feed = spec.parser.feed
        with self.open_stream(spec) as r:
            framer = self.framer(r, spec)
            try:
                for chunk in chunks(r.iter_bytes(), spec.deadline):
                    yield from framer.items(chunk, feed)
                yield from framer.items(None, feed)
                error = None
            except httpx2.HTTPError as exc:
                text, url = spec.parser.text, str(r.url)
                error = self.transport_error(exc, spec.model, url, text, spec.deadline)
        if error is not None:  # raised outside the except: no raw transport error in __context__
            raise error
        final = spec.parser.finish()
        if final is not None:
            yield final

    def consume(self, spec: StreamSpec, each: Any = None) -> Any:
        """Run ``spec``'s stream to its end, calling ``each(item)``; return the last item."""
        last = None
        for last in self.iter_spec(spec):
            if each is not None:
                each(last)
        return last


class AsyncHTTPAdapter(HTTPClient, AsyncAdapter):
    """Async shell: awaits the protocol's flows with one pooled ``httpx2.AsyncClient``, or an
    aiohttp session with ``transport="aiohttp"`` (the sync shell always uses httpx2)."""

    drive = staticmethod(arun)

    def __init__(self, config: ProviderConfig) -> None:
        AsyncAdapter.__init__(self, config)
        if getattr(config, "transport", "httpx2") == "aiohttp":
            from llm_core.http.aiohttp_session import AiohttpClient  # optional: import on use

            self.http = AiohttpClient(**self.client_kwargs())
        else:
            self.http = install(httpx2.AsyncClient(**self.client_kwargs()))

    @runs_flow
    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        return await arun(self.generate_flow(request, deadline))

    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        return self.iter_spec(self.stream_flow(request, deadline))

    async def list_models(self) -> list[ModelInfo]:
        return await arun(self.list_models_flow())

    async def health_check(self) -> Health:
        return await arun(self.health_check_flow())

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
        r, data = await self._send(method, path, body, model, deadline)
        return self.decode_json(r.status_code, r.headers, data, model, str(r.url))

    async def request_text(self, path: str, *, deadline: float | None = None) -> str:
        """GET ``path``: the first 200 characters of its text body."""
        return self.text_of(*await self._send("GET", path, None, None, deadline))

    async def _send(
        self, method: str, path: str, body: Any, model: str | None, deadline: float | None
    ) -> tuple[httpx2.Response, bytes]:
        try:
            timeout = self.timeout_for(deadline)
            cm = self.http.stream(method, path, json=body, timeout=timeout)
            async with guard(cm, deadline) as r:
                return r, await self._read(r, model, deadline)
        except httpx2.HTTPError as exc:
            error = self.transport_error(exc, model, self.url_of(path), None, deadline)
        raise error  # raised outside the except: no raw transport error in __context__

    async def _read(self, r: httpx2.Response, model: str | None, deadline: float | None) -> bytes:
        budget = self.budget(r, model, deadline)
        read_within = getattr(r, "read_within", None)  # a transport's own whole-body read
        if read_within is not None:
            return await read_within(budget)
        return b"".join([budget.take(c) async for c in achunks(r.aiter_bytes(), deadline)])

    @asynccontextmanager
    async def open_stream(self, spec: StreamSpec) -> AsyncIterator[httpx2.Response]:
        """Open a streamed response, raising the typed error for an error status."""
        timeout, deadline = self.timeout_for(spec.deadline), spec.deadline
        cm = self.http.stream(spec.method, spec.path, json=spec.body, timeout=timeout)
        try:
            async with guard(cm, deadline) as r:
                if r.status_code >= 400:
                    body = await self._read(r, spec.model, deadline)
                    raise self._error_of(r, body, spec.model)
                yield r
                return
        except httpx2.HTTPError as exc:
            error = self.transport_error(exc, spec.model, self.url_of(spec.path), None, deadline)
        raise error  # on entering (not inside a with body): no raw error in __context__

    async def iter_spec(self, flow: Any) -> AsyncIterator[Any]:
        """The one streaming loop: open the stream ``flow`` ends in, parse it line by line."""
        spec = await arun(self.flow_of(flow))
        feed = spec.parser.feed
        async with self.open_stream(spec) as r:
            framer = self.framer(r, spec)
            try:
                async for chunk in achunks(r.aiter_bytes(), spec.deadline):
                    for item in framer.items(chunk, feed):
                        yield item
                for item in framer.items(None, feed):
                    yield item
                error = None
            except httpx2.HTTPError as exc:
                text, url = spec.parser.text, str(r.url)
                error = self.transport_error(exc, spec.model, url, text, spec.deadline)
        if error is not None:  # raised outside the except: no raw transport error in __context__
            raise error
        final = spec.parser.finish()
        if final is not None:
            yield final

    async def consume(self, spec: StreamSpec, each: Any = None) -> Any:
        """Run ``spec``'s stream to its end, calling ``each(item)``; return the last item."""
        last = None
        async for last in self.iter_spec(spec):
            if each is not None:
                each(last)
        return last
