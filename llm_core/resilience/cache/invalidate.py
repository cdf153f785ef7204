"""``Client.invalidate_cache()``: find the cache layer in a client's adapter chain and empty it.

The cache is usually outermost, but another wrapper plugin may sit above it, so the chain is
walked through each layer's ``inner`` adapter.
"""

from __future__ import annotations

from typing import Any

from llm_core.resilience.cache.plugin import Cache

__all__ = ["invalidate_cache"]


def invalidate_cache(adapter: Any) -> bool:
    """Empty every cache layer in ``adapter``'s chain; False if the client caches nothing."""
    found = False
    seen: set[int] = set()
    while adapter is not None and id(adapter) not in seen:
        seen.add(id(adapter))
        if isinstance(adapter, Cache):
            adapter.invalidate()
            found = True
        adapter = getattr(adapter, "inner", None)
    return found
