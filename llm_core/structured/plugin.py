"""``llm_core.structured``: the wrapper that validates and repairs ``schema=`` answers.

It wraps the primary chain outermost (``tryfirst``, registered after ``llm_core.cache``), so a
cached answer is validated again and a repair may fall back like any call. Block it
(``pm.set_blocked("llm_core.structured")``) or register another plugin under the name to change
the policy; without it ``schema=`` still reaches the server, but nothing fills ``parsed``.
"""

from __future__ import annotations

from typing import Any

from llm_core.hookspecs import hookimpl
from llm_core.resilience.observe import Observer
from llm_core.structured.layer import AsyncStructuredAdapter, StructuredAdapter

__all__ = ["StructuredPlugin"]


class StructuredPlugin:
    """Wraps the primary adapter chain in :class:`~llm_core.structured.layer.Structured`."""

    def __init__(self, observer: Observer) -> None:
        self.observer = observer

    @hookimpl(wrapper=True, tryfirst=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Wrap the whole chain (primary only)."""
        adapter = yield
        if adapter is None or role != "primary":
            return adapter
        cls = AsyncStructuredAdapter if is_async else StructuredAdapter
        return cls(adapter, self.observer)
