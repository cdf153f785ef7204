"""The sans-IO half of caching: response keys, hits, the model-list holder."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from dataclasses import replace
from typing import Any

from llm_core.http_errors import redact_url
from llm_core.resilience.observe import Observer
from llm_core.types import ModelInfo, Request, Response, StreamEvent

__all__ = ["CacheState", "ModelCache", "response_key"]


def response_key(config: Any, model: str | None, request: Request) -> str:
    """The response-cache key of ``request`` on ``config`` (no credentials in it)."""
    base = redact_url(config.base_url) if config.base_url else ""
    options = json.dumps(config.options, sort_keys=True, default=str)
    material = "\n".join(
        (config.provider, base, options, model or "", request.cache_key_material())
    )
    return hashlib.sha256(material.encode()).hexdigest()


class ModelCache:
    """One provider's model list, kept ``ttl`` seconds; thread-safe; invalidation wins races."""

    def __init__(self, ttl: float, clock: Any = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self._lock = threading.Lock()
        self._value: list[ModelInfo] | None = None
        self._expires = 0.0
        self.generation = 0

    def get(self) -> list[ModelInfo] | None:
        """The cached list, or None when absent or expired."""
        with self._lock:
            if self._value is not None and self.clock() < self._expires:
                return self._value
            return None

    def put(self, models: list[ModelInfo], generation: int) -> None:
        """Keep ``models`` unless the cache was invalidated since ``generation`` was read."""
        with self._lock:
            if generation == self.generation:
                self._value, self._expires = list(models), self.clock() + self.ttl

    def invalidate(self) -> None:
        """Forget the list; a fetch that started before this is not kept."""
        with self._lock:
            self._value = None
            self.generation += 1


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


class CacheState:
    """Keys, hits, the store and the model list: what the sync and async adapters share."""

    def __init__(self, inner: Any, config: Any, settings: Any, store: Any, obs: Observer) -> None:
        self.inner, self.key_config, self.observer = inner, config, obs
        self.store, self.ttl, self.force = store, settings.cache.response_ttl, settings.cache.force
        self.models = ModelCache(settings.cache.models_ttl)

    def invalidate_models(self) -> None:
        """Forget the cached model list; the next ``list_models`` fetches it again."""
        self.models.invalidate()

    def _key(self, request: Request) -> str | None:
        if self.store is None or not (self.force or request.is_deterministic):
            return None
        return response_key(self.key_config, self.inner.model_for(request), request)

    def _hit(self, key: str, request: Request, started: float) -> Response | None:
        stored = self.store.get(key)
        return None if stored is None else self._as_hit(stored, request, started)

    def _as_hit(self, stored: Response, request: Request, started: float) -> Response:
        self.observer.on_cache_hit(self.inner.provider, self.inner.model_for(request), "response")
        return _copy(stored, cached=True, latency=time.perf_counter() - started)

    def _keep(self, key: str, response: Response) -> None:
        self.store.set(key, _copy(response, cached=False), self.ttl)

    def _models_hit(self, models: list[ModelInfo]) -> list[ModelInfo]:
        self.observer.on_cache_hit(self.inner.provider, None, "models")
        return list(models)

    @staticmethod
    def _replay(hit: Response) -> list[StreamEvent]:
        head = [StreamEvent(hit.content, hit.thinking)] if hit.content or hit.thinking else []
        return [*head, StreamEvent(done=True, response=hit)]
