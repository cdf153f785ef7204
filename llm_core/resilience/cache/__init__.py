"""Caching: the ``llm_core.cache`` plugin (model lists, opt-in responses) and its default store.

:mod:`.store` holds what is kept and under which key; :mod:`.plugin` the layer and its hook.
"""

from llm_core.resilience.cache.plugin import AsyncCachingAdapter, CachePlugin, CachingAdapter
from llm_core.resilience.cache.store import MemoryStore, ModelCache, response_key

__all__ = [
    "AsyncCachingAdapter",
    "CachePlugin",
    "CachingAdapter",
    "MemoryStore",
    "ModelCache",
    "response_key",
]
