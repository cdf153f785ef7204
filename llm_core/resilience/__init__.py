"""The core's resilience plugins: retry, cooldown, fallback, caches and observation, each a
wrapper of adapter resolution registered under its own name (``specs/resilience.md``).

:func:`core_plugins` builds them with what each needs from the plugin manager -- the resolve
hook, the provider registry, the store hook, the observer -- so that none of them imports it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["core_plugins"]


def core_plugins(pm: Any) -> dict[str, Any]:
    """The core's own plugins by registration name, in registration order.

    Order matters for wrappers of equal priority: from the bare adapter outwards,
    ``llm_core.observe`` (trylast, registered after retry so it sits inside it),
    ``llm_core.retry`` (trylast), ``llm_core.cooldown``, ``llm_core.rate_limit`` (normal,
    registered after cooldown so it sits outside it), ``llm_core.router`` (tryfirst,
    registered before fallback so the router is the chain's first link), ``llm_core.fallback``
    (tryfirst, so a plugin's normal-priority wrapper sits inside it and sees each link once;
    inside a router, each deployment once), ``llm_core.cache``
    (tryfirst, registered after fallback so it sits outside it), ``llm_core.structured``
    (tryfirst, registered after the cache so it sits outside it). ``llm_core.cache_store``
    provides the default response store and ``llm_core.logging`` the logging observer.
    """
    from llm_core.resilience.cache import plugin as cache
    from llm_core.resilience.cache import store
    from llm_core.resilience.cooldown import CooldownPlugin
    from llm_core.resilience.fallback import FallbackPlugin
    from llm_core.resilience.log import LoggingPlugin
    from llm_core.resilience.observe import ObservePlugin
    from llm_core.resilience.ratelimit import RateLimitPlugin
    from llm_core.resilience.retry import RetryPlugin
    from llm_core.resilience.state.plugin import StatePlugin, StateStores
    from llm_core.router.plugin import RouterPlugin
    from llm_core.structured.plugin import StructuredPlugin

    hook, observer = pm.hook, pm.observer
    states = StateStores(StatePlugin().llm_core_state_store)
    return {
        "llm_core.retry": RetryPlugin(observer),
        "llm_core.observe": ObservePlugin(observer),
        "llm_core.cooldown": CooldownPlugin(states=states),
        "llm_core.rate_limit": RateLimitPlugin(states),
        "llm_core.router": RouterPlugin(
            hook.llm_core_resolve_adapter, pm.providers, observer, states
        ),
        "llm_core.fallback": FallbackPlugin(hook.llm_core_resolve_adapter, pm.providers, observer),
        "llm_core.cache": cache.CachePlugin(hook.llm_core_response_cache_store, observer, states),
        "llm_core.cache_store": store,
        "llm_core.logging": LoggingPlugin(),
        "llm_core.structured": StructuredPlugin(observer),
    }
