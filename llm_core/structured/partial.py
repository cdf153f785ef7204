"""Partial objects of a ``schema=`` stream: each text event gets ``partial``, the JSON received so
far parsed by pydantic-core's partial mode (``from_json(allow_partial="trailing-strings")``).

The parser is not incremental (none that is well kept gives partial objects), so the text is
parsed again as it grows: on every event while it is short (up to :data:`EVERY_EVENT` chars),
then each time it has grown by a sixteenth, which keeps a long answer's parsing linear (about
16 times its length in all) at the price of a partial that lags at most that sixteenth.

:class:`PartialEvents` / :class:`AsyncPartialEvents` wrap a stream's events; closing them closes
the stream below, even before their first ``next``.
"""

from __future__ import annotations

from typing import Any

from llm_core.structured.schema import Schema
from llm_core.types import StreamEvent

__all__ = ["AsyncPartialEvents", "EVERY_EVENT", "PartialEvents", "Partials"]

#: Up to this many characters the answer is parsed on every text event.
EVERY_EVENT = 2048


class Partials:
    """The text of one stream so far, and the partial object it parses to."""

    __slots__ = ("last", "parsed_at", "parts", "schema", "size")

    def __init__(self, schema: Schema) -> None:
        self.schema, self.parts, self.last = schema, [], None
        self.size = self.parsed_at = 0

    def see(self, event: StreamEvent | None) -> StreamEvent | None:
        """Set ``event.partial`` on a text event (the last good parse while nothing new does)."""
        if event is not None and event.text and not event.done:
            self.parts.append(event.text)
            self.size += len(event.text)
            if self.size <= EVERY_EVENT or self.size - self.parsed_at >= self.size >> 4:
                self.parsed_at = self.size
                found = self.schema.partial("".join(self.parts))
                if found is not None:
                    self.last = found
            event.partial = self.last
        return event


class PartialEvents:
    """A sync stream's events with partial objects."""

    __slots__ = ("events", "partials")

    def __init__(self, events: Any, partials: Partials) -> None:
        self.events, self.partials = iter(events), partials

    def __iter__(self) -> PartialEvents:
        return self

    def __next__(self) -> StreamEvent:
        return self.partials.see(next(self.events))  # type: ignore[return-value]

    def close(self) -> None:
        """Close the stream below."""
        getattr(self.events, "close", lambda: None)()


class AsyncPartialEvents:
    """An async stream's events with partial objects."""

    __slots__ = ("events", "partials")

    def __init__(self, events: Any, partials: Partials) -> None:
        self.events, self.partials = aiter(events), partials

    def __aiter__(self) -> AsyncPartialEvents:
        return self

    async def __anext__(self) -> StreamEvent:
        return self.partials.see(await anext(self.events))  # type: ignore[return-value]

    async def aclose(self) -> None:
        """Close the stream below."""
        aclose = getattr(self.events, "aclose", None)
        if aclose is not None:
            await aclose()
