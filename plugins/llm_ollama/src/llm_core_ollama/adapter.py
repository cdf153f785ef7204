"""The ``ollama`` provider's adapters: the core's HTTP shells around :class:`OllamaProtocol`.

Both offer Ollama's extras beside the adapter contract (``show``, ``capabilities``,
``loaded_models``, ``version``, ``pull_stream``, ``pull``, ``load``, ``unload``); on the async
adapter they are coroutines, ``pull_stream`` an async iterator.
"""

from __future__ import annotations

from llm_core.http import AsyncHTTPAdapter, HTTPAdapter
from llm_core_ollama.protocol import OllamaProtocol, ProgressCallback

__all__ = ["AsyncOllamaAdapter", "OllamaAdapter", "ProgressCallback"]


class OllamaAdapter(OllamaProtocol, HTTPAdapter):
    """Synchronous adapter for Ollama's native API."""


class AsyncOllamaAdapter(OllamaProtocol, AsyncHTTPAdapter):
    """Asynchronous adapter for Ollama's native API."""
