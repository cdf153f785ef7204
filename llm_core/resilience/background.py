"""Writes to a store that a plain callback starts on the running event loop, done right.

A stream's end (the response cache's write, the router's lease), a breaker that opens (its
publication): code that cannot ``await`` hands the write to
:meth:`Background.spawn`. The task is kept referenced until it ends (an unreferenced task may
be collected mid-flight), its failure goes to ``on_error`` (a warning, said once), never to an
"exception was never retrieved", and :meth:`Background.drain` -- called by
``AsyncClient.aclose()`` -- waits for the loop's pending ones at most ``timeout`` seconds and
cancels what is left, so closing a client leaves no write behind.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Awaitable, Callable
from typing import Any

from llm_core.errors import scrub_secrets

__all__ = ["Background", "warn_once"]


def warn_once(what: str, category: type[Warning]) -> Callable[[BaseException], None]:
    """An ``on_error`` that warns ``"<what> failed (...)"`` as ``category``, the first time."""
    warned: list[bool] = []

    def report(exc: BaseException) -> None:
        if not warned:
            warned.append(True)
            why = scrub_secrets(f"{type(exc).__name__}: {exc}")[:200]
            warnings.warn(f"{what} failed ({why}) (reported once)", category, stacklevel=2)

    return report


class Background:
    """The pending store writes of one owner, on whichever loops started them."""

    __slots__ = ("_tasks", "on_error", "timeout")

    def __init__(self, on_error: Callable[[BaseException], None], timeout: float = 1.0) -> None:
        self.on_error, self.timeout = on_error, timeout
        self._tasks: set[asyncio.Task] = set()

    def spawn(self, awaitable: Awaitable[Any]) -> asyncio.Task:
        """Run ``awaitable`` as a task of the running loop."""
        task = asyncio.get_running_loop().create_task(self._guarded(awaitable))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _guarded(self, awaitable: Awaitable[Any]) -> None:
        try:
            await awaitable
        except Exception as exc:  # reported, never left for the loop's exception handler
            self.on_error(exc)

    def pending(self) -> list[asyncio.Task]:
        """The running loop's tasks not done yet."""
        loop = asyncio.get_running_loop()
        return [t for t in self._tasks if not t.done() and t.get_loop() is loop]

    async def drain(self) -> None:
        """Wait for the running loop's pending tasks (at most ``timeout`` s); cancel the rest."""
        tasks = self.pending()
        if not tasks:
            return
        _, late = await asyncio.wait(tasks, timeout=self.timeout)
        for task in late:
            task.cancel()
        if late:
            await asyncio.gather(*late, return_exceptions=True)
