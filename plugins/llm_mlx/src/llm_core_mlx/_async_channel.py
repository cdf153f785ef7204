"""A one-producer, one-consumer channel from the MLX worker thread to an asyncio task.

The worker appends to a deque and wakes the event loop with ``call_soon_threadsafe`` only when no
wake-up is already pending, so a consumer that falls behind costs one wake-up per batch, not per
token. The consumer awaits :meth:`AsyncChannel.get` and never blocks the loop. If the loop has
closed (the consumer is gone), ``on_closed_loop`` runs so the producer can stop.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Any

__all__ = ["AsyncChannel"]


class AsyncChannel:
    """Items put from any thread, taken in order by one coroutine on ``loop``."""

    __slots__ = ("_items", "_loop", "_pending", "_waiter", "on_closed_loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._items: deque[Any] = deque()
        self._pending = False
        self._waiter: asyncio.Future[None] | None = None
        self.on_closed_loop: Callable[[], None] | None = None

    def put(self, item: Any) -> None:
        """Append ``item`` (thread-safe) and wake the consumer if needed."""
        self._items.append(item)  # appended before the flag is read: never a lost wake-up
        if self._pending:
            return
        self._pending = True
        try:
            self._loop.call_soon_threadsafe(self._wake)
        except RuntimeError:  # the event loop is closed: nobody will read this channel
            if self.on_closed_loop is not None:
                self.on_closed_loop()

    def _wake(self) -> None:
        self._pending = False
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> Any:
        """The next item, waiting without blocking the event loop."""
        while not self._items:
            self._waiter = self._loop.create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.popleft()
