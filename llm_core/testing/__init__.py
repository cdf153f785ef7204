"""The plugin author kit: a contract test suite every provider adapter must pass.

Subclass :class:`AdapterContract` in your plugin's tests and give it your backend and a model
name; the kit checks registration, config validation, generate, stream (with early close),
list_models, health_check, async parity, error mapping, the core's retry / fallback / cache
wrappers, that no API key leaks, that hostile answers (dripping, endless, oversized, a gzip
bomb) end at the total deadline or the byte limits, and, for an adapter with
``supports_tools = True``, tool calls (parsed, sent back with the tool role, streamed,
parallel). Misbehaving loopback endpoints (:class:`RefusedPort`, :class:`SilentServer`,
:class:`CountingProxy`, :class:`HostileServer`) are here for your own tests too.

This package imports pytest; ``import llm_core`` never imports it. Names are loaded on first
access, so the pytest plugin (``llm_core.testing.plugin``) stays cheap to load.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llm_core.testing.contract import AdapterContract
    from llm_core.testing.contract.fixtures import tiny_png
    from llm_core.testing.hostile import HostileServer
    from llm_core.testing.servers import CountingProxy, RefusedPort, SilentServer

__all__ = [
    "AdapterContract",
    "CountingProxy",
    "HostileServer",
    "RefusedPort",
    "SilentServer",
    "tiny_png",
]

_HOME = {
    "AdapterContract": "llm_core.testing.contract",
    "CountingProxy": "llm_core.testing.servers",
    "HostileServer": "llm_core.testing.hostile",
    "RefusedPort": "llm_core.testing.servers",
    "SilentServer": "llm_core.testing.servers",
    "tiny_png": "llm_core.testing.contract.fixtures",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'llm_core.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
