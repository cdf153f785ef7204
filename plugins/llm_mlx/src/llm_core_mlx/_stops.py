"""Stop strings, which mlx-vlm does not implement: scan streamed text and cut at the first one.

Pure and incremental: :meth:`StopScanner.feed` takes each new text segment and returns the text
that is safe to emit, holding back only a tail that could still grow into a stop string, so a
stop string split across tokens is caught and never reaches the caller.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["StopScanner"]


class StopScanner:
    """Cuts generated text at the first occurrence of any stop string."""

    __slots__ = ("_buffer", "_hold", "_stops", "stopped")

    def __init__(self, stops: Sequence[str] | None) -> None:
        self._stops = tuple(s for s in (stops or ()) if s)
        self._hold = max((len(s) for s in self._stops), default=1) - 1
        self._buffer = ""
        self.stopped = False

    @property
    def active(self) -> bool:
        """True when there is at least one stop string to look for."""
        return bool(self._stops)

    def feed(self, text: str) -> str:
        """Add ``text``; return what may be emitted now. Sets ``stopped`` at a stop string."""
        if not self._stops:
            return text
        if self.stopped or not text:
            return ""
        buffer = self._buffer + text
        cut = min((i for i in (buffer.find(s) for s in self._stops) if i >= 0), default=-1)
        if cut >= 0:
            self.stopped = True
            self._buffer = ""
            return buffer[:cut]
        keep = self._partial_tail(buffer)
        self._buffer = buffer[len(buffer) - keep :] if keep else ""
        return buffer[: len(buffer) - keep]

    def flush(self) -> str:
        """The held-back tail, once generation has ended without a stop string."""
        out, self._buffer = ("" if self.stopped else self._buffer), ""
        return out

    def _partial_tail(self, buffer: str) -> int:
        """Length of the longest end of ``buffer`` that begins some stop string."""
        for size in range(min(self._hold, len(buffer)), 0, -1):
            tail = buffer[-size:]
            if any(s.startswith(tail) for s in self._stops):
                return size
        return 0
