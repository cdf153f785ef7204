"""Fault injection for the test HTTP servers: each fault really happens on the socket.

``server.faults.push(Fault.error(503), times=2, path="/v1/chat/completions")`` applies a fault
to the next ``times`` requests matching ``path``/``method`` (None: any; ``times=None``: until
``server.faults.clear()``), in push order; other requests are served normally. Sleeps end early
on ``server.stop()``, which then drops the connection. ``server.faults.fired`` logs each use.

What a sync ``httpx2.Client`` sees (asserted in tests/test_support_servers.py):

  Fault                          on the socket                          httpx2 raises
  error(), rate_limited()        a 4xx/5xx with a JSON error body       nothing (a status)
  refused_url() (no fault)       nothing listens: the SYN gets an RST   ConnectError
  reset()                        request read, RST before any byte      ReadError (ECONNRESET)
  drop_mid_body()                Content-Length N, N//2 bytes, FIN      RemoteProtocolError
  drop_mid_stream(after=k)       k chunks, FIN, no last chunk           RemoteProtocolError
  drop_mid_*(hard=True)          the same, but an RST                   ReadError (ECONNRESET)
  slow_headers(d), timeout < d   silence for d seconds, then the reply  ReadTimeout
  slow_body(d), timeout < d      headers, then d before each chunk      ReadTimeout
  malformed_json()               200 application/json, cut-off JSON     none; .json(): ValueError
  wrong_content_type()           200 text/html (an nginx error page)    none; .json(): ValueError
  oversized(size)                200 application/json, size bytes       none (all read in memory)

With ``client.stream(...)`` the status (and the first k events) arrive first and the error comes
while iterating. ValueError is json.JSONDecodeError. ReadTimeout is a TimeoutException; the rest
are TransportErrors. ``stop()`` during a slow fault sends a FIN: "Server disconnected without
sending a response." (RemoteProtocolError).
"""

from __future__ import annotations

import atexit
import email.utils
import socket
import struct
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .httpserver import Connection, Request


class Abort(BaseException):
    """Ends a connection on purpose, or because the server is stopping."""


def sleep(conn: Connection, seconds: float) -> None:
    """Sleep, unless the server stops first (then drop the connection)."""
    if seconds > 0 and conn.server.stopping.wait(seconds):
        raise Abort


def hang_up(conn: Connection, hard: bool = False) -> None:
    """Close the socket now: a FIN, or with ``hard`` a TCP RST (SO_LINGER 0), and stop serving."""
    if hard:
        with suppress(OSError):
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
    raise Abort


def _error(status: int, message: str, kind: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message, "type": kind}}


JSON = "application/json"
HTML = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"


@dataclass(frozen=True)
class Fault:
    kind: str
    status: int = 200
    body: Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    delay: float = 0.0  # slow_headers / slow_body
    after: int = 0  # drop_stream: chunks sent before the drop
    hard: bool = False  # drops: RST instead of FIN
    size: int = 0  # oversized
    date_in: float | None = None  # Retry-After as an HTTP date this many seconds from now

    @classmethod
    def error(cls, status: int = 500, body: Any = None, headers: dict | None = None) -> Fault:
        """A status error (JSON ``{"error": ...}`` body unless given); the route is not called."""
        body = _error(status, f"injected {status}", "server_error") if body is None else body
        return cls("reply", status, body, headers or {})

    @classmethod
    def rate_limited(cls, seconds: float | None = None, *, as_date: bool = False,
                     ms: int | None = None, status: int = 429) -> Fault:  # fmt: skip
        """429 (or 503...) with ``Retry-After: <seconds>``, or as an HTTP date (1 s resolution)
        with ``as_date``, and/or ``retry-after-ms: <ms>``."""
        headers = {} if seconds is None or as_date else {"Retry-After": f"{seconds:g}"}
        headers |= {} if ms is None else {"retry-after-ms": str(ms)}
        body = _error(status, "rate limited (injected)", "rate_limit_error")
        return cls("reply", status, body, headers, date_in=seconds if as_date else None)

    @classmethod
    def reset(cls) -> Fault:
        """Read the request, then RST the connection before any byte of the response."""
        return cls("reset")

    @classmethod
    def drop_mid_body(cls, hard: bool = False) -> Fault:
        """Real reply, framed with its full Content-Length, but only half the body is sent."""
        return cls("drop_body", hard=hard)

    @classmethod
    def drop_mid_stream(cls, after: int = 1, hard: bool = False) -> Fault:
        """Real reply, chunked; after ``after`` chunks (SSE events) close, no final chunk."""
        return cls("drop_stream", after=after, hard=hard)

    @classmethod
    def slow_headers(cls, delay: float) -> Fault:
        return cls("slow_headers", delay=delay)

    @classmethod
    def slow_body(cls, delay: float) -> Fault:
        """Headers at once, then ``delay`` before each chunk (a fixed body is one chunk)."""
        return cls("slow_body", delay=delay)

    @classmethod
    def malformed_json(cls) -> Fault:
        return cls("reply", 200, b'{"choices": [{"message": {"content": "cut', {}, JSON)

    @classmethod
    def wrong_content_type(cls, status: int = 200) -> Fault:
        return cls("reply", status, HTML, {}, "text/html; charset=utf-8")

    @classmethod
    def oversized(cls, size: int = 8 * 1024 * 1024) -> Fault:
        """200 ``application/json`` with ``size`` bytes of JSON-ish garbage (Content-Length)."""
        return cls("oversized", size=size)

    @classmethod
    def custom(cls, fn: Callable[[Connection, Request, Callable], bool]) -> Fault:
        """``fn(conn, request, handle)`` does anything; returns keep-alive (or raises Abort)."""
        return cls("custom", body=fn)


