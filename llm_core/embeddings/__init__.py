"""Embeddings: ``client.embed(texts)`` on every provider, batched, cached and resilient.

For applications: ``Client.embed`` / ``AsyncClient.embed`` return :class:`Embeddings`
(``specs/embeddings.md``). For provider authors (an author module): an adapter's ``embed``
receives an :class:`EmbedRequest` (one batch) and returns :class:`Embeddings`; the two common
wires are ready-made here (OpenAI's ``/v1/embeddings``, Ollama's ``/api/embed``), with
:func:`embed_error` turning an embedding server's errors into the typed ones.

Modules by role: ``types`` (request and result), ``wire`` (bodies, answers, errors), ``plan``
(batching and reassembly as a sans-IO flow), ``cache`` (the per-text embedding cache the
``llm_core.cache`` layer runs).
"""

from llm_core import lazy
from llm_core.embeddings.types import Embeddings, EmbedRequest, coerce_texts

# the wires load the HTTP helpers: on first use (the cache layer needs only the types)
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        name: "llm_core.embeddings.wire"
        for name in ("embed_error", "ollama_body", "openai_body", "parse_ollama", "parse_openai")
    },
)

__all__ = [
    "EmbedRequest",
    "Embeddings",
    "coerce_texts",
    "embed_error",
    "ollama_body",
    "openai_body",
    "parse_ollama",
    "parse_openai",
]
