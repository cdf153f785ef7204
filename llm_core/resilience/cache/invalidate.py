"""Invalidating the caches: the cache layer's methods, and ``Client.invalidate_cache()``.

Each method forgets this process's copy at once and bumps the layer's epochs (:mod:`.epoch`),
which with ``cache.shared`` reaches every process sharing the state store within
``state.sync_interval`` s. The sync methods serve both clients (on ``AsyncClient`` they wait
for the store at most ``state.timeout``); the ``a``-prefixed twins await it.

``Client.invalidate_cache()`` finds the cache layers in a client's adapter chain: the cache is
usually outermost, but another wrapper plugin may sit above it, so the chain is walked through
each layer's ``inner`` adapter.
"""

from __future__ import annotations

from typing import Any

from llm_core.resilience.cache.epoch import Epoch, abump, bump_now
from llm_core.resilience.cache.store import MemoryStore, ModelCache

__all__ = ["Invalidation", "ainvalidate_cache", "caches_of", "invalidate_cache"]


class Invalidation:
    """The invalidation methods of the cache layer (:class:`~.plugin.Cache` mixes them in)."""

    models: ModelCache
    epoch: Epoch  # every response and embedding key (and, bumped with it, the model list's)
    models_epoch: Epoch
    store: Any

    def invalidate(self) -> None:
        """Forget the model list and every cached response of this client, in every process
        sharing its store (they notice within ``state.sync_interval`` s).

        Works on any store (old keys are no longer asked for); the default in-memory store,
        which belongs to this client alone, is also emptied to free its memory.
        """
        self.models.invalidate()
        bump_now([self.epoch, self.models_epoch])
        self._free()

    async def ainvalidate(self) -> None:
        """:meth:`invalidate`, awaiting the shared store."""
        self.models.invalidate()
        await abump([self.epoch, self.models_epoch])
        self._free()

    def invalidate_models(self) -> None:
        """Forget the cached model list (in every process sharing the store); the next
        ``list_models`` fetches it again."""
        self.models.invalidate()
        bump_now([self.models_epoch])

    async def ainvalidate_models(self) -> None:
        """:meth:`invalidate_models`, awaiting the shared store."""
        self.models.invalidate()
        await abump([self.models_epoch])

    def _free(self) -> None:
        if isinstance(self.store, MemoryStore):
            self.store.clear()


def caches_of(adapter: Any) -> list[Invalidation]:
    """Every cache layer in ``adapter``'s chain, outermost first."""
    found: list[Invalidation] = []
    seen: set[int] = set()
    while adapter is not None and id(adapter) not in seen:
        seen.add(id(adapter))
        if isinstance(adapter, Invalidation):
            found.append(adapter)
        adapter = getattr(adapter, "inner", None)
    return found


def invalidate_cache(adapter: Any) -> bool:
    """Empty every cache layer in ``adapter``'s chain; False if the client caches nothing."""
    caches = caches_of(adapter)
    for cache in caches:
        cache.invalidate()
    return bool(caches)


async def ainvalidate_cache(adapter: Any) -> bool:
    """:func:`invalidate_cache`, awaiting the shared store."""
    caches = caches_of(adapter)
    for cache in caches:
        await cache.ainvalidate()
    return bool(caches)
