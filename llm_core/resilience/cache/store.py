"""What the caches keep, and under which key: the response store, the model-list holder.

:func:`response_key` names an answer (never by a credential). The response cache's default store
is an in-memory LRU with a TTL per entry. A store is anything with ``get(key) -> Response |
None`` and ``set(key, response, ttl)``, both thread-safe, optionally ``aget`` / ``aset``
coroutines (the full protocol: :mod:`~llm_core.resilience.cache.access`). The
``llm_core.cache_store`` plugin returns a :class:`MemoryStore` from the
``llm_core_response_cache_store`` hook (``trylast``); a plugin that returns its own store from
that hook (a disk or Redis store) replaces it. Each client asks the hook once, so by default
each client has its own store; a plugin may return one shared store instead."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from llm_core.errors import redact_url
from llm_core.hookspecs import hookimpl
from llm_core.request import Request
from llm_core.types import ModelInfo, Response

__all__ = ["MemoryStore", "ModelCache", "llm_core_response_cache_store", "response_key"]


def response_key(config: Any, model: str | None, request: Request) -> str:
    """The response-cache key of ``request`` on ``config`` (no credentials in it)."""
    base = redact_url(config.base_url) if config.base_url else ""
    options = json.dumps(config.options, sort_keys=True, default=str)
    material = "\n".join(
        (config.provider, base, options, model or "", request.cache_key_material())
    )
    return hashlib.sha256(material.encode()).hexdigest()


class ModelCache:
    """One provider's model list, kept ``ttl`` seconds; thread-safe; invalidation wins races."""

    def __init__(self, ttl: float, clock: Any = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._lock = threading.Lock()
        self._value: list[ModelInfo] | None = None
        self._expires = 0.0
        self.generation = 0

    def get(self) -> list[ModelInfo] | None:
        """The cached list, or None when absent or expired."""
        with self._lock:
            if self._value is not None and self.clock() < self._expires:
                return self._value
            return None

    def put(self, models: list[ModelInfo], generation: int) -> None:
        """Keep ``models`` unless the cache was invalidated since ``generation`` was read."""
        with self._lock:
            if generation == self.generation:
                self._value, self._expires = list(models), self.clock() + self.ttl

    def invalidate(self) -> None:
        """Forget the list; a fetch that started before this is not kept."""
        with self._lock:
            self._value = None
            self.generation += 1


class MemoryStore:
    """A thread-safe LRU of at most ``max_entries`` responses, each kept for its ``ttl``."""

    #: Its methods never wait, so AsyncClient calls them inline (see ``access.StoreAccess``).
    blocking = False

    def __init__(
        self, max_entries: int = 1024, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """``clock`` is injectable for tests."""
        if max_entries < 1:
            raise ValueError(f"max_entries must be at least 1, got {max_entries}")
        self.max_entries, self.clock = max_entries, clock
        self._lock = threading.Lock()
        self._items: OrderedDict[str, tuple[float, Response]] = OrderedDict()

    def get(self, key: str) -> Response | None:
        """The response stored under ``key``, or None if absent or expired."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] <= self.clock():
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return item[1]

    def set(self, key: str, response: Response, ttl: float) -> None:
        """Store ``response`` for ``ttl`` seconds, evicting the least recently used beyond the
        size limit."""
        with self._lock:
            self._items[key] = (self.clock() + ttl, response)
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


@hookimpl(trylast=True)
def llm_core_response_cache_store(settings: Any) -> MemoryStore:
    """The default store: a new in-memory LRU sized by ``settings.cache.max_entries``."""
    return MemoryStore(settings.cache.max_entries)
