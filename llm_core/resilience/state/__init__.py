"""Shared state: the :class:`StateStore` protocol and its core implementations.

:mod:`.protocol` holds the protocol and how flows call a store from either shell; :mod:`.memory`
the in-process default; :mod:`.sqlite` the one-machine, several-process store.
"""

from llm_core.resilience.state.memory import MemoryState
from llm_core.resilience.state.protocol import (
    AsyncStateIO,
    StateStore,
    StateStoreWarning,
    SyncStateIO,
    async_op,
)
from llm_core.resilience.state.sqlite import SQLiteState, sqlite_path

__all__ = [
    "AsyncStateIO",
    "MemoryState",
    "SQLiteState",
    "StateStore",
    "StateStoreWarning",
    "SyncStateIO",
    "async_op",
    "sqlite_path",
]
