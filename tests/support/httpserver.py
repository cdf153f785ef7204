"""A small threaded HTTP/1.1 server on a real loopback socket, for emulators and fault tests.

Stdlib only: an accept thread, one daemon thread per connection, a minimal HTTP/1.1 parser on
the raw socket (TCP_NODELAY), over TLS when given a server ``ssl.SSLContext`` (``tls=``). A
fixed body (bytes, str, dict/list as JSON) is sent with Content-Length; any other iterable is a
stream: chunked transfer-encoding, one chunk per non-empty item, each sent at once. Keep-alive
unless the client or ``Reply(close=True)`` says close. A handler may write to
``request.conn.sock`` itself, then ``raise Abort`` to hang up.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from .exchange import Reply, Request, dumps, ndjson_reply, sse_reply
from .faults import Abort, FaultQueue, apply_fault

__all__ = ["Connection", "HTTPServer", "Reply", "Request", "dumps", "ndjson_reply", "sse_reply"]

MAX_LINE = 65536
REASONS = {s.value: s.phrase for s in http.HTTPStatus}


class Connection:
    """One client socket: the request loop plus the raw primitives that faults are made of."""

    def __init__(self, server: HTTPServer, sock: socket.socket):
        self.server, self.sock, self.rfile = server, sock, sock.makefile("rb")

    def run(self) -> None:
        try:
            if self.server.tls is not None:  # the handshake here, not in the accept thread
                self.rfile.close()
                self.sock = self.server.tls.wrap_socket(self.sock, server_side=True)
                self.rfile = self.sock.makefile("rb")
            while not self.server.stopping.is_set():
                req = self.read_request()
                if req is None or not self.server.dispatch(self, req):
                    break
        except (OSError, ValueError, Abort, http.client.HTTPException):
            pass
        except Exception as exc:  # a bug: kept for assertions, never raised in this thread
            self.server.errors.append(exc)
        finally:
            self.close()
            with self.server.lock:
                self.server.threads.pop(self, None)

    def read_request(self) -> Request | None:
        if not (line := self.rfile.readline(MAX_LINE)):
            return None
        method, target, version = line.decode("latin-1").split()
        headers = http.client.parse_headers(self.rfile)
        body = self.rfile.read(int(headers.get("content-length", 0)))
        if "chunked" in headers.get("transfer-encoding", "").lower():
            while size := int(self.rfile.readline(MAX_LINE).split(b";")[0], 16):
                body += self.rfile.read(size + 2)[:size]
            self.rfile.readline(MAX_LINE)  # the blank line after the last chunk (no trailers)
        conn_hdr = headers.get("connection", "").lower()
        keep = "keep-alive" in conn_hdr if version == "HTTP/1.0" else "close" not in conn_hdr
        return Request(method, target, headers, body, keep, self)

    def close(self) -> None:
        self.rfile.close()
        self.sock.close()

    def head(self, status: int, headers: dict[str, Any], keep: bool = True) -> bytes:
        lines = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        close = "" if keep else "Connection: close\r\n"
        return f"HTTP/1.1 {status} {REASONS.get(status, '')}\r\n{lines}{close}\r\n".encode()

    def write_reply(self, req: Request, reply: Reply, pace: Callable | None = None) -> bool:
        """Send ``reply``; returns whether to keep the connection. ``pace(sent, final)`` (used by
        faults) runs before each chunk and before the end; with it a fixed body is streamed."""
        keep = req.keep_alive and not reply.close and not self.server.stopping.is_set()
        hdrs = {"Content-Type": reply.content_type or "application/octet-stream"}
        extra = {k.title(): v for k, v in reply.headers.items()}
        if not (reply.is_stream or pace):
            hdrs = {**hdrs, "Content-Length": len(reply.body), **extra}
            body = b"" if req.method == "HEAD" else reply.body
            self.sock.sendall(self.head(reply.status, hdrs, keep) + body)
            return keep
        hdrs = {**hdrs, "Transfer-Encoding": "chunked", **extra}
        self.sock.sendall(self.head(reply.status, hdrs, keep))
        chunks, sent = reply.body if reply.is_stream else [reply.body], 0
        try:
            for chunk in chunks:
                if data := chunk.encode() if isinstance(chunk, str) else bytes(chunk):
                    pace and pace(sent, False)  # (an empty chunk would end the body: skipped)
                    self.sock.sendall(b"%x\r\n%s\r\n" % (len(data), data))
                    sent += 1
            pace and pace(sent, True)
        except Exception as exc:  # the stream failed: cut it the way a crashing server would
            if not isinstance(exc, OSError):
                self.server.errors.append(exc)
            self.close()
            raise Abort from exc
        finally:
            getattr(chunks, "close", lambda: None)()
        self.sock.sendall(b"0\r\n\r\n")
        return keep


Handler = Callable[[Request], Any]


class HTTPServer:
    """``with HTTPServer() as s: s.route("GET", "/x")(handler)``; ``s.url`` is the base URL.
    A handler takes a Request and returns a Reply, or a body (sent as ``Reply(200, body=...)``);
    route method "*" matches any method. ``fallback`` answers unknown routes; a subclass may
    override ``handle`` (e.g. for auth)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        fallback: Handler | None = None,
        tls: ssl.SSLContext | None = None,
    ):
        self.host, self.port, self.routes, self.tls = host, port, {}, tls
        self.fallback = fallback or (lambda req: Reply(404, body="404 page not found"))
        self.faults, self.requests, self.errors = FaultQueue(), [], []
        self.request_count = self.connection_count = 0
        self.stopping, self.lock = threading.Event(), threading.Lock()
        self.threads: dict[Connection, threading.Thread] = {}
        self._acceptor: threading.Thread | None = None

    def route(self, method: str, path: str) -> Callable[[Handler], Handler]:
        return lambda handler: self.routes.update({(method.upper(), path): handler}) or handler

    def handle(self, req: Request) -> Reply:
        """Route ``req`` (faults aside) to its Reply; a handler error becomes a 500."""
        handler = self.routes.get((req.method, req.path)) or self.routes.get(("*", req.path))
        try:
            reply = (handler or self.fallback)(req)
        except Exception as exc:
            self.errors.append(exc)
            reply = Reply(500, body=f"handler error: {exc!r}")
        return reply if isinstance(reply, Reply) else Reply(200, body=reply)

    def dispatch(self, conn: Connection, req: Request) -> bool:
        with self.lock:
            self.requests.append(req)
            self.request_count += 1
        if (fault := self.faults.take(req.method, req.path)) is not None:
            return apply_fault(fault, conn, req, self.handle)
        return conn.write_reply(req, self.handle(req))

    def count(self, path: str | None = None, method: str | None = None) -> int:
        return sum(path in (None, r.path) and method in (None, r.method) for r in self.requests)

    def open_connections(self) -> int:
        return len(self.threads)

    def start(self) -> HTTPServer:
        self.stopping.clear()
        self._listener = socket.create_server((self.host, self.port), backlog=1024)
        self.port = self._listener.getsockname()[1]
        self.url = f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"
        self._acceptor = threading.Thread(target=self._accept, name="httpserver", daemon=True)
        self._acceptor.start()
        return self

    def _accept(self) -> None:
        while True:
            sock, _ = self._listener.accept()
            if self.stopping.is_set():  # woken by stop()'s own connection
                return sock.close()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection(self, sock)
            thread = threading.Thread(target=conn.run, name="httpserver-conn", daemon=True)
            with self.lock:
                self.threads[conn] = thread
                self.connection_count += 1
            thread.start()

    def stop(self, timeout: float = 1.0) -> None:
        """Stop accepting, close every client connection, join all threads (within timeout)."""
        if self._acceptor is None:
            return
        self.stopping.set()
        socket.create_connection((self.host, self.port), timeout=timeout).close()
        self._acceptor.join(timeout)
        self._listener.close()
        with self.lock:
            threads = dict(self.threads)
        for conn in threads:  # wakes a thread blocked in recv/send; it closes its own socket
            with suppress(OSError):
                conn.sock.shutdown(socket.SHUT_RDWR)
        for thread in threads.values():
            thread.join(timeout / 2)
        self._acceptor = None

    def __enter__(self) -> HTTPServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
