"""The optional aiohttp transport of the async shell (``transport="aiohttp"``).

:class:`AiohttpClient` duck-types the part of ``httpx2.AsyncClient`` that
:class:`~llm_core.http.AsyncHTTPAdapter` uses -- ``stream(method, path, json=, timeout=)`` and
``aclose()`` -- on one ``aiohttp.ClientSession``, so the shell, its framing, budgets and error
translation stay the same. Its failures are raised as httpx2's exception classes (``from None``:
no aiohttp exception is reachable from the error), so the llm-core error tree is identical on
both transports. The wall-clock deadline in :data:`~llm_core.http.deadline.DEADLINE` becomes
aiohttp's ``total`` timeout of each operation. The session is made lazily inside the running
loop (adapters may be built outside one) and made again if the loop changed.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2

from llm_core.errors import ConfigurationError
from llm_core.http.deadline import DEADLINE

try:
    import aiohttp
except ImportError:  # pragma: no cover - exercised by the missing-extra test
    aiohttp = None  # type: ignore[assignment]

__all__ = ["AiohttpClient", "require_aiohttp"]

#: The pool size of httpx2's client (``max_connections``), kept on this transport.
POOL_LIMIT = 64


def require_aiohttp() -> None:
    """Raise :class:`ConfigurationError` naming the extra when aiohttp is not installed."""
    if aiohttp is None:
        raise ConfigurationError(
            "transport='aiohttp' needs the aiohttp package",
            hint="pip install 'llm-core[aiohttp]', or set transport='httpx2'.",
        )


def _ssl_context() -> ssl.SSLContext | bool:
    try:
        import certifi
    except ImportError:  # httpx2 uses certifi when it is there; otherwise the system's store
        return True
    return ssl.create_default_context(cafile=certifi.where())


def _env_proxy(url: str) -> tuple[Any, Any]:
    """The proxy (and its auth) the environment names for ``url``, read once like httpx2 does
    at client creation; aiohttp's ``trust_env`` would look it (and ~/.netrc) up per request in
    a worker thread, which costs more than the request."""
    from aiohttp.helpers import get_env_proxy_for_url
    from yarl import URL

    try:
        return get_env_proxy_for_url(URL(url))
    except LookupError:
        return None, None


_JSON_HEADERS = {"content-type": "application/json"}  # aiohttp copies it into each request


def _body(json: Any) -> bytes | None:
    # httpx2's JSON encoding: compact separators, non-ASCII kept, NaN refused.
    if json is None:
        return None
    text = jsonlib.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.encode("utf-8")


def _error(exc: BaseException) -> httpx2.HTTPError:
    """The httpx2 exception class standing for an aiohttp (or socket) failure."""
    text = str(exc) or type(exc).__name__
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


_FAILURES: tuple[type[BaseException], ...] = (
    (aiohttp.ClientError, OSError, asyncio.TimeoutError) if aiohttp is not None else ()
)


class _Response:
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
            except _FAILURES as exc:
                error = _error(exc)
            else:
                yield chunk
                continue
            raise error from None

    async def aread(self, budget: Any) -> bytes:
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
        except _FAILURES as exc:
            error = _error(exc)
        raise error from None


def _left() -> float | None:
    deadline = DEADLINE.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpx2.ConnectTimeout("the call's total deadline was reached")
    return left


def _phases(t: httpx2.Timeout, total: float | None) -> Any:
    connect = None if t.connect is None else t.connect + (t.pool or 0.0)
    return aiohttp.ClientTimeout(
        total=total, connect=connect, sock_connect=t.connect, sock_read=t.read
    )


class AiohttpClient:
    """The ``stream`` / ``aclose`` subset of ``httpx2.AsyncClient`` on an aiohttp session."""

    def __init__(self, base_url: str, headers: Any, timeout: httpx2.Timeout, **_: Any) -> None:
        require_aiohttp()
        self.base_url = str(base_url).rstrip("/")
        self.headers = dict(headers or {})
        self.timeout = timeout
        self._proxy, self._proxy_auth = _env_proxy(self.base_url)
        self._session: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._usual = _phases(timeout, None)  # no deadline, the configured phases: built once

    def _session_now(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop or self._session.closed:
            # certifi's store is loaded (~15 ms) only for an https server
            tls = _ssl_context() if self.base_url.startswith("https:") else True
            connector = aiohttp.TCPConnector(limit=POOL_LIMIT, ssl=tls)
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers=self.headers,
                trust_env=False,  # the environment's proxy is read once (_env_proxy)
                auto_decompress=True,
            )
            self._loop = loop
        return self._session

    def _client_timeout(self, timeout: Any) -> Any:
        # ``timeout`` is timeout_for's answer: the configured phases fitted to the deadline,
        # or httpx2.USE_CLIENT_DEFAULT. The deadline itself (DEADLINE) is the total.
        if isinstance(timeout, httpx2.Timeout):
            return _phases(timeout, _left())
        return self._usual if DEADLINE.get() is None else _phases(self.timeout, _left())

    @asynccontextmanager
    async def stream(
        self, method: str, path: str, *, json: Any = None, timeout: Any = None
    ) -> AsyncIterator[_Response]:
        """Send a request; yield its response with the body unread (httpx2's ``stream``)."""
        url = self.base_url + path
        headers = _JSON_HEADERS if json is not None else None
        try:
            raw = await self._session_now().request(
                method,
                url,
                data=_body(json),
                headers=headers,
                allow_redirects=False,
                proxy=self._proxy,
                proxy_auth=self._proxy_auth,
                timeout=self._client_timeout(timeout),
            )
        except _FAILURES as exc:
            error = _error(exc)
        else:
            try:
                yield _Response(raw, url)
            except BaseException:
                raw.close()  # a body left unread (an error, a cancel): the connection goes,
                await asyncio.sleep(0)  # its socket closed on this loop turn (as httpx2 does)
                raise
            raw.release()
            return
        raise error from None

    async def aclose(self) -> None:
        """Close the session and its pool (if one was made)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
