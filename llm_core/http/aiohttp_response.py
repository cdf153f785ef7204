"""The response side of the aiohttp transport (:mod:`llm_core.http.aiohttp_session`): one
request as an ``async with`` (:class:`Exchange`), the response the shell reads
(:class:`AiohttpResponse`, with ``read_within`` for a whole body), and aiohttp's failures as
httpx2's exception classes (:func:`error_of`), so the llm-core error tree is the same on both
transports.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx2

try:
    import aiohttp

    from llm_core.http.aiohttp_body import WriteTimeout
except ImportError:  # pragma: no cover - the session refuses to start first
    aiohttp = None  # type: ignore[assignment]

__all__ = ["FAILURES", "AiohttpResponse", "Exchange", "error_of"]


def error_of(exc: BaseException) -> httpx2.HTTPError:
    """The httpx2 exception class standing for an aiohttp (or socket) failure."""
    text = str(exc) or type(exc).__name__
    if isinstance(exc, WriteTimeout):
        return httpx2.WriteTimeout(text)
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        return httpx2.ConnectTimeout(text)
    if isinstance(exc, aiohttp.SocketTimeoutError):
        return httpx2.ReadTimeout(text)
    if isinstance(exc, asyncio.TimeoutError | TimeoutError):
        return httpx2.ReadTimeout(text)  # the total: the deadline, which the shell reports
    if isinstance(exc, aiohttp.ClientConnectorError):
        return httpx2.ConnectError(text)
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return httpx2.RemoteProtocolError(text)
    return httpx2.ReadError(text)


FAILURES: tuple[type[BaseException], ...] = (
    (aiohttp.ClientError, OSError, asyncio.TimeoutError) if aiohttp is not None else ()
)


class AiohttpResponse:
    """What the shell reads of a response: status, headers, URL and the body's chunks.

    ``headers`` is aiohttp's own case-insensitive mapping and ``url`` a ``str`` (the shell only
    calls ``.get`` on one and ``str`` on the other), so a response costs no copies."""

    __slots__ = ("_raw", "headers", "status_code", "url")

    def __init__(self, raw: Any, url: str) -> None:
        self._raw = raw
        self.status_code: int = raw.status
        self.headers = raw.headers
        self.url = url

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The decoded body's chunks as they arrive (the session's ``total`` holds the
        deadline)."""
        chunks = self._raw.content.iter_any().__aiter__()
        while True:
            try:
                chunk = await chunks.__anext__()
            except StopAsyncIteration:
                return
            except FAILURES as exc:
                error = error_of(exc)
            else:
                yield chunk
                continue
            raise error from None

    async def read_within(self, budget: Any) -> bytes:
        """The whole body, counted by ``budget`` (a :class:`~llm_core.http.framing.Budget`):
        read in one go when the server declared an uncompressed length within the budget's
        byte limit, else chunk by chunk (so a false or missing length cannot buffer more)."""
        raw, take, cap = self._raw, budget.take, budget.max_bytes
        length = raw.content_length
        try:
            if (
                length is not None
                and (cap is None or length <= cap)
                and "Content-Encoding" not in raw.headers
            ):
                return take(await raw.content.readexactly(length))
            return b"".join([take(c) async for c in raw.content.iter_any()])
        except asyncio.IncompleteReadError:
            error: httpx2.HTTPError = httpx2.RemoteProtocolError("the body ended early")
        except FAILURES as exc:
            error = error_of(exc)
        raise error from None


class Exchange:
    """One request as an async context manager (a class: cheaper than a generator-based one
    on every call). Leaving it normally hands the connection back to the pool; leaving it on
    an error or a cancel with the body unread closes the connection, its socket closed on this
    loop turn (as httpx2 does)."""

    __slots__ = ("args", "client", "raw")

    def __init__(self, client: Any, *args: Any) -> None:
        self.client, self.args, self.raw = client, args, None

    async def __aenter__(self) -> AiohttpResponse:
        self.raw, url = await self.client.send(*self.args)
        return AiohttpResponse(self.raw, url)

    async def __aexit__(self, kind: Any, *_: Any) -> bool:
        if kind is None:
            self.raw.release()
        else:
            self.raw.close()
            await asyncio.sleep(0)
        return False
