"""The response cache in the shared state store (``cache.shared = True``): a hit for one
process is a hit for every process that reaches the same store (SQLite file, Redis).

:class:`SharedStore` is a response store (``get`` / ``set`` and their ``aget`` / ``aset``
twins) over a :class:`~llm_core.resilience.state.StateStore`. Answers are kept as JSON, never
pickled, so a value written into a shared Redis by someone else can at worst be a miss (a value
that does not decode is one). It holds what the cache layer stores: a
:class:`~llm_core.types.Response` (attempts and fallbacks are not kept; ``parsed`` only when it
is plain JSON), an embedding ``(model, vector)``, or a model list.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from llm_core.messages import ToolCall
from llm_core.types import ModelInfo, Response, Usage

__all__ = ["SharedStore", "decode", "encode"]


def encode(value: Any) -> bytes:
    """A Response, a model list or an embedding ``(model, vector)`` as JSON bytes."""
    if isinstance(value, Response):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(Response)}
        fields.update(attempts=[], fallbacks=[], cached=False)
        fields["usage"] = dataclasses.asdict(value.usage)
        fields["tool_calls"] = [dataclasses.asdict(t) for t in value.tool_calls]
        try:
            json.dumps(fields["parsed"])
        except (TypeError, ValueError):  # a model instance: the structured layer parses again
            fields["parsed"] = None
        return json.dumps({"response": fields}, default=str).encode()
    if isinstance(value, list):
        models = [dataclasses.asdict(m) for m in value]
        return json.dumps({"models": models}, default=str).encode()
    model, vector = value
    return json.dumps({"embedding": [model, list(vector)]}).encode()


def decode(raw: bytes) -> Any:
    """What :func:`encode` wrote; None for anything else (a miss)."""
    try:
        data = json.loads(raw)
        if "response" in data:
            fields = data["response"]
            fields["usage"] = Usage(**fields["usage"])
            fields["tool_calls"] = [ToolCall(**t) for t in fields["tool_calls"]]
            return Response(**fields)
        if "models" in data:
            return [
                ModelInfo(**{**m, "capabilities": tuple(m["capabilities"])}) for m in data["models"]
            ]
        model, vector = data["embedding"]
        return model, tuple(vector)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


class SharedStore:
    """A response store over ``state`` (keys under ``prefix``)."""

    def __init__(self, state: Any, prefix: str) -> None:
        self.state, self.prefix = state, prefix

    def get(self, key: str) -> Any:
        """The value under ``key``, or None."""
        raw = self.state.get(self.prefix + key)
        return None if raw is None else decode(raw)

    def set(self, key: str, value: Any, ttl: float) -> None:
        """Keep ``value`` for ``ttl`` seconds."""
        self.state.set(self.prefix + key, encode(value), ttl)

    async def aget(self, key: str) -> Any:
        """:meth:`get` for async callers."""
        raw = await self._async("get", self.prefix + key)
        return None if raw is None else decode(raw)

    async def aset(self, key: str, value: Any, ttl: float) -> None:
        """:meth:`set` for async callers."""
        await self._async("set", self.prefix + key, encode(value), ttl)

    async def aclose(self) -> None:
        """Release the state store's connections of the running event loop."""
        release = getattr(self.state, "aclose", None)
        if release is not None:
            await release()

    async def _async(self, name: str, *args: Any) -> Any:
        # StateStores hands out a Guarded store (coroutine twins, bounded) or a MemoryState
        # (dict operations, never blocking), so no worker thread is needed.
        twin = getattr(self.state, "a" + name, None)
        return await twin(*args) if twin is not None else getattr(self.state, name)(*args)
