"""The :class:`Stack`: what ``client.adapter`` gives -- the whole wrapped adapter, whose
attributes are looked up down the stack (:func:`~llm_core.layers.layer.reach`), so a provider's
extras (``pull``, ``model_info``) and a layer's (``cooldown_state``, ``capacity``) are reachable
through the layers above them. The layers themselves do not forward attributes: a lookup on them,
on every request, stays the interpreter's fast one."""

from __future__ import annotations

from typing import Any

from llm_core.layers.layer import down, reach

__all__ = ["Stack"]


class Stack:
    """A view of an adapter stack: ``stack.name`` is the first adapter's attribute ``name``,
    from the outermost layer down to the bare adapter."""

    __slots__ = ("top",)

    def __init__(self, top: Any) -> None:
        """``top`` is the outermost adapter (a layer, or a bare adapter)."""
        self.top = top

    def __getattr__(self, name: str) -> Any:
        return reach(self.top, name)

    def __dir__(self) -> list[str]:
        return sorted({name for adapter in down(self.top) for name in dir(adapter)})

    def __repr__(self) -> str:
        return repr(self.top)
