"""A tiny stdlib-only progress bar for command-line downloads (Ollama pulls, MLX downloads).

On a terminal it redraws one line (``\\r``), at most every ``min_interval`` seconds unless the
label changes or the step completes; elsewhere (a pipe, a log file, CI) it writes one plain line
per label, so logs are not flooded.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["ProgressBar", "format_bytes"]


def format_bytes(n: float) -> str:
    """``1536`` -> ``1.5 KB``; decimal units, as download tools show them."""
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # pragma: no cover - the loop always returns


class ProgressBar:
    """``bar.update(label, completed, total)`` as often as you like; ``bar.close()`` at the end."""

    def __init__(
        self,
        stream: TextIO | None = None,
        *,
        width: int = 28,
        min_interval: float = 0.1,
        tty: bool | None = None,
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.width, self.min_interval = width, min_interval
        isatty = getattr(self.stream, "isatty", lambda: False)
        self.tty = isatty() if tty is None else tty
        self._label: str | None = None
        self._last_draw = 0.0
        self._line_len = 0

    def update(self, label: str, completed: int | None = None, total: int | None = None) -> None:
        """Show ``label`` with a bar when ``total`` is known."""
        changed = label != self._label
        finished = bool(total) and (completed or 0) >= (total or 0)
        if not self.tty:
            if changed:
                self.stream.write(self.render(label, None, total) + "\n")
                self.stream.flush()
            self._label = label
            return
        now = time.monotonic()
        if not (changed or finished) and now - self._last_draw < self.min_interval:
            return
        if changed and self._label is not None:
            self.stream.write("\n")  # keep the finished step on its own line
            self._line_len = 0
        line = self.render(label, completed, total)
        pad = " " * max(0, self._line_len - len(line))
        self.stream.write("\r" + line + pad)
        self.stream.flush()
        self._label, self._last_draw, self._line_len = label, now, len(line)

    def render(self, label: str, completed: int | None, total: int | None) -> str:
        """The text of one progress line."""
        if not total:
            return label
        if completed is None:
            return f"{label}  {format_bytes(total)}"
        share = min(1.0, max(0.0, completed / total))
        filled = int(share * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        return (
            f"{label} [{bar}] {share * 100:5.1f}% {format_bytes(completed)}/{format_bytes(total)}"
        )

    def close(self, message: str | None = None) -> None:
        """End the progress line, optionally printing a closing message."""
        if self.tty and self._label is not None:
            self.stream.write("\n")
        if message:
            self.stream.write(message + "\n")
        self.stream.flush()
        self._label = None
