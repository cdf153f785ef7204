"""The optional aiohttp transport of the async shell (``transport="aiohttp"``).

:class:`AiohttpClient` duck-types the part of ``httpx2.AsyncClient`` that
:class:`~llm_core.http.AsyncHTTPAdapter` uses -- ``stream(method, path, json=, timeout=)`` and
``aclose()`` -- on one ``aiohttp.ClientSession``, so the shell, its framing, budgets and error
translation stay the same. Its failures are raised as httpx2's exception classes (``from None``:
no aiohttp exception is reachable from the error; see :mod:`llm_core.http.aiohttp_response`),
so the llm-core error tree is identical on both transports. The wall-clock deadline in
:data:`~llm_core.http.deadline.DEADLINE` becomes aiohttp's ``total`` timeout of each operation.
The session is made lazily inside the running loop (adapters may be built outside one) and made
again if the loop changed.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpcore2
import httpx2

from llm_core.errors import ConfigurationError
from llm_core.http.aiohttp_response import FAILURES, Exchange, error_of
from llm_core.http.deadline import DEADLINE
from llm_core.http.json_codec import json_dumps

try:
    import aiohttp

    from llm_core.http.aiohttp_body import UNTIMED, TimedBody
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


def _env_proxy(url: str) -> tuple[Any, dict[str, str] | None]:
    """The proxy the environment names for ``url`` and the headers it needs (its credentials as
    ``Proxy-Authorization``), read once like httpx2 does at client creation; aiohttp's
    ``trust_env`` would look it (and ~/.netrc) up per request in a worker thread, which costs
    more than the request."""
    from aiohttp.helpers import get_env_proxy_for_url
    from yarl import URL

    try:
        proxy, auth = get_env_proxy_for_url(URL(url))
    except LookupError:
        return None, None
    return proxy, None if auth is None else {"Proxy-Authorization": auth.encode()}


_JSON_HEADERS = {"content-type": "application/json"}  # aiohttp copies it into each request


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
        # The proxy's credentials as a header (aiohttp deprecates ``proxy_auth``): on the CONNECT
        # of an https server's tunnel, else on every request, which goes to the proxy itself.
        self._proxy, credentials = _env_proxy(self.base_url)
        tunnel = self.base_url.startswith("https:")
        self._proxy_headers = credentials if tunnel else None
        if credentials and not tunnel:
            self.headers.update(credentials)
        self._session: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._usual = _phases(timeout, None)  # no deadline, the configured phases: built once

    def _session_now(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop or self._session.closed:
            # the CA store is loaded (~15 ms) only for an https server
            # httpx2's own default context: SSL_CERT_FILE / SSL_CERT_DIR, else the system's
            # store, so one server is trusted the same on both transports
            tls = httpcore2.default_ssl_context() if self.base_url.startswith("https:") else True
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

    def _body(self, json: Any) -> Any:
        if json is None:
            return None
        data = json_dumps(json)
        if len(data) <= UNTIMED or self.timeout.write is None:
            return data
        return TimedBody(data, self.timeout.write)  # a large body: each slice within the timeout

    def stream(self, method: str, path: str, *, json: Any = None, timeout: Any = None) -> Exchange:
        """Send a request; ``async with`` gives its response with the body unread (httpx2's
        ``stream``)."""
        return Exchange(self, method, path, json, timeout)

    async def send(self, method: str, path: str, json: Any, timeout: Any) -> tuple[Any, str]:
        """The raw aiohttp response of one request, its failures as httpx2 errors."""
        url = self.base_url + path
        try:
            raw = await self._session_now().request(
                method,
                url,
                data=self._body(json),
                headers=_JSON_HEADERS if json is not None else None,
                allow_redirects=False,
                proxy=self._proxy,
                proxy_headers=self._proxy_headers,
                timeout=self._client_timeout(timeout),
            )
        except FAILURES as exc:
            error = error_of(exc)
        else:
            return raw, url
        raise error from None

    async def aclose(self) -> None:
        """Close the session and its pool (if one was made)."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None
