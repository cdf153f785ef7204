"""Single-flight: concurrent calls for the same key run once and share the outcome.

The first caller of a key (the leader) runs the call; callers that arrive while it runs wait
for it and get the same result, or the same error. Two errors are not shared, because they
belong to the leader alone: its cancellation and its own total deadline; a waiter then runs the
call itself. A waiter never waits past its own ``deadline`` (``time.monotonic()`` instant).

:class:`SingleFlight` is for threads; :class:`AsyncSingleFlight` for the tasks of one event
loop (like the AsyncClient that owns it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

import anyio

from llm_core import errors as e

__all__ = ["AsyncSingleFlight", "SingleFlight"]

T = TypeVar("T")


class _Flight:
    __slots__ = ("done", "error", "result")

    def __init__(self, done: Any) -> None:
        self.done, self.error, self.result = done, None, None


def _shared(flight: _Flight) -> bool:
    """Whether waiters take the leader's outcome (else they run the call themselves)."""
    err = flight.error
    if err is None:
        return True
    if not isinstance(err, Exception):
        return False  # cancelled, interrupted
    return not (isinstance(err, e.TimeoutError) and err.phase == "deadline")


def _wait_error() -> e.TimeoutError:
    return e.TimeoutError(
        "total deadline exceeded while waiting for an identical request in flight",
        phase="deadline",
        hint="Raise timeouts.total, or leave it unset.",
    )


def _left(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


class SingleFlight:
    """Thread-safe single-flight keyed by any hashable."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[Hashable, _Flight] = {}

    def run(
        self, key: Hashable, call: Callable[[], T], *, deadline: float | None = None
    ) -> tuple[T, bool]:
        """``(result, led)``: ``led`` is False when the result came from another caller's call."""
        while True:
            with self._lock:
                flight = self._flights.get(key)
                if flight is None:
                    flight = self._flights[key] = _Flight(threading.Event())
                    leader = True
                else:
                    leader = False
            if leader:
                try:
                    flight.result = call()
                    return flight.result, True
                except BaseException as exc:
                    flight.error = exc
                    raise
                finally:
                    with self._lock:
                        del self._flights[key]
                    flight.done.set()
            if not flight.done.wait(_left(deadline)):
                raise _wait_error()
            if _shared(flight):
                if flight.error is not None:
                    raise flight.error
                return flight.result, False  # type: ignore[return-value]


class AsyncSingleFlight:
    """Single-flight for the tasks of one event loop."""

    def __init__(self) -> None:
        self._flights: dict[Hashable, _Flight] = {}

    async def run(
        self, key: Hashable, call: Callable[[], Awaitable[T]], *, deadline: float | None = None
    ) -> tuple[T, bool]:
        """``(result, led)``: ``led`` is False when the result came from another task's call."""
        while True:
            flight = self._flights.get(key)
            if flight is None:
                flight = self._flights[key] = _Flight(anyio.Event())
                try:
                    flight.result = await call()
                    return flight.result, True
                except BaseException as exc:
                    flight.error = exc
                    raise
                finally:
                    del self._flights[key]
                    flight.done.set()
            with anyio.move_on_after(_left(deadline)):
                await flight.done.wait()
            if not flight.done.is_set():
                raise _wait_error()
            if _shared(flight):
                if flight.error is not None:
                    raise flight.error
                return flight.result, False  # type: ignore[return-value]
