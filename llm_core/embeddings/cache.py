"""The embedding cache: one vector per (provider, model, dimensions, truncate, text).

The ``llm_core.cache`` layer runs :func:`cached_flow` for each batch when
``cache.embeddings`` is on. It looks every text up in the store the
``llm_core_response_cache_store`` hook gave (the response cache's), sends only the misses to
the layers below as one smaller batch, and stores their vectors for ``cache.response_ttl``
seconds. A batch answered wholly from the store makes no request. A vector is stored as
``(model the server named, tuple of floats)`` and handed out as a fresh list, so a caller
editing its result never edits the store.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from llm_core.embeddings.types import Embeddings, EmbedRequest
from llm_core.errors import redact_url
from llm_core.flow import Flow

__all__ = ["cached_flow", "embedding_key"]

_redacted = functools.lru_cache(maxsize=64)(redact_url)


def embedding_key(config: Any, model: str | None, request: EmbedRequest, text: str) -> str:
    """The store key of ``text``'s vector (no credentials in it)."""
    base = _redacted(config.base_url) if config.base_url else ""
    material = "\0".join(
        ("embed", config.provider, base, model or "", str(request.dimensions),
         "t" if request.truncate else "f", text)
    )  # fmt: skip
    return hashlib.sha256(material.encode()).hexdigest()


def cached_flow(layer: Any, request: EmbedRequest, call: Any) -> Flow[Embeddings]:
    """One batch through the cache of ``layer`` (a :class:`~llm_core.resilience.cache.Cache`)."""
    access, model = layer.access, layer.inner.model_for(request)
    keys = [embedding_key(layer.key_config, model, request, text) for text in request.texts]
    suffix = yield from layer.epoch.suffix(layer.io)  # invalidate_cache() bumps it
    if suffix:  # older vectors are not asked for
        keys = [key + suffix for key in keys]
    found = []
    for key in keys:  # one round trip per text: a store with a batch get may come later
        found.append((yield from access.get(key)))
    missing = [i for i, vector in enumerate(found) if vector is None]
    hits = len(keys) - len(missing)
    if hits:
        layer._report(call, model, "embedding")
    if not missing:
        vectors = [list(item[1]) for item in found]
        return Embeddings(vectors, model=found[0][0], provider=layer.provider, cached=hits)
    misses = request.batch([request.texts[i] for i in missing])
    fresh = yield from layer.inner_generate(misses, call)
    vectors = [None if item is None else list(item[1]) for item in found]
    for i, vector in zip(missing, fresh.vectors, strict=True):
        yield from access.set(keys[i], (fresh.model, tuple(vector)), layer.ttl)
        vectors[i] = vector
    fresh.vectors, fresh.cached = vectors, hits  # type: ignore[assignment]
    return fresh