@dataclass
class Entry:
    fault: Fault
    times: int | None
    path: str | None
    method: str | None
    hits: int = 0


class FaultQueue:
    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.fired: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    def push(self, fault: Fault, times: int | None = 1, path: str | None = None,
             method: str | None = None) -> Entry:  # fmt: skip
        self.entries.append(entry := Entry(fault, times, path, method and method.upper()))
        return entry

    def clear(self) -> None:
        self.entries.clear()

    def __len__(self) -> int:
        return len(self.entries)

    def take(self, method: str, path: str) -> Fault | None:
        if not self.entries:
            return None
        with self._lock:
            for e in self.entries:
                if e.path in (None, path) and e.method in (None, method):
                    e.hits += 1
                    if e.times is not None and e.hits >= e.times:
                        self.entries.remove(e)
                    self.fired.append((e.fault.kind, method, path))
                    return e.fault
        return None


def apply_fault(fault: Fault, conn: Connection, req: Request, handle: Callable) -> bool:
    """Serve ``req`` with ``fault``; returns whether to keep the connection."""
    from .httpserver import Reply  # (httpserver imports this module)

    kind = fault.kind
    if kind == "reset":
        hang_up(conn, hard=True)
    if kind == "custom":
        return fault.body(conn, req, handle)
    if kind == "reply":
        headers = dict(fault.headers)
        if fault.date_in is not None:
            when = time.time() + fault.date_in
            headers["Retry-After"] = email.utils.formatdate(when, usegmt=True)
        return conn.write_reply(req, Reply(fault.status, headers, fault.body, fault.content_type))
    if kind == "oversized":
        unit = b'{"id":"0123456789abcdef","v":[1,2,3],"s":"lorem ipsum"},'  # JSON-ish garbage
        data = memoryview((b'{"data":[' + unit * 20000)[: min(fault.size, 1 << 20)])
        head = {"Content-Type": JSON, "Content-Length": fault.size}
        conn.sock.sendall(conn.head(200, head, req.keep_alive))
        for start in range(0, fault.size, len(data)):
            conn.sock.sendall(data[: fault.size - start])
        return req.keep_alive
    if kind == "slow_headers":
        sleep(conn, fault.delay)
        return conn.write_reply(req, handle(req))
    reply = handle(req)
    if kind == "slow_body":
        return conn.write_reply(req, reply, pace=lambda n, final: final or sleep(conn, fault.delay))
    if kind == "drop_stream":

        def pace(sent: int, final: bool) -> None:
            if final or sent >= fault.after:
                hang_up(conn, fault.hard)

        return conn.write_reply(req, reply, pace=pace)
    if kind == "drop_body":
        chunks = reply.body if reply.is_stream else [reply.body]
        body = b"".join(c.encode() if isinstance(c, str) else c for c in chunks)
        body = body if len(body) > 1 else b'{"padding":"' + b"x" * 64 + b'"}'
        head = {"Content-Type": reply.content_type or JSON, **reply.headers}
        conn.sock.sendall(conn.head(reply.status, {**head, "Content-Length": len(body)}))
        conn.sock.sendall(body[: len(body) // 2])
        hang_up(conn, fault.hard)
    raise ValueError(f"unknown fault kind {kind!r}")


_RESERVED: list[socket.socket] = []
atexit.register(lambda: [s.close() for s in _RESERVED])


def unused_port() -> int:
    """A loopback port bound by a socket that never listens (so no one else takes it): connecting
    to it is refused at once. The socket is held until the process exits."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    _RESERVED.append(sock)
    return sock.getsockname()[1]


def refused_url() -> str:
    return f"http://127.0.0.1:{unused_port()}"
