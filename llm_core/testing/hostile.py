"""A loopback HTTP server that answers every request with a hostile 200 body, for checking that
an adapter keeps its total deadline and its byte limits.

Behaviours (``HostileServer(kind, ...)``):

- ``"drip"``: one byte every ``interval`` seconds, forever (``length`` sets a Content-Length the
  body never reaches, as a slow JSON answer would; ``drip_head`` drips the headers too).
- ``"endless"``: ``pattern`` (e.g. ``b"\\n"`` blank lines, ``b" "`` spaces with no newline)
  ``repeat`` times per write, one write every ``interval`` seconds, forever.
- ``"big"``: ``prefix`` then ``size`` bytes of ``pattern`` then a newline, then the end.
- ``"gzip"``: the ``"big"`` body gzip-compressed (``Content-Encoding: gzip``, a small
  Content-Length), a decompression bomb.

Every body starts with ``prefix`` (say, one valid event). The server reads each request whole,
answers, and stops writing when the client hangs up or ``close()`` is called. Standard library
only.
"""

from __future__ import annotations

import itertools
import socket
import threading
import zlib
from collections.abc import Iterator
from contextlib import suppress

__all__ = ["KINDS", "HostileServer"]

KINDS = ("drip", "endless", "big", "gzip")
LOOPBACK = "127.0.0.1"


class HostileServer:
    """Answers every HTTP request on a loopback port with one hostile body (see the module)."""

    def __init__(
        self,
        kind: str,
        *,
        pattern: bytes = b" ",
        interval: float = 0.02,
        repeat: int = 1,
        size: int = 0,
        prefix: bytes = b"",
        length: int | None = None,
        content_type: str = "application/json",
        drip_head: bool = False,
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
        self.kind, self.pattern, self.interval, self.repeat = kind, pattern, interval, repeat
        self.size, self.prefix, self.length, self.content_type = size, prefix, length, content_type
        self.drip_head = drip_head
        self.requests = 0
        self._body = self._make_body() if kind in ("big", "gzip") else b""
        self._stop = threading.Event()
        self._sock = socket.create_server((LOOPBACK, 0))
        self._sock.settimeout(0.05)
        self.port: int = self._sock.getsockname()[1]
        self.url = f"http://{LOOPBACK}:{self.port}"
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _make_body(self) -> bytes:
        # Built piecewise: a 256 MB answer must not cost the test process 256 MB itself.
        if self.kind == "big":
            return b""
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip container
        parts = [packer.compress(self.prefix)]
        parts += [packer.compress(piece) for piece in self._pieces()]
        return b"".join([*parts, packer.compress(b"\n"), packer.flush()])

    def _pieces(self) -> Iterator[bytes]:
        block = self.pattern * max(1, (1 << 20) // max(len(self.pattern), 1))
        left = self.size
        while left > 0:
            yield block[:left]
            left -= len(block)

    def _big_length(self) -> int:
        return len(self.prefix) + self.size + 1

    def close(self) -> None:
        """Stop serving and release the port."""
        self._stop.set()
        self._sock.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"HostileServer({self.kind!r}, {self.url})"

    # ----------------------------------------------------------------- serving

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, suppress(OSError):
            conn.settimeout(5)
            self._read_request(conn)
            self.requests += 1
            head = self._head()
            if self.drip_head:
                for i in range(len(head)):
                    if self._stop.wait(self.interval):
                        return
                    conn.sendall(head[i : i + 1])
            else:
                conn.sendall(head)
            if self.kind == "gzip":
                conn.sendall(self._body)
                return
            if self.kind == "big":
                for piece in itertools.chain((self.prefix,), self._pieces(), (b"\n",)):
                    conn.sendall(piece)
                return
            conn.sendall(self.prefix)
            chunk = self.pattern if self.kind == "drip" else self.pattern * self.repeat
            while not self._stop.wait(self.interval):
                conn.sendall(chunk)

    def _head(self) -> bytes:
        lines = ["HTTP/1.1 200 OK", f"Content-Type: {self.content_type}", "Connection: close"]
        if self.kind in ("big", "gzip"):
            size = self._big_length() if self.kind == "big" else len(self._body)
            lines.append(f"Content-Length: {size}")
        elif self.length is not None:
            lines.append(f"Content-Length: {self.length}")
        if self.kind == "gzip":
            lines.append("Content-Encoding: gzip")
        return ("\r\n".join(lines) + "\r\n\r\n").encode()

    @staticmethod
    def _read_request(conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                raise OSError("client left")
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return
            body += chunk
