"""The state-store protocol, and how a layer's flow calls a store from either shell.

A :class:`StateStore` keeps what several processes share. Every method is synchronous and
thread-safe; a store may add coroutine twins named with an ``a`` prefix (``aget``, ``aset``,
...) for the async shells. Values are bytes; keys are plain strings (the caller prefixes them).

A layer's flow calls a store through :meth:`SyncStateIO.io` / :meth:`AsyncStateIO.io`
(:mod:`.io`, re-exported here):
``value = yield self.io(store, "get", key)``. The sync shell calls ``store.get`` at once; the
async shell returns ``store.aget(key)`` when the store has it, else runs ``store.get`` in a
worker thread (or inline when the store sets ``blocking = False``).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from llm_core.resilience.cache.access import StoreWarning
from llm_core.resilience.state.io import AsyncStateIO, SyncStateIO, async_op

__all__ = ["AsyncStateIO", "StateStore", "StateStoreWarning", "SyncStateIO", "async_op"]


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
