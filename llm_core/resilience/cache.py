"""The ``llm_core.cache`` plugin: the model-list cache and the opt-in response cache.

It wraps the primary only, outermost (``tryfirst``), so a hit skips fallback and retry.

Model lists: each client keeps its provider's list for ``cache.models_ttl`` seconds (0: no
cache). Concurrent misses share one fetch (no stampede); a failed fetch is not cached.
``client.adapter.invalidate_models()`` forgets the list at once (after pulling or loading a
model, for instance).

Responses (``cache.responses = True``): the key is a SHA-256 of provider, base URL, configured
options, model and :meth:`~llm_core.types.Request.cache_key_material` -- never the API key.
Only deterministic requests (temperature 0 or a seed) are cached unless ``cache.force``. The
store comes from the ``llm_core_response_cache_store`` hook (see :mod:`.store`). A hit makes no
request and is marked ``Response.cached``; identical requests in flight at once share one call
(the others are marked cached too). A stream that hits replays the cached answer as one text
event and the final event; a stream that misses is stored once it finished.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

from llm_core.adapter import AsyncWrappingAdapter, WrappingAdapter
from llm_core.hookspecs import hookimpl
from llm_core.resilience.cache_state import CacheState
from llm_core.resilience.common import aclosing_events, closing_events
from llm_core.resilience.observe import observer
from llm_core.resilience.singleflight import AsyncSingleFlight, SingleFlight
from llm_core.types import ModelInfo, Request, Response, StreamEvent

__all__ = ["AsyncCachingAdapter", "CachePlugin", "CachingAdapter"]

_MODELS = ("models",)


class CachingAdapter(CacheState, WrappingAdapter):
    """Caches a sync adapter's model list and (opt-in) its responses."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.flights = SingleFlight()

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        key = self._key(request)
        if key is None:
            return self.inner.generate(request, deadline=deadline)
        started = time.perf_counter()

        def fetch() -> Response:
            hit = self._hit(key, request, started)
            if hit is not None:
                return hit
            response = self.inner.generate(request, deadline=deadline)
            self._keep(key, response)
            return response

        response, led = self.flights.run(key, fetch, deadline=deadline)
        return response if led else self._as_hit(response, request, started)

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        key = self._key(request)
        if key is None:
            return self.inner.stream(request, deadline=deadline)
        hit = self._hit(key, request, time.perf_counter())
        return iter(self._replay(hit)) if hit is not None else self._stream(key, request, deadline)

    def _stream(self, key: str, request: Request, deadline: float | None) -> Iterator[StreamEvent]:
        with closing_events(iter(self.inner.stream(request, deadline=deadline))) as events:
            for event in events:
                if event.done and event.response is not None:
                    self._keep(key, event.response)
                yield event

    def list_models(self) -> list[ModelInfo]:
        found = self.models.get()
        if found is not None:
            return self._models_hit(found)

        def fetch() -> list[ModelInfo]:
            found = self.models.get()
            if found is not None:
                return found
            generation = self.models.generation
            models = self.inner.list_models()
            self.models.put(models, generation)
            return models

        models, led = self.flights.run(_MODELS, fetch)
        return list(models) if led else self._models_hit(models)


class AsyncCachingAdapter(CacheState, AsyncWrappingAdapter):
    """The async twin of :class:`CachingAdapter`."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.flights = AsyncSingleFlight()

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        key = self._key(request)
        if key is None:
            return await self.inner.generate(request, deadline=deadline)
        started = time.perf_counter()

        async def fetch() -> Response:
            hit = self._hit(key, request, started)
            if hit is not None:
                return hit
            response = await self.inner.generate(request, deadline=deadline)
            self._keep(key, response)
            return response

        response, led = await self.flights.run(key, fetch, deadline=deadline)
        return response if led else self._as_hit(response, request, started)

    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        key = self._key(request)
        if key is None:
            return self.inner.stream(request, deadline=deadline)
        return self._stream(key, request, deadline)

    async def _stream(
        self, key: str, request: Request, deadline: float | None
    ) -> AsyncIterator[StreamEvent]:
        hit = self._hit(key, request, time.perf_counter())
        if hit is not None:
            for event in self._replay(hit):
                yield event
            return
        async with aclosing_events(aiter(self.inner.stream(request, deadline=deadline))) as ev:
            async for event in ev:
                if event.done and event.response is not None:
                    self._keep(key, event.response)
                yield event

    async def list_models(self) -> list[ModelInfo]:
        found = self.models.get()
        if found is not None:
            return self._models_hit(found)

        async def fetch() -> list[ModelInfo]:
            found = self.models.get()
            if found is not None:
                return found
            generation = self.models.generation
            models = await self.inner.list_models()
            self.models.put(models, generation)
            return models

        models, led = await self.flights.run(_MODELS, fetch)
        return list(models) if led else self._models_hit(models)


class CachePlugin:
    """``llm_core.cache``: wraps the primary when a model TTL or the response cache is set."""

    @hookimpl(wrapper=True, tryfirst=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Wrap the whole chain (primary only) in the caches."""
        adapter = yield
        cache = settings.cache
        if adapter is None or role != "primary" or not (cache.responses or cache.models_ttl):
            return adapter
        store = None
        if cache.responses:
            from llm_core.plugins import get_plugin_manager

            store = get_plugin_manager().hook.llm_core_response_cache_store(settings=settings)
        cls = AsyncCachingAdapter if is_async else CachingAdapter
        return cls(adapter, config, settings, store, observer())
