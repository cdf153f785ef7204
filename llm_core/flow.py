"""Flows: logic written once, run blocking by a sync shell or awaiting by an async one.

A flow is a generator. Each ``yield x`` marks the point where async code would ``await x``;
whatever the flow gets back from the ``yield`` is the result. httpx writes its auth flows this
way; llm-core writes every wrapper layer and every HTTP protocol so, and the sync and async
adapters stay thin shells that only differ in how they drive the flow:

- :func:`run` drives it blocking. The sync shell's primitives (``self.inner.generate(...)``,
  ``time.sleep``) have already done their work when the flow yields their result, so every
  value goes straight back in, and an error was already raised inside the flow itself.
- :func:`arun` drives it on an event loop. The async shell's primitives return awaitables; each
  yielded awaitable is awaited and its result sent back in, or its error thrown in at the
  ``yield``, so a flow's ``try``/``except`` reads the same in both worlds.

Flows compose with ``yield from`` (an outer layer runs an inner layer's flow inline).

A *streaming* flow also hands values to its consumer: ``yield Emit(event)``. :func:`iterate`
and :func:`aiterate` drive it as a generator / async generator of those values; when the
consumer stops early they throw :class:`Closing` in, so the flow can still close what it opened
(``yield handle.aclose()`` on the async side) before it re-raises.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Generator
from typing import Any, TypeVar

__all__ = ["Closing", "Emit", "Flow", "aiterate", "arun", "iterate", "once", "run", "runs_flow"]

T = TypeVar("T")

#: A flow that produces a ``T``: ``def f(...) -> Flow[Response]: x = yield ...; return x``.
Flow = Generator[Any, Any, T]


def run(flow: Flow[T]) -> T:
    """Drive ``flow`` blocking: each yielded value is already a result and goes straight back."""
    try:
        value = flow.send(None)
        while True:
            value = flow.send(value)
    except StopIteration as stop:
        return stop.value


async def arun(flow: Flow[T]) -> T:
    """Drive ``flow`` on the running event loop: await each yielded awaitable, send its result
    back in (or throw its exception in at the ``yield``)."""
    try:
        pending: Awaitable[Any] = flow.send(None)
        while True:
            try:
                result = await pending
            except BaseException as exc:  # cancellation too: the flow's finally blocks must run
                pending = flow.throw(exc)
            else:
                pending = flow.send(result)
    except StopIteration as stop:
        return stop.value


def once(step: Callable[[], Any]) -> Flow[Any]:
    """A flow of one step: ``step()``'s result (awaited by :func:`arun`), called when the flow
    starts."""
    return (yield step())


def runs_flow(method: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a bare adapter's ``generate`` that only drives its own ``generate_flow(request,
    deadline)``: a layer above then runs that flow inline (one driver for the whole stack)."""
    method.runs_flow = True  # type: ignore[attr-defined]
    return method


class Emit:
    """A value a streaming flow hands to its consumer (``yield Emit(event)``); anything else
    it yields is a step, as in any flow. Driven by :func:`iterate` / :func:`aiterate`."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class Closing(BaseException):
    """Thrown into a streaming flow when its consumer stops early: unlike ``GeneratorExit``,
    the flow may still yield steps while it cleans up (close what it opened), then re-raise."""


def iterate(flow: Flow[Any]) -> Generator[Any, None, None]:
    """Drive a streaming flow blocking: yield each :class:`Emit` value, send every other
    yielded value (already a result) straight back."""
    value = None
    try:
        while True:
            try:
                item = flow.send(value)
            except StopIteration:
                return
            if type(item) is Emit:
                value = None
                yield item.value
            else:
                value = item
    except GeneratorExit:
        try:
            step = flow.throw(Closing())
            while True:
                step = flow.send(step)
        except (Closing, StopIteration):
            raise GeneratorExit from None


async def aiterate(flow: Flow[Any]) -> AsyncGenerator[Any, None]:
    """Drive a streaming flow on the event loop: yield each :class:`Emit` value, await every
    other yielded awaitable and send its result back (or throw its error in)."""
    value: Any = None
    error: BaseException | None = None
    try:
        while True:
            try:
                item = flow.throw(error) if error is not None else flow.send(value)
            except StopIteration:
                return
            value = error = None
            if type(item) is Emit:
                yield item.value
                continue
            try:
                value = await item
            except BaseException as exc:  # cancellation too: the flow's cleanup must run
                error = exc
    except GeneratorExit:
        try:
            step = flow.throw(Closing())
            while True:
                step = flow.send(await step)
        except (Closing, StopIteration):
            raise GeneratorExit from None
