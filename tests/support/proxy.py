"""A forwarding HTTP proxy on a real loopback socket, for the transports' proxy tests.

A client sends a proxy its requests in absolute form (``POST http://host:port/path``); this one
records each (``seen``: target and Proxy-Authorization), sends it on to the named server with
``http.client`` and hands the whole answer back (a stream arrives in one piece, which a stream
parser reads the same). A ``CONNECT host:port`` (an ``https`` server) opens a tunnel: bytes
are piped both ways until either side closes.
"""

from __future__ import annotations

import http.client
import socket
import threading
from contextlib import suppress
from urllib.parse import urlsplit

from .faults import Abort
from .httpserver import HTTPServer, Reply, Request

__all__ = ["ForwardProxy"]

_HOP = {"connection", "keep-alive", "proxy-connection", "proxy-authorization", "host"}


class ForwardProxy(HTTPServer):
    """``with ForwardProxy() as proxy``: ``proxy.url`` for ``HTTP_PROXY``; ``proxy.seen`` lists
    ``(target, proxy_authorization)`` per request."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str | None]] = []

    def handle(self, req: Request) -> Reply:
        self.seen.append((req.target, req.headers.get("proxy-authorization")))
        if req.method == "CONNECT":
            self._tunnel(req)
        target = urlsplit(req.target)
        if target.scheme != "http" or not target.hostname:
            return Reply(400, body=f"not a proxy request: {req.target}")
        upstream = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=10)
        try:
            path = target.path + (f"?{target.query}" if target.query else "")
            headers = {k: v for k, v in req.headers.items() if k.lower() not in _HOP}
            upstream.request(req.method, path or "/", body=req.body or None, headers=headers)
            answer = upstream.getresponse()
            body = answer.read()
            kind = answer.getheader("content-type")
            return Reply(answer.status, body=body, content_type=kind)
        finally:
            upstream.close()

    def _tunnel(self, req: Request) -> None:
        host, _, port = req.target.rpartition(":")
        client = req.conn.sock  # type: ignore[union-attr]
        upstream = socket.create_connection((host, int(port)), timeout=10)
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")

        def pipe(source: socket.socket, sink: socket.socket) -> None:
            with suppress(OSError):
                while data := source.recv(65536):
                    sink.sendall(data)
            with suppress(OSError):
                sink.shutdown(socket.SHUT_WR)

        back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
        back.start()
        pipe(client, upstream)
        back.join(10)
        upstream.close()
        raise Abort  # the connection was the tunnel's: nothing more to answer on it
