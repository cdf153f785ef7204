"""The ``llm_core.router`` plugin: ``Client("router")`` routes over ``settings.router.deployments``.

It registers the provider name ``router`` (a placeholder adapter that does nothing) and wraps
the primary whose provider is ``router`` in a :class:`~.layer.Router`. It is ``tryfirst`` and
registered before ``llm_core.fallback``, so the router is the fallback chain's first link
(``fallbacks=[...]`` serve when every deployment failed) and the response cache sits outside
both. Each deployment is resolved through the same hook with ``role="deployment"``, so it gets
its own observe, retry (``router.attempts`` tries) and cooldown layers, and a plugin's
normal-priority wrapper sees each deployment once. Block it by name (``llm_core.router``) and
register your own to replace it.
"""

from __future__ import annotations

from typing import Any

from llm_core.adapter import Adapter, AsyncAdapter
from llm_core.errors import ConfigurationError
from llm_core.hookspecs import hookimpl
from llm_core.layers import AsyncLayerAdapter, LayerAdapter
from llm_core.resilience.state import AsyncStateIO, SyncStateIO
from llm_core.router.capacity import Capacity
from llm_core.router.deployments import ROUTER, Deployment, deployments_of
from llm_core.router.layer import Router

__all__ = ["AsyncRouterAdapter", "AsyncUnrouted", "RouterAdapter", "RouterPlugin", "Unrouted"]


class RouterAdapter(SyncStateIO, Router, LayerAdapter):
    """Sync shell of :class:`~.layer.Router`."""


class AsyncRouterAdapter(AsyncStateIO, Router, AsyncLayerAdapter):
    """Async shell of :class:`~.layer.Router`."""

    async def aclose(self) -> None:
        """Close the deployments, then wait for the lease releases still pending."""
        try:
            await super().aclose()
        finally:
            await self.capacity.background.drain()


def _unrouted() -> ConfigurationError:
    return ConfigurationError(
        "provider 'router' was called without the llm_core.router plugin wrapping it",
        hint="Do not block llm_core.router, or register a plugin that routes 'router'.",
    )


class Unrouted(Adapter):
    """The adapter behind provider ``router``: the router plugin replaces it; it never serves."""

    provider = ROUTER

    def generate(self, request: Any, *, deadline: float | None = None) -> Any:
        """Never serves: see the class docstring."""
        raise _unrouted()

    def stream(self, request: Any, *, deadline: float | None = None) -> Any:
        """Never serves."""
        raise _unrouted()

    def list_models(self) -> Any:
        """Never serves."""
        raise _unrouted()

    def health_check(self) -> Any:
        """Never serves."""
        raise _unrouted()


class AsyncUnrouted(AsyncAdapter):
    """The async twin of :class:`Unrouted`."""

    provider = ROUTER

    async def generate(self, request: Any, *, deadline: float | None = None) -> Any:
        """Never serves."""
        raise _unrouted()

    def stream(self, request: Any, *, deadline: float | None = None) -> Any:
        """Never serves."""
        raise _unrouted()

    async def list_models(self) -> Any:
        """Never serves."""
        raise _unrouted()

    async def health_check(self) -> Any:
        """Never serves."""
        raise _unrouted()


class RouterPlugin:
    """``llm_core.router``, built by the core with the resolve hook, the provider registry, the
    observer and the process's state stores."""

    def __init__(self, resolve: Any, providers: Any, observer: Any, states: Any) -> None:
        self.resolve, self.providers, self.observer = resolve, providers, observer
        self.states = states

    @hookimpl
    def llm_core_register_providers(self, register: Any) -> None:
        """Register ``router``."""
        register(
            ROUTER,
            adapter="llm_core.router.plugin:Unrouted",
            async_adapter="llm_core.router.plugin:AsyncUnrouted",
            description="One logical provider over settings.router.deployments",
        )

    @hookimpl(wrapper=True, tryfirst=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Route a primary whose provider is ``router``; leave everything else alone."""
        adapter = yield
        if adapter is None or role != "primary" or config.provider != ROUTER:
            return adapter
        deployments = deployments_of(config, settings, self.providers)
        retry = settings.retry.model_copy(update={"max_attempts": settings.router.attempts})
        linked = settings.model_copy(update={"retry": retry})

        def resolve(d: Deployment) -> Any:
            return self.resolve(
                config=d.config, settings=linked, is_async=is_async, role="deployment"
            )

        capacity = Capacity(self.states.get(settings), settings, deployments, is_async)
        cls = AsyncRouterAdapter if is_async else RouterAdapter
        return cls(adapter, deployments, settings, capacity, self.observer, resolve)
