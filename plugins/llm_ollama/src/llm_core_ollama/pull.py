"""Sans-IO model pulling: ``POST /api/pull`` progress lines as :class:`PullProgress` objects.

The stream is NDJSON (PROTOCOLS.md §1.7): ``pulling manifest``, then one status per layer
(``pulling <digest>`` with ``total`` and ``completed``; ``completed`` may be missing early),
``verifying sha256 digest``, ``writing manifest``, ``success``. A failure is an
``{"error": ...}`` line inside the 200 stream (a model the registry does not have fails right
after ``pulling manifest``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llm_core import errors as e

__all__ = ["PullProgress", "PullState", "PullStream"]


@dataclass(frozen=True, slots=True)
class PullProgress:
    """One progress report of a pull: a status line, with byte counts while a layer downloads."""

    status: str
    digest: str | None = None
    total: int | None = None
    completed: int | None = None

    @property
    def fraction(self) -> float | None:
        """Share of the current layer downloaded (0..1), or None when not downloading."""
        if not self.total:
            return None
        return min(1.0, (self.completed or 0) / self.total)

    @property
    def done(self) -> bool:
        """True for the final ``success`` report."""
        return self.status == "success"


class PullState:
    """Parses the lines of one pull; raises the typed error for an error line."""

    __slots__ = ("last", "model", "url")

    def __init__(self, model: str, url: str | None = None) -> None:
        self.model, self.url = model, url
        self.last: PullProgress | None = None

    def feed(self, line: str | bytes) -> PullProgress | None:
        """One NDJSON line: a PullProgress, or None for a blank line."""
        if not line or line.isspace():
            return None
        try:
            data = json.loads(line)
        except ValueError:
            raise self.error(f"malformed progress line {line[:80]!r}") from None
        if not isinstance(data, dict):
            raise self.error(f"progress line is not an object: {line[:80]!r}")
        if "error" in data:
            raise self.error(str(data["error"]))
        progress = PullProgress(
            status=str(data.get("status", "")),
            digest=data.get("digest"),
            total=_int(data.get("total")),
            completed=_int(data.get("completed")),
        )
        self.last = progress
        return progress

    def finish(self) -> PullProgress:
        """The final report; raises if the stream ended before ``success``."""
        if self.last is None or not self.last.done:
            status = self.last.status if self.last else "nothing"
            raise self.error(f"the progress stream ended after {status!r}, before 'success'")
        return self.last

    def error(self, message: str) -> e.ProviderError:
        """A pull failure: ModelNotFoundError when the registry has no such model."""
        kwargs: dict[str, Any] = {"provider": "ollama", "model": self.model, "url": self.url}
        # No status code inside a 200 stream: the text is all there is. Ollama reports a
        # missing model as "pull model manifest: file does not exist" (inferred from reports).
        lowered = message.lower()
        if "does not exist" in lowered or "not found" in lowered:
            return e.ModelNotFoundError(
                f"ollama cannot pull {self.model!r}: {message}",
                hint="Check the name and tag on https://ollama.com/library.",
                **kwargs,
            )
        return e.ProviderError(
            f"ollama pull of {self.model!r} failed: {message}",
            hint="Check the network connection of the Ollama server and retry the pull.",
            **kwargs,
        )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


class PullStream(PullState):
    """:class:`PullState` as the parser of a streamed pull: each report is yielded as it comes,
    so the end yields nothing more; ``on_success()`` runs once the pull succeeded."""

    __slots__ = ("on_success",)
    text = ""  # a pull carries no text to keep when it breaks off

    def __init__(self, model: str, url: str | None, on_success: Callable[[], Any]) -> None:
        super().__init__(model, url)
        self.on_success = on_success

    def finish(self) -> None:  # type: ignore[override]
        """Check that the pull ended with ``success``."""
        super().finish()
        self.on_success()
