"""A fast Ollama-wire server for the benchmarks: ``POST /api/chat`` answered from pre-built bytes.

It reuses the request framing of ``bench/server.py`` (:class:`BenchProtocol`) and answers
Ollama's native API the way Ollama does: NDJSON, one object per HTTP chunk, pieces
``{"model","created_at","message":{"role":"assistant","content":...},"done":false}`` and a
final ``done: true`` line with ``done_reason`` and integer-nanosecond metrics; ``"stream":
false`` gets one JSON object. ``options.num_predict`` sets the number of pieces (default
``--stream-chunks``). Run it in its own process so it never shares the client's GIL::

    python bench/ollama_server.py --port 0   # prints http://127.0.0.1:PORT
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from server import BenchProtocol, _error, _http, _json

__all__ = ["OllamaBenchProtocol", "chat_object", "chat_stream"]

_CREATED = "2025-07-07T20:22:19.184509Z"


def _final(model: str, n: int) -> dict:
    return {"model": model, "created_at": _CREATED, "done": True,
            "done_reason": "length" if n else "stop", "total_duration": 4_883_583_458,
            "load_duration": 1_334_875, "prompt_eval_count": 26,
            "prompt_eval_duration": 342_546_000, "eval_count": max(n, 7),
            "eval_duration": 4_535_599_000}  # fmt: skip


def chat_object(model: str) -> bytes:
    """The full HTTP response of a non-streamed chat."""
    message = {"role": "assistant", "content": "Hello from the bench server."}
    return _http("200 OK", "application/json; charset=utf-8",
                 _json({**_final(model, 0), "message": message}))  # fmt: skip


def chat_stream(model: str, n: int) -> bytes:
    """The full HTTP response of a stream of ``n`` pieces (chunked, one line per chunk)."""
    lines = [
        _json(
            {
                "model": model,
                "created_at": _CREATED,
                "message": {"role": "assistant", "content": f" tok{i}"},
                "done": False,
            }
        )
        + b"\n"
        for i in range(n)
    ]
    final = {**_final(model, n), "message": {"role": "assistant", "content": ""}}
    lines.append(_json(final) + b"\n")
    out = [b"HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
           b"Transfer-Encoding: chunked\r\n\r\n"]  # fmt: skip
    out += [b"%x\r\n%s\r\n" % (len(line), line) for line in lines]
    out.append(b"0\r\n\r\n")
    return b"".join(out)


class OllamaBenchProtocol(BenchProtocol):
    """BenchProtocol's framing with Ollama's ``/api/chat`` and ``/api/tags`` answers."""

    _cache: dict[tuple, bytes] = {}

    def answer(self, line: str, body: bytes) -> bytes:
        """The complete HTTP response for one request line and body."""
        method, _, rest = line.partition(" ")
        path = rest.rpartition(" ")[0].split("?", 1)[0]
        if method == "POST" and path == "/api/chat":
            try:
                req = json.loads(body)
                model = str(req["model"])
                n = int((req.get("options") or {}).get("num_predict") or self.stream_chunks)
                streamed = req.get("stream", True) is not False  # Ollama streams by default
            except (ValueError, TypeError, KeyError, AttributeError):
                return _error("400 Bad Request", "body is not a chat request")
            key = (model, n if streamed else -1)
            out = self._cache.get(key)
            if out is None:
                out = self._cache[key] = chat_stream(model, n) if streamed else chat_object(model)
            return out
        if method == "GET" and path == "/api/tags":
            return _http("200 OK", "application/json; charset=utf-8", b'{"models":[]}')
        return _http("404 Not Found", "text/plain", b"404 page not found")


async def serve(host: str, port: int) -> None:
    """Serve until cancelled; print the base URL once listening."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(OllamaBenchProtocol, host, port, backlog=1024)
    bound = server.sockets[0].getsockname()
    print(f"http://{bound[0]}:{bound[1]}", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    """``python bench/ollama_server.py [--host H] [--port P] [--stream-chunks N]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--stream-chunks", type=int, default=1000)
    args = parser.parse_args(argv)
    OllamaBenchProtocol.stream_chunks = args.stream_chunks
    try:
        asyncio.run(serve(args.host, args.port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
