"""``shells_for(Protocol)``: the sync and async adapter classes of a registered protocol."""

from __future__ import annotations

from functools import cache

from llm_core.http.adapters import AsyncHTTPAdapter, HTTPAdapter
from llm_core.http.protocol import HTTPProtocol

__all__ = ["shells_for"]


@cache
def shells_for(protocol: type[HTTPProtocol]) -> tuple[type[HTTPAdapter], type[AsyncHTTPAdapter]]:
    """The sync and async adapter classes of ``protocol`` (made once, named after it)."""
    name = protocol.__name__.removesuffix("Protocol") + "Adapter"
    doc = f"The adapter of :class:`{protocol.__module__}.{protocol.__qualname__}`."
    attrs = {"__module__": protocol.__module__, "__doc__": doc}
    sync = type(name, (protocol, HTTPAdapter), dict(attrs))
    return sync, type("Async" + name, (protocol, AsyncHTTPAdapter), dict(attrs))
