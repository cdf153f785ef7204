"""Loopback endpoints that misbehave on purpose, so adapter authors need not write their own.

- :class:`RefusedPort`: a port bound but never listening, so every connection is refused.
- :class:`SilentServer`: listens (the kernel completes the TCP handshake) and never answers,
  so a request runs into its read timeout.
- :class:`CountingProxy`: forwards TCP to a real backend, counts the client connections that are
  open right now, can reset the next connections before they reach the backend, records the
  size of each answer, and can cut the next connection's answers off after a number of bytes.

Standard library only; every socket and thread is released by ``close()`` (or ``with``).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from contextlib import suppress
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["CountingProxy", "RefusedPort", "SilentServer", "with_address"]

LOOPBACK = "127.0.0.1"


def with_address(url: str, host: str, port: int) -> str:
    """``url`` with its host and port replaced (scheme, path and query kept)."""
    parts = urlsplit(url if "://" in url else "http://" + url)
    return urlunsplit(parts._replace(netloc=f"{host}:{port}"))


class _Endpoint:
    """A loopback socket with a URL, usable as a context manager."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.port: int = sock.getsockname()[1]
        self.url = f"http://{LOOPBACK}:{self.port}"

    def close(self) -> None:
        """Release the port."""
        self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url})"


class RefusedPort(_Endpoint):
    """A port nothing listens on: bound (so no one else takes it) but not listening."""

    def __init__(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind((LOOPBACK, 0))
        super().__init__(sock)


class SilentServer(_Endpoint):
    """Accepts TCP connections (in the kernel's backlog) and never sends a byte."""

    def __init__(self, backlog: int = 128) -> None:
        super().__init__(socket.create_server((LOOPBACK, 0), backlog=backlog))


def _reset(sock: socket.socket) -> None:
    """Close with an RST instead of a FIN (SO_LINGER 0): the peer sees 'connection reset'."""
    with suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _shut(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


class CountingProxy(_Endpoint):
    """A TCP forwarder to ``target`` (a URL or ``host:port``) that counts open client connections.

    ``proxy.url_for(base_url)`` gives the adapter a base URL through the proxy;
    ``open_connections`` is how many client connections are open now; ``accepted`` how many
    were ever made; ``reset_next(n)`` resets the next ``n`` connections before forwarding them.
    ``exchanges`` holds, per accepted connection, the byte size of each answer on it (one per
    request); ``cut_next_at(n)`` forwards only the first ``n`` answer bytes of the next
    connection, then closes it (a server that dies mid-answer). ``sent`` holds, per connection,
    the bytes the client sent (its requests).
    """

    def __init__(self, target: str) -> None:
        parts = urlsplit(target if "://" in target else "http://" + target)
        self.target = (parts.hostname or LOOPBACK, parts.port or 80)
        listener = socket.create_server((LOOPBACK, 0))
        listener.settimeout(0.05)  # so the accept loop notices close() on every platform
        super().__init__(listener)
        self.accepted = 0
        self._open = 0
        self._resets = 0
        self._cut_at: int | None = None
        self.exchanges: list[list[int]] = []
        self.sent: list[bytearray] = []
        self._cond = threading.Condition()
        self._pairs: list[tuple[socket.socket, socket.socket]] = []
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
        self._start(self._accept_loop)

    def url_for(self, base_url: str) -> str:
        """``base_url`` (pointing at the target) rewritten to go through this proxy."""
        return with_address(base_url, LOOPBACK, self.port)

    @property
    def open_connections(self) -> int:
        """Client connections open right now."""
        with self._cond:
            return self._open

    def reset_next(self, count: int = 1) -> None:
        """Reset the next ``count`` client connections as soon as they are accepted."""
        with self._cond:
            self._resets += count

    def cut_next_at(self, offset: int) -> None:
        """Forward only ``offset`` bytes of the next connection's answers, then close it."""
        with self._cond:
            self._cut_at = offset

    def wait_open(self, at_most: int, timeout: float = 5.0) -> bool:
        """Wait until at most ``at_most`` client connections are open; False on timeout."""
        end = time.monotonic() + timeout
        with self._cond:
            while self._open > at_most:
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def close(self) -> None:
        """Stop accepting, cut every forwarded connection and join the threads."""
        self._stopped.set()
        super().close()
        with self._cond:
            pairs = list(self._pairs)
        for client, upstream in pairs:
            _shut(client)
            _shut(upstream)
        for thread in list(self._threads):
            thread.join(timeout=5)

    def _start(self, target, *args) -> None:
        thread = threading.Thread(
            target=target, args=args, daemon=True, name=f"llm-core-proxy-{self.port}"
        )
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            with self._cond:
                self.accepted += 1
                reset, self._resets = self._resets > 0, max(0, self._resets - 1)
                cut, self._cut_at = self._cut_at, None
                sizes: list[int] = []
                self.exchanges.append(sizes)
                self.sent.append(sent := bytearray())
            if reset:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            with self._cond:
                self._open += 1
                self._pairs.append((client, upstream))
            self._start(self._pump, upstream, client, False, sizes, cut)
            self._start(self._pump, client, upstream, True, sizes, None, sent)

    def _pump(
        self,
        src: socket.socket,
        dst: socket.socket,
        from_client: bool,
        sizes: list,
        cut: Any,
        record: bytearray | None = None,
    ) -> None:
        sent = 0
        try:
            while chunk := src.recv(65536):
                if from_client:  # a request after an answer began: the next answer's count
                    if record is not None:
                        record.extend(chunk)
                    if not sizes or sizes[-1]:
                        sizes.append(0)
                else:
                    if not sizes:
                        sizes.append(0)
                    sizes[-1] += len(chunk)
                    if cut is not None and sent + len(chunk) >= cut:
                        dst.sendall(chunk[: cut - sent])
                        # shutdown (not a bare close) also wakes the other pump's recv
                        _shut(dst)  # the client sees its answer end mid-body
                        _shut(src)
                        return
                    sent += len(chunk)
                dst.sendall(chunk)
        except OSError:
            pass
        if not from_client:  # the backend hung up: pass the end on, let the client close
            with suppress(OSError):
                dst.shutdown(socket.SHUT_WR)
            return
        _shut(src)  # the client hung up (or failed): this connection is over
        _shut(dst)
        with self._cond:
            if (src, dst) in self._pairs:
                self._pairs.remove((src, dst))
                self._open -= 1
            self._cond.notify_all()
