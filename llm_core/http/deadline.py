"""The call's total deadline on the wall clock, down to every socket operation.

httpx2's read timeout restarts on every byte, so a server dripping one byte at a time would
keep a call alive forever. Here the deadline (a ``time.monotonic()`` instant) is carried in a
context variable while the shells do I/O, and the network backend of each pooled httpx2 client
is wrapped so that every connect, read and write waits at most ``min(its timeout, time left)``
and fails at once when no time is left (:func:`install`). The shells set the variable only
around one operation at a time -- opening a response (:func:`guard`), reading one chunk
(:func:`chunks`, :func:`achunks`) -- so two streams interleaved in one thread never see each
other's deadline. With no deadline nothing is wrapped per call.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore2

__all__ = ["DEADLINE", "achunks", "chunks", "guard", "install", "reached"]

#: The deadline of the I/O operation running in this context (None: no deadline).
DEADLINE: ContextVar[float | None] = ContextVar("llm_core_deadline", default=None)
#: A timeout that fires this close to the deadline is the deadline's.
SLACK = 0.005


def reached(deadline: float | None) -> bool:
    """Whether ``deadline`` has (all but) passed."""
    return deadline is not None and time.monotonic() >= deadline - SLACK


def _fit(timeout: float | None, kind: type[Exception]) -> float | None:
    deadline = DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise kind("the call's total deadline was reached")
    return left if timeout is None or left < timeout else timeout


class _Stream(httpcore2.NetworkStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _fit(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _fit(timeout, httpcore2.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: Any = None, timeout: Any = None) -> Any:
        timeout = _fit(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncStream(httpcore2.AsyncNetworkStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    # Plain functions handing back the inner stream's awaitable: no coroutine frame of our own
    # on every read and write (httpcore2 awaits what they return).
    def read(self, max_bytes: int, timeout: float | None = None) -> Any:  # type: ignore[override]
        return self._stream.read(max_bytes, _fit(timeout, httpcore2.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> Any:  # type: ignore[override]
        return self._stream.write(buffer, _fit(timeout, httpcore2.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: Any, server_hostname: Any = None, timeout: Any = None
    ) -> Any:
        timeout = _fit(timeout, httpcore2.ConnectTimeout)
        return _AsyncStream(await self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _Backend(httpcore2.NetworkBackend):
    def __init__(self, backend: Any) -> None:
        self._backend = backend

    def connect_tcp(self, host: str, port: int, timeout: Any = None, **kwargs: Any) -> Any:
        timeout = _fit(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._backend.connect_tcp(host, port, timeout, **kwargs))

    def connect_unix_socket(self, path: str, timeout: Any = None, **kwargs: Any) -> Any:
        timeout = _fit(timeout, httpcore2.ConnectTimeout)
        return _Stream(self._backend.connect_unix_socket(path, timeout, **kwargs))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncBackend(httpcore2.AsyncNetworkBackend):
    def __init__(self, backend: Any) -> None:
        self._backend = backend

    async def connect_tcp(self, host: str, port: int, timeout: Any = None, **kwargs: Any) -> Any:
        timeout = _fit(timeout, httpcore2.ConnectTimeout)
        return _AsyncStream(await self._backend.connect_tcp(host, port, timeout, **kwargs))

    async def connect_unix_socket(self, path: str, timeout: Any = None, **kwargs: Any) -> Any:
        timeout = _fit(timeout, httpcore2.ConnectTimeout)
        return _AsyncStream(await self._backend.connect_unix_socket(path, timeout, **kwargs))

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def install(client: Any) -> Any:
    """Wrap the network backend of each of ``client``'s transports (its pool and any proxy
    mounts) so every socket operation fits the deadline in :data:`DEADLINE`; returns ``client``.

    httpx2 has no public setting for the backend of its default transport; the pools keep it
    as ``_network_backend`` (httpcore2's ``ConnectionPool``, ``HTTPProxy``, ``SOCKSProxy``).
    tests/test_hostile_wire.py (its dripping-headers case) fails if that ever changes.
    """
    for transport in (client._transport, *client._mounts.values()):
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None or isinstance(backend, _Backend | _AsyncBackend):
            continue
        is_async = isinstance(backend, httpcore2.AsyncNetworkBackend)
        pool._network_backend = (_AsyncBackend if is_async else _Backend)(backend)
    return client


class _Guard:
    """Opens a response (``with`` or ``async with``) with :data:`DEADLINE` set."""

    __slots__ = ("cm", "deadline")

    def __init__(self, cm: Any, deadline: float) -> None:
        self.cm, self.deadline = cm, deadline

    def __enter__(self) -> Any:
        token = DEADLINE.set(self.deadline)
        try:
            return self.cm.__enter__()
        finally:
            DEADLINE.reset(token)

    def __exit__(self, *exc: Any) -> Any:
        return self.cm.__exit__(*exc)

    async def __aenter__(self) -> Any:
        token = DEADLINE.set(self.deadline)
        try:
            return await self.cm.__aenter__()
        finally:
            DEADLINE.reset(token)

    async def __aexit__(self, *exc: Any) -> Any:
        return await self.cm.__aexit__(*exc)


def guard(cm: Any, deadline: float | None) -> Any:
    """``cm`` (an ``http.stream(...)`` context) entered within ``deadline``; ``cm`` if None."""
    return cm if deadline is None else _Guard(cm, deadline)


def chunks(source: Iterator[bytes], deadline: float | None) -> Iterator[bytes]:
    """The chunks of ``source``, each read within ``deadline`` (``source`` itself if None)."""
    if deadline is None:
        return source
    return _chunks(source, deadline)


def _chunks(source: Iterator[bytes], deadline: float) -> Iterator[bytes]:
    while True:
        token = DEADLINE.set(deadline)
        try:
            chunk = next(source)
        except StopIteration:
            return
        finally:
            DEADLINE.reset(token)
        yield chunk


def achunks(source: AsyncIterator[bytes], deadline: float | None) -> AsyncIterator[bytes]:
    """:func:`chunks` for an async byte stream."""
    if deadline is None:
        return source
    return _achunks(source, deadline)


async def _achunks(source: AsyncIterator[bytes], deadline: float) -> AsyncIterator[bytes]:
    while True:
        token = DEADLINE.set(deadline)
        try:
            chunk = await source.__anext__()
        except StopAsyncIteration:
            return
        finally:
            DEADLINE.reset(token)
        yield chunk
