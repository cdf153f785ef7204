"""A minimal, fast OpenAI-compatible HTTP/1.1 server for the benchmarks (stdlib asyncio only).

It answers from pre-built bytes so that the client, not the server, is what gets measured:

- ``GET /v1/models``: a one-model list.
- ``POST /v1/chat/completions`` with ``"stream": false``: a small ``chat.completion`` object.
- ``POST /v1/chat/completions`` with ``"stream": true``: one SSE event per HTTP chunk, the way
  llama.cpp sends them: a role chunk, ``max_tokens`` content chunks (default
  ``--stream-chunks``), a finish chunk, a usage chunk, then ``data: [DONE]``.
- ``GET /health``: ``{"status":"ok"}``.

Keep-alive, pipelining-safe request framing (``Content-Length`` bodies). Run it in its own
process so it never shares a GIL with the client being measured::

    python bench/server.py --port 0     # prints the base URL (http://127.0.0.1:PORT) on stdout
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

__all__ = ["BenchProtocol", "main", "serve"]

_MAX_HEAD = 64 * 1024
_MAX_BODY = 8 * 1024 * 1024
_CREATED = 1_700_000_000


def _json(obj: object) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def _http(status: str, ctype: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode("latin-1") + body


def completion(model: str) -> bytes:
    """The full HTTP response for a non-streamed chat completion."""
    return _http(
        "200 OK",
        "application/json",
        _json(
            {
                "id": "chatcmpl-bench",
                "object": "chat.completion",
                "created": _CREATED,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": "Hello from the bench server."},
                    }
                ],
                "usage": {"prompt_tokens": 12, "completion_tokens": 7, "total_tokens": 19},
            }
        ),
    )


def _chunk(model: str, delta: dict, finish: str | None = None, **extra: object) -> dict:
    return {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": _CREATED,
        "model": model,
        "system_fingerprint": "bench",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        **extra,
    }


def stream(model: str, n: int) -> bytes:
    """The full HTTP response for a stream of ``n`` content chunks (chunked encoding)."""
    events = [_chunk(model, {"role": "assistant", "content": None})]
    events += [_chunk(model, {"content": f" tok{i}"}) for i in range(n)]
    events.append(_chunk(model, {}, "length"))
    usage = {"prompt_tokens": 12, "completion_tokens": n, "total_tokens": 12 + n}
    events.append({**_chunk(model, {}), "choices": [], "usage": usage})
    payloads = [b"data: " + _json(ev) + b"\n\n" for ev in events] + [b"data: [DONE]\n\n"]
    out = [
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    ]
    out += [b"%x\r\n%s\r\n" % (len(p), p) for p in payloads]
    out.append(b"0\r\n\r\n")
    return b"".join(out)


MODELS = _http(
    "200 OK",
    "application/json",
    _json(
        {
            "object": "list",
            "data": [{"id": "bench", "object": "model", "created": _CREATED, "owned_by": "bench"}],
        }
    ),
)
HEALTH = _http("200 OK", "application/json", b'{"status":"ok"}')


def _error(status: str, message: str) -> bytes:
    return _http(
        status,
        "application/json",
        _json({"error": {"message": message, "type": "invalid_request_error"}}),
    )


class BenchProtocol(asyncio.Protocol):
    """One keep-alive connection: frame requests, answer each from a cache of bytes."""

    stream_chunks = 1000
    _cache: dict[tuple, bytes] = {}

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buf = bytearray()

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        while buf:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                if len(buf) > _MAX_HEAD:
                    self._finish(_error("431 Request Header Fields Too Large", "head too large"))
                return
            head = bytes(buf[:end]).decode("latin-1")
            line, _, fields = head.partition("\r\n")
            lower = fields.lower()
            length = 0
            pos = lower.find("content-length:")
            if pos >= 0:
                value = lower[pos + 15 :].split("\r\n", 1)[0].strip()
                if not value.isdigit() or int(value) > _MAX_BODY:
                    self._finish(_error("400 Bad Request", "bad content-length"))
                    return
                length = int(value)
            elif "transfer-encoding:" in lower:
                self._finish(_error("411 Length Required", "send a Content-Length body"))
                return
            if len(buf) < end + 4 + length:
                return
            body = bytes(buf[end + 4 : end + 4 + length])
            del buf[: end + 4 + length]
            self.transport.write(self.answer(line, body))
            if "connection: close" in lower:
                self.transport.close()
                return

    def answer(self, line: str, body: bytes) -> bytes:
        """The complete HTTP response for one request line and body."""
        method, _, rest = line.partition(" ")
        path = rest.rpartition(" ")[0].split("?", 1)[0]
        if path.endswith("/chat/completions") and method == "POST":
            try:
                req = json.loads(body)
                model = str(req.get("model") or "bench")
                n = int(req.get("max_tokens") or self.stream_chunks)
                streamed = req.get("stream") is True
            except (ValueError, TypeError, AttributeError):
                return _error("400 Bad Request", "body is not a chat request")
            key = (model, n if streamed else -1)
            out = self._cache.get(key)
            if out is None:
                out = stream(model, n) if streamed else completion(model)
                if len(self._cache) < 256:
                    self._cache[key] = out
            return out
        if path.endswith("/models") and method == "GET":
            return MODELS
        if path.endswith("/health") and method == "GET":
            return HEALTH
        return _error("404 Not Found", f"no route for {method} {path}")

    def _finish(self, data: bytes) -> None:
        self.transport.write(data)
        self.transport.close()


async def serve(host: str, port: int) -> None:
    """Serve forever on ``host:port`` (0: any free port); print the base URL once listening."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(BenchProtocol, host, port, backlog=1024)
    bound = server.sockets[0].getsockname()
    print(f"http://{bound[0]}:{bound[1]}", flush=True)
    stop = loop.create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set_result, None)
        except (NotImplementedError, RuntimeError):  # not on this platform
            pass
    async with server:
        await stop


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: ``python bench/server.py [--host H] [--port P]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    parser.add_argument(
        "--stream-chunks",
        type=int,
        default=1000,
        help="content chunks per stream when the request sets no max_tokens",
    )
    args = parser.parse_args(argv)
    BenchProtocol.stream_chunks = args.stream_chunks
    try:
        asyncio.run(serve(args.host, args.port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
