"""The ``llm_core.cache`` plugin: the model-list cache and the opt-in response cache.

It wraps the primary only, outermost (``tryfirst``), so a hit skips fallback and retry.

Model lists: each client keeps its provider's list for ``cache.models_ttl`` seconds (0: no
cache); with ``cache.shared`` the list lives in the state store for that long and each process
keeps it at most ``state.sync_interval`` s. Concurrent misses share one fetch (no stampede); a
failed fetch is not cached.
``client.adapter.invalidate_models()`` forgets the list at once (after pulling or loading a
model, for instance); ``client.invalidate_cache()`` forgets the list and every cached response;
with ``cache.shared``, in every process sharing the store (:mod:`.invalidate`, :mod:`.epoch`).

Responses (``cache.responses = True``): the key is :func:`~.store.response_key` -- never the
API key. Only deterministic requests (temperature 0 or a seed) are cached unless
``cache.force``, and never a request with tools unless ``cache.tools``. The store comes from
the ``llm_core_response_cache_store`` hook, or with ``cache.shared`` from the shared state store
(:mod:`.shared`). A hit makes no request and is marked ``Response.cached``; identical requests
in flight at once share one call (the others are marked cached too). A stream that hits replays
the cached answer as one text event and the final event; a stream that misses is stored once it
finished.

Embeddings (``cache.embeddings = True``): one vector per text in the same store, keyed by
provider, model, dimensions and text (:mod:`llm_core.embeddings.cache`); only the misses of a
batch are sent.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import replace
from typing import Any

from llm_core.call import Call
from llm_core.embeddings.cache import cached_flow
from llm_core.hookspecs import hookimpl
from llm_core.layers import AsyncLayerAdapter, Flow, Layer, LayerAdapter, Opened
from llm_core.request import Request
from llm_core.resilience.cache.access import StoreAccess
from llm_core.resilience.cache.epoch import epochs_of
from llm_core.resilience.cache.invalidate import Invalidation
from llm_core.resilience.cache.shared import SharedStore
from llm_core.resilience.cache.store import ModelCache, response_key
from llm_core.resilience.observe import Observer
from llm_core.resilience.singleflight import AsyncSingleFlight, SingleFlight
from llm_core.resilience.state.io import AsyncStateIO, SyncStateIO
from llm_core.types import ModelInfo, Response, StreamEvent

__all__ = ["AsyncCachingAdapter", "Cache", "CachePlugin", "CachingAdapter"]

_MODELS = ("models",)


def _copy(response: Response, **changes: Any) -> Response:
    """A copy whose containers are copied too: edits by a caller never reach the store."""
    return replace(
        response,
        attempts=[],
        fallbacks=[],
        usage=replace(response.usage),
        tool_calls=list(response.tool_calls),
        metrics=dict(response.metrics),
        raw=dict(response.raw),
        **changes,
    )


class Cache(Invalidation, Layer):
    """Caches the model list and (opt-in) the responses of the adapter chain below
    (invalidated by the methods of :class:`~.invalidate.Invalidation`)."""

    def __init__(
        self, inner: Any, config: Any, settings: Any, store: Any, observer: Observer
    ) -> None:
        super().__init__(inner)
        self.key_config, self.observer = config, observer
        self.store, self.ttl, self.force = store, settings.cache.response_ttl, settings.cache.force
        shared = settings.cache.shared and store is not None and settings.cache.models_ttl > 0
        self.models_ttl = settings.cache.models_ttl  # with ``shared``, the store's TTL
        local = min(self.models_ttl, settings.state.sync_interval) if shared else self.models_ttl
        self.models = ModelCache(local)
        self.models_key = f"models:{config.key()}" if shared else None
        self.embeddings, self.responses = settings.cache.embeddings, settings.cache.responses
        self.tools = settings.cache.tools
        # Part of every key: bumping one orphans what any store holds, in every process that
        # shares the store (:mod:`.epoch`).
        self.epoch, self.models_epoch = epochs_of(config, settings, store)

    # ------------------------------------------------------------------ responses

    def passes(self, request: Request) -> bool:
        """Nothing to do for a generate request without a response cache."""
        return not self.responses or self.store is None

    def _key(self, request: Request) -> Flow[str | None]:
        if not self.responses or self.store is None or not (self.force or request.is_deterministic):
            return None
        if request.tools and not self.tools:  # the tools may have side effects
            return None
        key = response_key(self.key_config, self.inner.model_for(request), request)
        suffix = self.epoch.cached()
        return key + (suffix if suffix is not None else (yield from self.epoch.read(self.io)))

    def _hit(self, key: str, request: Request, started: float, call: Call) -> Flow[Any]:
        stored = yield from self.access.get(key)
        return None if stored is None else self._as_hit(stored, request, started, call)

    def _as_hit(self, stored: Response, request: Request, started: float, call: Call) -> Response:
        self._report(call, self.inner.model_for(request), "response")
        return _copy(stored, cached=True, latency=time.perf_counter() - started)

    def _keep(self, key: str, response: Response) -> Flow[None]:
        yield from self.access.set(key, _copy(response, cached=False), self.ttl)

    def _report(self, call: Call, model: str | None, kind: str) -> None:
        self.observer.emit(
            "llm_core_on_cache_hit", call=call, provider=self.provider, model=model, kind=kind
        )

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        key = yield from self._key(request)
        if key is None:
            return (yield from self.inner_generate(request, call))
        started = time.perf_counter()

        def fetch() -> Flow[Response]:
            hit = yield from self._hit(key, request, started, call)
            if hit is not None:
                return hit
            response = yield from self.inner_generate(request, call)
            yield from self._keep(key, response)
            return response

        flight = self.flights.run(key, lambda: self.drive(fetch()), deadline=call.deadline)
        response, led = yield flight
        return response if led else self._as_hit(response, request, started, call)

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        key = yield from self._key(request)
        if key is None:
            return (yield from self.open_inner(request, call))
        hit = yield from self._hit(key, request, time.perf_counter(), call)
        if hit is not None:
            head = [StreamEvent(hit.content, hit.thinking)] if hit.content or hit.thinking else []
            first, *rest = [*head, StreamEvent(done=True, response=hit)]
            return Opened(self.events_of(rest), first)
        opened = yield from self.open_inner(request, call)
        opened.watch(done=lambda r: self.access.set_soon(key, _copy(r, cached=False), self.ttl))
        return opened

    def embed_flow(self, request: Any, call: Call) -> Flow[Any]:
        if self.store is None or not self.embeddings:
            return (yield from self.inner_generate(request, call))
        return (yield from cached_flow(self, request, call))

    # ------------------------------------------------------------------ model lists

    def list_models_flow(self, call: Call) -> Flow[list[ModelInfo]]:
        found = self.models.get()
        if found is not None:
            self._report(call, None, "models")
            return list(found)

        def fetch() -> Flow[list[ModelInfo]]:
            found = self.models.get()
            if found is not None:
                return found
            generation = self.models.generation
            key = self.models_key
            if key:
                key += yield from self.models_epoch.suffix(self.io)
            models = (yield from self.access.get(key)) if key else None
            if models is None:
                models = yield from self.inner_list_models(call)
                if key:
                    yield from self.access.set(key, models, self.models_ttl)
            self.models.put(models, generation)
            return models

        models, led = yield self.flights.run(_MODELS, lambda: self.drive(fetch()))
        if not led:
            self._report(call, None, "models")
        return list(models)


class CachingAdapter(Cache, SyncStateIO, LayerAdapter):
    """Sync shell of :class:`Cache` (single-flight across threads)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.flights, self.access = SingleFlight(), StoreAccess(self.store, is_async=False)

    @staticmethod
    def events_of(items: Iterable[StreamEvent]) -> Any:
        """Replayed events."""
        return iter(items)


