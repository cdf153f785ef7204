"""The router's shells: :class:`~.layer.Router` run blocking or awaiting, and :func:`build`,
which the ``llm_core.router`` plugin calls when it wraps a ``router`` primary.
"""

from __future__ import annotations

from typing import Any

from llm_core.layers import AsyncLayerAdapter, LayerAdapter
from llm_core.resilience.state import AsyncStateIO, SyncStateIO
from llm_core.router.capacity import Capacity
from llm_core.router.deployments import Deployment, deployments_of
from llm_core.router.layer import Router

__all__ = ["AsyncRouterAdapter", "RouterAdapter", "build"]


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


def build(adapter: Any, config: Any, settings: Any, is_async: bool, plugin: Any) -> Any:
    """The router shell over ``config``'s deployments (``plugin`` is the RouterPlugin: its
    resolve hook, provider registry, observer and state stores)."""
    deployments = deployments_of(config, settings, plugin.providers)
    retry = settings.retry.model_copy(update={"max_attempts": settings.router.attempts})
    linked = settings.model_copy(update={"retry": retry})

    def resolve(d: Deployment) -> Any:
        return plugin.resolve(
            config=d.config, settings=linked, is_async=is_async, role="deployment"
        )

    capacity = Capacity(plugin.states.get(settings), settings, deployments, is_async)
    cls = AsyncRouterAdapter if is_async else RouterAdapter
    return cls(adapter, deployments, settings, capacity, plugin.observer, resolve)
