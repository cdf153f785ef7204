"""Small pieces the resilience wrappers share: stream closing, labels, broken-stream errors."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from llm_core import errors as e
from llm_core.config import ProviderConfig
from llm_core.http_errors import redact_url
from llm_core.resilience.policy import error_text

__all__ = ["aclosing_events", "broke_off", "closing_events", "key_of", "label_of", "raise_broken"]


def label_of(config: ProviderConfig) -> str:
    """The name a provider config goes by in attempt trails and fallback lists."""
    return config.label()


def key_of(config: ProviderConfig) -> str:
    """A process-wide identity for a provider config: label plus redacted base URL."""
    return f"{config.label()}@{redact_url(config.base_url) if config.base_url else '-'}"


def broke_off(error: BaseException, partial_text: str) -> e.GenerationError:
    """The error for a stream that failed after its first event reached the caller.

    A GenerationError passes unchanged (the adapter already knows the partial text); any other
    failure becomes a GenerationError carrying ``partial_text``, to be raised from ``error``.
    """
    if isinstance(error, e.GenerationError):
        if not error.partial_text and partial_text:
            error.partial_text = partial_text
        return error
    return e.GenerationError(
        f"stream broke off after {len(partial_text)} characters: {type(error).__name__}: "
        f"{error_text(error)}",
        partial_text=partial_text,
        provider=getattr(error, "provider", None),
        model=getattr(error, "model", None),
        url=getattr(error, "url", None),
        status_code=getattr(error, "status_code", None),
        hint="The text received so far is on error.partial_text; a stream is not retried "
        "once its first event has reached you.",
    )


def raise_broken(error: e.LLMError, parts: list[str]) -> None:
    """Raise :func:`broke_off` for ``error`` after the text ``parts`` reached the caller."""
    broken = broke_off(error, "".join(parts))
    if broken is error:
        raise error
    raise broken from error


@contextmanager
def closing_events(events: Iterator[Any]) -> Iterator[Iterator[Any]]:
    """Close a sync event iterator on exit, if it can be closed."""
    try:
        yield events
    finally:
        close = getattr(events, "close", None)
        if close is not None:
            close()


@asynccontextmanager
async def aclosing_events(events: AsyncIterator[Any]) -> AsyncIterator[AsyncIterator[Any]]:
    """Close an async event iterator on exit, if it can be closed."""
    try:
        yield events
    finally:
        aclose = getattr(events, "aclose", None)
        if aclose is not None:
            await aclose()
