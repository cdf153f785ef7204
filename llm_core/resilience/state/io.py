"""How a layer's flow calls a state store from either shell (re-exported by :mod:`.protocol`).

``value = yield self.io(store, "get", key)``: the sync shell calls ``store.get`` at once; the
async shell returns ``store.aget(key)`` when the store has it, else runs ``store.get`` in a
worker thread (or inline when the store sets ``blocking = False``). This module imports no
other part of llm-core, so the caches may use it without an import circle.
"""

from __future__ import annotations

import functools
from typing import Any

import anyio

__all__ = ["AsyncStateIO", "SyncStateIO", "async_op"]


async def async_op(store: Any, name: str, *args: Any) -> Any:
    """Run ``store.<name>(*args)`` for an async caller (the rules in the module docstring)."""
    twin = getattr(store, "a" + name, None)
    if twin is not None:
        return await twin(*args)
    method = getattr(store, name)
    if getattr(store, "blocking", True) is False:
        return method(*args)
    return await anyio.to_thread.run_sync(functools.partial(method, *args))


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
