"""The state-store protocol, and how a layer's flow calls a store from either shell.

A :class:`StateStore` keeps what several processes share. Every method is synchronous and
thread-safe; a store may add coroutine twins named with an ``a`` prefix (``aget``, ``aset``,
...) for the async shells. Values are bytes; keys are plain strings (the caller prefixes them).

A layer's flow calls a store through :meth:`SyncStateIO.io` / :meth:`AsyncStateIO.io`:
``value = yield self.io(store, "get", key)``. The sync shell calls ``store.get`` at once; the
async shell returns ``store.aget(key)`` when the store has it, else runs ``store.get`` in a
worker thread (or inline when the store sets ``blocking = False``).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Protocol, runtime_checkable

import anyio

from llm_core.resilience.cache.access import StoreWarning

__all__ = [
    "AsyncStateIO",
    "StateStore",
    "StateStoreWarning",
    "SyncStateIO",
    "async_op",
    "call_soon",
]


class StateStoreWarning(StoreWarning):
    """A shared store failed; llm-core goes on with local state (said once per outage)."""


@runtime_checkable
class StateStore(Protocol):
    """What the shared state needs: TTL'd values, expiring leases, token buckets."""

    def get(self, key: str) -> bytes | None:
        """The value under ``key``, or None when absent or expired."""

    def set(self, key: str, value: bytes, ttl: float) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` seconds."""

    def delete(self, key: str) -> None:
        """Forget ``key``."""

    def acquire(self, key: str, member: str, limit: int | None, ttl: float) -> bool:
        """Add lease ``member`` to the set ``key`` (expiring after ``ttl`` s) unless it already
        holds ``limit`` live leases; True when taken. Expired leases are dropped first."""

    def release(self, key: str, member: str) -> None:
        """Drop lease ``member`` from ``key``."""

    def counts(self, keys: list[str]) -> list[int]:
        """The number of live leases in each of ``keys``."""

    def take(
        self, key: str, rate: float, burst: float, cost: float = 1.0, force: bool = False
    ) -> float:
        """Take ``cost`` tokens from the bucket ``key`` (refilled at ``rate`` per second, at most
        ``burst``): 0.0 when taken, else the seconds until enough tokens are there (nothing is
        taken then). A cost <= 0 is a refund, always applied; ``force`` takes ``cost`` even from
        a bucket that holds less (a debt later takes wait for). The bucket never holds more than
        ``burst``. Rate limits correct a charged estimate so (``specs/scaling.md``)."""


async def async_op(store: Any, name: str, *args: Any) -> Any:
    """Run ``store.<name>(*args)`` for an async caller (the rules in the module docstring)."""
    twin = getattr(store, "a" + name, None)
    if twin is not None:
        return await twin(*args)
    method = getattr(store, name)
    if getattr(store, "blocking", True) is False:
        return method(*args)
    return await anyio.to_thread.run_sync(functools.partial(method, *args))


def call_soon(store: Any, is_async: bool, tasks: set[asyncio.Task], name: str, *args: Any) -> None:
    """``store.<name>(*args)`` from a plain callback (a stream's end): at once in a sync shell
    or for a store without coroutine twins (memory), else as a task on the running loop, kept
    in ``tasks`` until it is done."""
    if not is_async or not hasattr(store, "a" + name):
        getattr(store, name)(*args)  # Guarded's sync calls are bounded and never raise
        return
    task = asyncio.get_running_loop().create_task(async_op(store, name, *args))
    tasks.add(task)
    task.add_done_callback(tasks.discard)


class SyncStateIO:
    """Mixin of the sync shells: a store call inside a flow happens at once."""

    @staticmethod
    def io(store: Any, name: str, *args: Any) -> Any:
        """``store.<name>(*args)``, done."""
        return getattr(store, name)(*args)


class AsyncStateIO:
    """Mixin of the async shells: a store call inside a flow is an awaitable."""

    @staticmethod
    def io(store: Any, name: str, *args: Any) -> Any:
        """An awaitable of ``store.<name>(*args)``."""
        return async_op(store, name, *args)
