"""Whether a provider can take a request with tools (``AdapterBase.supports_tools``).

A request with tools never reaches a provider whose adapter says ``supports_tools = False``:
the fallback layer skips such a link, recording a :class:`~llm_core.errors.NotSupportedError`
as that link's failure (``Response.fallbacks`` / ``attempts``, the ``llm_core_on_fallback``
hook); a client without fallbacks raises it before sending anything.
"""

from __future__ import annotations

from typing import Any

from llm_core.errors import NotSupportedError
from llm_core.layers.layer import reach

__all__ = ["refuse_tools", "refuse_tools_direct"]


def refuse_tools(adapter: Any, request: Any, label: str) -> None:
    """Raise NotSupportedError if ``request`` has tools and ``adapter`` cannot send them."""
    if not getattr(request, "tools", None) or reach(adapter, "supports_tools", False):
        return
    raise NotSupportedError(
        f"provider {label!r} does not support tools (its adapter says supports_tools = False);"
        f" the request has {len(request.tools)} tool(s)",
        provider=label,
        model=getattr(request, "model", None),
        hint=reach(adapter, "tools_hint", None)
        or "Use a provider that supports tools (openai, ollama, lmstudio), add one as a "
        "fallback, or send the request without tools.",
    )


def refuse_tools_direct(client: Any, request: Any) -> None:
    """The client's check: without fallbacks the primary must support tools (with fallbacks
    the fallback layer checks each link and skips the ones that cannot)."""
    adapter = client._adapter
    usable = reach(adapter, "supports_tools", False)  # read first: the label costs more
    if request.tools and not usable and not client.settings.fallbacks:
        refuse_tools(adapter, request, client.settings.primary().label())
