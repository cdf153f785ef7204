"""The named resilience plugins the core registers on itself.

Registration order matters for wrappers of equal priority, so the dict is ordered: from the
bare adapter outwards, ``llm_core.observe`` (trylast, registered after retry so it sits inside
it), ``llm_core.retry`` (trylast), ``llm_core.cooldown``, ``llm_core.fallback`` (registered
after cooldown so it sits outside it), ``llm_core.cache`` (tryfirst). ``llm_core.cache_store``
provides the default response store and ``llm_core.logging`` the logging observer.

Block one to change policy (``pm.set_blocked("llm_core.retry")``), or unregister it and register
a replacement under the same name.
"""

from __future__ import annotations

from typing import Any

__all__ = ["core_plugins"]


def core_plugins() -> dict[str, Any]:
    """The core's own resilience plugins by registration name (block one to change policy)."""
    from llm_core.resilience import store
    from llm_core.resilience.cache import CachePlugin
    from llm_core.resilience.fallback import FallbackPlugin
    from llm_core.resilience.guard import CooldownPlugin
    from llm_core.resilience.logging_plugin import LoggingPlugin
    from llm_core.resilience.observing import ObservePlugin
    from llm_core.resilience.retry import RetryPlugin

    return {
        "llm_core.retry": RetryPlugin(),
        "llm_core.observe": ObservePlugin(),
        "llm_core.cooldown": CooldownPlugin(),
        "llm_core.fallback": FallbackPlugin(),
        "llm_core.cache": CachePlugin(),
        "llm_core.cache_store": store,
        "llm_core.logging": LoggingPlugin(),
    }
