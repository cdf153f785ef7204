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
"""

from __future__ import annotations

from collections.abc import Awaitable, Generator
from typing import Any, TypeVar

__all__ = ["Flow", "arun", "run"]

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
