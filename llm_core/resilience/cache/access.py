"""How a cache layer reaches its store: awaited when the store is async, never on the event loop
when it blocks, and a failing store is a miss (one :class:`StoreWarning`), never a failed call.

The store protocol (``llm_core_response_cache_store`` returns one; ``specs/hooks.md``):

- required: ``get(key) -> value | None`` and ``set(key, value, ttl)``, thread-safe;
- optional: ``aget(key)`` and ``aset(key, value, ttl)`` coroutines, used by ``AsyncClient``
  (a Redis store offers both from redis-py's sync and asyncio clients);
- optional: ``blocking = False`` for a store whose sync methods never wait (the in-memory
  default): ``AsyncClient`` then calls them inline instead of in a worker thread.

A store that raises, in any method, degrades to a miss: the call goes to the provider, the
answer is not kept, and the first failure of each store is reported once as a warning (its
text scrubbed of known credentials).
"""

from __future__ import annotations

import warnings
from typing import Any

import anyio.to_thread

from llm_core.errors import scrub_secrets
from llm_core.flow import Flow, arun
from llm_core.resilience.background import Background

__all__ = ["StoreAccess", "StoreWarning"]


class StoreWarning(UserWarning):
    """The response store failed; the cache served a miss instead (once per store)."""


class StoreAccess:
    """One cache layer's way to its store (see the module docstring), for flows.

    ``mode`` is ``"inline"`` (call the sync methods where the flow runs), ``"native"`` (await
    ``aget`` / ``aset``) or ``"thread"`` (await the sync methods in a worker thread).
    """

    __slots__ = ("background", "mode", "store", "warned")

    def __init__(self, store: Any, is_async: bool) -> None:
        self.store, self.warned = store, False
        # Background writes of streams (kept referenced; drained by AsyncClient.aclose()).
        self.background = Background(lambda exc: self.failed("set", exc))
        if not is_async or not getattr(store, "blocking", True):
            self.mode = "inline"
        elif callable(getattr(store, "aget", None)) and callable(getattr(store, "aset", None)):
            self.mode = "native"
        else:
            self.mode = "thread"

    def get(self, key: str) -> Flow[Any]:
        """The stored value, or None on a miss or a failing store: ``yield from access.get(k)``."""
        try:
            if self.mode == "inline":
                return self.store.get(key)
            if self.mode == "native":
                return (yield self.store.aget(key))
            return (yield anyio.to_thread.run_sync(self.store.get, key))
        except Exception as exc:  # a store fault is a miss, never a failed call
            self.failed("get", exc)
            return None

    def set(self, key: str, value: Any, ttl: float) -> Flow[None]:
        """Keep ``value`` (a failing store is reported once and otherwise ignored)."""
        try:
            if self.mode == "inline":
                self.store.set(key, value, ttl)
            elif self.mode == "native":
                yield self.store.aset(key, value, ttl)
            else:
                yield anyio.to_thread.run_sync(self.store.set, key, value, ttl)
        except Exception as exc:
            self.failed("set", exc)

    def set_soon(self, key: str, value: Any, ttl: float) -> None:
        """Keep ``value`` from a plain callback (a stream's end): at once when inline, else as a
        task on the running loop."""
        flow = self.set(key, value, ttl)
        if self.mode == "inline":
            for _ in flow:  # an inline set yields nothing
                pass
            return
        self.background.spawn(arun(flow))

    def failed(self, operation: str, exc: BaseException) -> None:
        """Report the store's first failure as a :class:`StoreWarning`."""
        if self.warned:
            return
        self.warned = True
        why = scrub_secrets(f"{type(exc).__name__}: {exc}")[:300]
        warnings.warn(
            f"response store {type(self.store).__name__}.{operation} failed ({why}); "
            "serving without the cache (reported once per store)",
            StoreWarning,
            stacklevel=2,
        )