class AsyncCachingAdapter(Cache, AsyncStateIO, AsyncLayerAdapter):
    """Async shell of :class:`Cache` (single-flight across the tasks of one loop)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.flights, self.access = AsyncSingleFlight(), StoreAccess(self.store, is_async=True)

    async def aclose(self) -> None:
        """Close the chain, wait for the stream writes still pending, then release the store's
        connections of this event loop (if it has any)."""
        await super().aclose()
        await self.access.background.drain()
        release = getattr(self.store, "aclose", None)
        if release is not None:
            await release()

    @staticmethod
    async def events_of(items: Iterable[StreamEvent]) -> AsyncIterator[StreamEvent]:
        """Replayed events."""
        for item in items:
            yield item


class CachePlugin:
    """``llm_core.cache``: wraps the primary when a model TTL or the response cache is set.

    Built by the core with the store hook, so that it asks for a store without reaching back
    into the plugin manager.
    """

    def __init__(self, store_hook: Any, observer: Observer, states: Any = None) -> None:
        self.store_hook, self.observer, self.states = store_hook, observer, states

    @hookimpl(wrapper=True, tryfirst=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Wrap the whole chain (primary only) in the caches."""
        adapter = yield
        cache = settings.cache
        wanted = cache.responses or cache.models_ttl or cache.embeddings
        if adapter is None or role != "primary" or not wanted:
            return adapter
        stored = cache.responses or cache.embeddings
        store = self.store_hook(settings=settings) if stored else None
        if cache.shared and self.states is not None:
            store = SharedStore(self.states.get(settings), settings.state.prefix + "cache:")
        cls = AsyncCachingAdapter if is_async else CachingAdapter
        return cls(adapter, config, settings, store, self.observer)
