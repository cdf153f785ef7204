"""Sans-IO reading of an answer body within its limits: decoded bytes per answer and per line,
and the total deadline checked on every chunk.

:class:`Budget` counts the decoded bytes of a body (after gzip/deflate/br: a small
``Content-Length`` can inflate far beyond it) and checks the deadline on each chunk, so a
server that drips bytes or inflates a bomb is cut off on the wall clock and by size.
:class:`Framer` splits a streamed body into lines on top of it. Lines are split on the bytes
``\\n`` (and, for SSE, ``\\r\\n`` and a lone ``\\r``), never with ``str.splitlines``, which would
also split at U+2028, U+0085, U+001C and the like -- valid inside JSON strings. A line longer
than ``max_line`` bytes (complete or still unterminated) is refused before it is buffered
further.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

__all__ = ["Budget", "Framer"]


class Budget:
    """Counts decoded bytes against ``max_bytes`` and checks ``deadline`` on every chunk.

    ``too_large(what, limit)`` and ``late()`` build the errors to raise.
    """

    __slots__ = ("deadline", "late", "max_bytes", "size", "too_large")

    def __init__(
        self,
        max_bytes: int | None,
        deadline: float | None,
        too_large: Callable[[str, int], Exception],
        late: Callable[[], Exception],
    ) -> None:
        self.max_bytes, self.deadline = max_bytes, deadline
        self.too_large, self.late = too_large, late
        self.size = 0

    def take(self, chunk: bytes) -> bytes:
        """Count ``chunk``; raise when the answer is too large or the deadline has passed."""
        self.size += len(chunk)
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise self.too_large("answer", self.max_bytes)
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise self.late()
        return chunk


class Framer(Budget):
    """Splits a body into lines: ``str`` for SSE (``sse=True``), ``bytes`` for NDJSON."""

    __slots__ = ("max_line", "rest", "sse")

    def __init__(self, max_line: int, sse: bool, *args: Any) -> None:
        super().__init__(*args)
        self.max_line, self.sse = max_line, sse
        self.rest = b""

    def feed(self, chunk: bytes) -> list[Any]:
        """The complete lines ``chunk`` ends (without their terminators)."""
        self.take(chunk)
        if self.rest:
            chunk = self.rest + chunk
        end = chunk.rfind(b"\n")
        if end < 0:
            self.rest = chunk
            if len(chunk) > self.max_line:
                raise self.too_large("line", self.max_line)
            return []
        head, self.rest = chunk[:end], chunk[end + 1 :]
        if len(self.rest) > self.max_line or (
            len(head) > self.max_line and max(map(len, head.split(b"\n"))) > self.max_line
        ):
            raise self.too_large("line", self.max_line)
        lines = self._split(head)
        if len(lines) > 64:  # a flood of blank lines: drop them at C speed (no parser wants them)
            lines = [*filter(None, lines)]
        return lines

    def items(self, chunk: bytes | None, feed: Callable[[Any], Any]) -> list[Any]:
        """What ``feed`` (a stream parser's) makes of the lines ``chunk`` ends (None: the end
        of the body); blank lines are not fed."""
        out = []
        for line in self.feed(chunk) if chunk is not None else self.end():
            if line:
                item = feed(line)
                if item is not None:
                    out.append(item)
        return out

    def end(self) -> list[Any]:
        """The last line, when the body did not end with a line break."""
        rest, self.rest = self.rest, b""
        return self._split(rest) if rest.strip() else []

    def _split(self, head: bytes) -> list[Any]:
        # Whole lines only, so no UTF-8 character is cut; one decode and one split, in C.
        if not self.sse:
            return head.split(b"\n")
        text = head.decode("utf-8", "replace")
        if "\r" in text:  # CRLF, or a lone CR, ends an SSE line too
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        return text.split("\n")
