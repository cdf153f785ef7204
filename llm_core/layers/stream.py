"""An opened stream as the layers see it: the events, the first one, and the layers' watchers.

Only the outermost shell relays a stream's events to the caller (:mod:`llm_core.layers.adapters`);
layers below watch it through :meth:`Opened.watch`. :func:`broke_off` is the error of a stream
that failed after text reached the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llm_core import errors as e
from llm_core.types import Response, StreamEvent

__all__ = ["Opened", "broke_off"]

_Watch = tuple[Callable[..., Any] | None, Callable[..., Any] | None, Callable[..., Any] | None]


class Opened:
    """An opened stream: its events, the first one, and what layers watch for."""

    __slots__ = ("events", "first", "parts", "settled", "watchers")

    def __init__(self, events: Any, first: StreamEvent | None) -> None:
        self.events, self.first = events, first
        self.parts: list[str] = []
        self.watchers: list[_Watch] = []
        self.settled = False

    @property
    def text(self) -> str:
        """The text relayed to the caller so far."""
        return "".join(self.parts)

    def watch(
        self,
        *,
        done: Callable[[Response], Any] | None = None,
        failed: Callable[[e.LLMError], Any] | None = None,
        closed: Callable[[], Any] | None = None,
    ) -> None:
        """Call ``done(response)`` at the final event, ``failed(error)`` when the stream fails
        after it opened (a returned error replaces it), ``closed()`` when the caller stops early.
        Exactly one of the three is called; watchers run innermost first."""
        self.watchers.append((done, failed, closed))

    def relayed(self, event: StreamEvent) -> StreamEvent:
        """Note an event on its way to the caller (its text, or the final Response)."""
        if event.done and event.response is not None:
            self.finished(event.response)
        else:
            self.parts.append(event.text)
        return event

    def stopped(self, exc: BaseException) -> BaseException:
        """The relay stopped with ``exc``: tell the watchers; return the exception to raise
        (a failure may be replaced, chained to its cause; anything else passes unchanged)."""
        if not isinstance(exc, e.LLMError):
            self.closing()
            return exc
        error = self.failing(exc)
        if error is not exc and error.__cause__ is None:
            error.__cause__ = exc
        return error

    def finished(self, response: Response) -> None:
        """The final event arrived."""
        if not self.settled:
            self.settled = True
            for done, _, _ in self.watchers:
                if done is not None:
                    done(response)

    def failing(self, error: e.LLMError) -> e.LLMError:
        """The stream failed: the error every watcher agreed on (raise it)."""
        if self.settled:
            return error
        self.settled = True
        for _, failed, _ in self.watchers:
            if failed is not None:
                error = failed(error) or error
        return error

    def closing(self) -> None:
        """The caller stopped before the end (closed the stream, or was cancelled)."""
        if not self.settled:
            self.settled = True
            for _, _, closed in self.watchers:
                if closed is not None:
                    closed()


def broke_off(error: BaseException, partial_text: str) -> e.GenerationError:
    """The error for a stream that failed after its first event reached the caller.

    A GenerationError passes unchanged (given the partial text if it had none); any other
    failure becomes a GenerationError carrying ``partial_text``.
    """
    if isinstance(error, e.GenerationError):
        if not error.partial_text and partial_text:
            error.partial_text = partial_text
        return error
    broken = e.GenerationError(
        f"stream broke off after {len(partial_text)} characters: {type(error).__name__}: "
        f"{getattr(error, 'message', None) or error}",
        partial_text=partial_text,
        provider=getattr(error, "provider", None),
        model=getattr(error, "model", None),
        url=getattr(error, "url", None),
        status_code=getattr(error, "status_code", None),
        hint="The text received so far is on error.partial_text; a stream is not retried "
        "once its first event has reached you.",
    )
    broken.__cause__ = error
    return broken
