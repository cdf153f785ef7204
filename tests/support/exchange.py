"""One HTTP exchange of the test servers: the :class:`Request` a handler gets, the
:class:`Reply` it gives, and the builders of streamed replies (SSE, NDJSON)."""

from __future__ import annotations

import http.client
import itertools
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

if TYPE_CHECKING:
    from .httpserver import Connection

__all__ = ["Reply", "Request", "dumps", "ndjson_reply", "sse_reply"]


def dumps(obj: Any) -> bytes:
    """Compact UTF-8 JSON, as llama.cpp's nlohmann ``dump()`` writes it."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(eq=False)
class Request:
    method: str
    target: str
    headers: http.client.HTTPMessage  # case-insensitive ``get``/``in``/``[]`` (None if absent)
    body: bytes = b""
    keep_alive: bool = True
    conn: Connection | None = field(default=None, repr=False)  # ``conn.sock``: the raw socket

    def __post_init__(self) -> None:
        parts = urlsplit(self.target)
        self.path: str = parts.path or "/"
        self.query: dict[str, str] = dict(parse_qsl(parts.query, keep_blank_values=True))

    def json(self) -> Any:  # None if empty; ValueError if not JSON
        return json.loads(self.body) if self.body else None


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # override the defaults below
    body: Any = b""  # bytes | str | dict | list, or any other iterable of chunks (a stream)
    content_type: str | None = None
    close: bool = False

    def __post_init__(self) -> None:
        if isinstance(self.body, dict | list):
            self.body, self.content_type = dumps(self.body), self.content_type or "application/json"
        elif isinstance(self.body, str):
            self.body, self.content_type = self.body.encode(), self.content_type or "text/plain"
        self.is_stream = not isinstance(self.body, bytes | bytearray | memoryview)


def _sse(event: Any) -> bytes:
    if isinstance(event, bytes):
        return event
    return b"data: " + (event.encode() if isinstance(event, str) else dumps(event)) + b"\n\n"


def sse_reply(events: Iterable[Any], done: bool = True, status: int = 200) -> Reply:
    """SSE stream, one event per chunk: a dict is sent as ``data: <json>``, a str as
    ``data: <str>``, bytes verbatim (``event:`` lines, comments); then ``data: [DONE]``."""
    events = itertools.chain(events, [b"data: [DONE]\n\n"] if done else [])
    return Reply(status, {}, (_sse(e) for e in events), "text/event-stream")


def ndjson_reply(items: Iterable[Any], status: int = 200) -> Reply:
    return Reply(status, {}, (dumps(i) + b"\n" for i in items), "application/x-ndjson")
