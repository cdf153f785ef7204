"""Which store holds the shared state: the core's opener and the :class:`StateStores` registry.

``settings.state.url`` names the store: ``memory`` (this process, the default), ``sqlite:///``
``path`` (one machine, several processes) or ``redis://...`` (``pip install llm-core-redis``).
:class:`StatePlugin` opens the first two; any other scheme is opened by the entry point of that
name in the :data:`OPENERS_GROUP` group (``llm-core-redis`` registers ``redis``, ``rediss``
and ``unix``), so no hook is needed. :class:`StateStores` opens each URL once per process and
wraps every store but ``memory`` in :class:`~.guard.Guarded`, so a shared store that is down,
slow or flushed degrades to local state and never fails a request.
"""

from __future__ import annotations

import threading
from typing import Any

from llm_core import discovery
from llm_core.errors import ConfigurationError, redact_url
from llm_core.resilience.state.guard import Guarded
from llm_core.resilience.state.memory import MemoryState

__all__ = ["OPENERS_GROUP", "StatePlugin", "StateStores"]

#: The entry-point group of state-store openers, named by URL scheme (``redis = "pkg:open"``);
#: an opener takes the Settings and returns a store (``llm-core-redis`` registers ``redis``).
OPENERS_GROUP = "llm_core.state_stores"


def _opener(scheme: str) -> Any:
    for ep in discovery.entry_points(OPENERS_GROUP):
        if ep.name == scheme:
            return ep.load()
    return None


class StatePlugin:
    """``llm_core.state``: opens ``memory`` and ``sqlite://`` URLs."""

    def llm_core_state_store(self, settings: Any) -> Any:
        """A MemoryState or a SQLiteState for ``settings.state.url``; None for other schemes."""
        url = settings.state.url
        if url == "memory":
            return MemoryState()
        if url.startswith("sqlite://"):
            from llm_core.resilience.state.sqlite import SQLiteState, sqlite_path  # on use

            return SQLiteState(sqlite_path(url), timeout=max(settings.state.timeout, 1.0))
        return None


class StateStores:
    """The process's open stores, one per ``state.url`` (asked of ``hook`` on first use)."""

    def __init__(self, hook: Any) -> None:
        self.hook = hook
        self._lock = threading.Lock()
        self._open: dict[tuple[str, str], Any] = {}

    def get(self, settings: Any) -> Any:
        """The store of ``settings.state`` (the same object for every client of this URL)."""
        state = settings.state
        key = (state.url, state.prefix)
        store = self._open.get(key)
        if store is None:
            with self._lock:
                store = self._open.get(key)
                if store is None:
                    store = self._open[key] = self._build(settings)
        return store

    def shared(self, settings: Any) -> bool:
        """Whether ``settings`` names a store other processes see."""
        return settings.state.url != "memory"

    def _build(self, settings: Any) -> Any:
        state = settings.state
        store = self.hook(settings=settings)
        scheme = state.url.split("://", 1)[0]
        if store is None and (opener := _opener(scheme)) is not None:
            store = opener(settings)
        if store is None:
            hint = "Use memory, sqlite:///path/to/state.db or redis://host:6379/0"
            if scheme in ("redis", "rediss", "unix"):
                hint = "Install the Redis store: pip install llm-core-redis"
            raise ConfigurationError(
                f"invalid state.url {redact_url(state.url)!r}: no plugin opens {scheme!r} stores",
                hint=hint + " (LLM_CORE_STATE__URL).",
            )
        if isinstance(store, MemoryState):
            return store
        return Guarded(store, redact_url(state.url), state.timeout, state.retry_after)

    def reset(self) -> None:
        """Close and forget every open store (for tests)."""
        with self._lock:
            for store in self._open.values():
                getattr(store, "close", lambda: None)()
            self._open.clear()
