"""llm-core: one Python API for local large language models.

A tiny core defines the provider adapter contract and its pluggy hooks, discovers providers
from installed distributions (entry-point group ``llm_core``), and wraps every provider with
retry, fallback and caching implemented as core hook implementations.

This namespace is the application API. Plugin authors have their own, documented in
``specs/plugin-guide.md``: :mod:`llm_core.adapter`, :mod:`llm_core.layers`, :mod:`llm_core.http`,
:mod:`llm_core.openai`, :mod:`llm_core.progress` and :mod:`llm_core.testing`.

    >>> from llm_core import Client
    >>> with Client("ollama", model="llama3.2") as client:   # doctest: +SKIP
    ...     print(client.generate("Say hi").content)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from llm_core import lazy

if TYPE_CHECKING:  # for type checkers and IDEs; at run time names load on first use
    from llm_core.call import Call
    from llm_core.client import AsyncClient, Client
    from llm_core.config import ProviderConfig, Settings, load_settings
    from llm_core.embeddings import Embeddings, EmbedRequest
    from llm_core.errors import (
        AuthenticationError,
        ConfigurationError,
        ConnectionError,
        ContextLengthError,
        EmbeddingMismatchError,
        FallbackExhaustedError,
        GenerationError,
        InvalidResponseError,
        LLMError,
        ModelNotFoundError,
        NotSupportedError,
        PluginError,
        ProviderError,
        RateLimitedError,
        RateLimitError,
        ServerError,
        StructuredOutputError,
        TimeoutError,
        ValidationError,
    )
    from llm_core.hookspecs import hookimpl
    from llm_core.images import Image
    from llm_core.messages import ImagePart, Message, TextPart, ToolCall
    from llm_core.plugins import get_plugin_manager, list_plugins
    from llm_core.request import Request
    from llm_core.streams import AsyncStream, Stream
    from llm_core.structured.schema import Schema, to_schema
    from llm_core.types import Attempt, Health, ModelInfo, Response, StreamEvent, Usage

# Public name -> the module that defines it. Importing llm_core does no work until a name is
# used, so ``import llm_core`` (and the contract kit's pytest plugin) stays nearly free.
_LAZY = {
    "AsyncClient": "llm_core.client",
    "AsyncStream": "llm_core.streams",
    "Attempt": "llm_core.types",
    "AuthenticationError": "llm_core.errors",
    "Call": "llm_core.call",
    "Client": "llm_core.client",
    "ConfigurationError": "llm_core.errors",
    "ConnectionError": "llm_core.errors",
    "FallbackExhaustedError": "llm_core.errors",
    "GenerationError": "llm_core.errors",
    "Health": "llm_core.types",
    "Image": "llm_core.images",
    "ImagePart": "llm_core.messages",
    "InvalidResponseError": "llm_core.errors",
    "LLMError": "llm_core.errors",
    "Message": "llm_core.messages",
    "ModelInfo": "llm_core.types",
    "ModelNotFoundError": "llm_core.errors",
    "ProviderConfig": "llm_core.config",
    "ProviderError": "llm_core.errors",
    "RateLimitError": "llm_core.errors",
    "RateLimitedError": "llm_core.errors",
    "Request": "llm_core.request",
    "Response": "llm_core.types",
    "ServerError": "llm_core.errors",
    "Settings": "llm_core.config",
    "Stream": "llm_core.streams",
    "StreamEvent": "llm_core.types",
    "TextPart": "llm_core.messages",
    "TimeoutError": "llm_core.errors",
    "ToolCall": "llm_core.messages",
    "Usage": "llm_core.types",
    "ValidationError": "llm_core.errors",
    "get_plugin_manager": "llm_core.plugins",
    "hookimpl": "llm_core.hookspecs",
    "list_plugins": "llm_core.plugins",
    "load_settings": "llm_core.config",
    "Schema": "llm_core.structured.schema",
    "StructuredOutputError": "llm_core.errors",
    "to_schema": "llm_core.structured.schema",
    "EmbedRequest": "llm_core.embeddings",
    "Embeddings": "llm_core.embeddings",
    "ContextLengthError": "llm_core.errors",
    "EmbeddingMismatchError": "llm_core.errors",
    "NotSupportedError": "llm_core.errors",
    "PluginError": "llm_core.errors",
}

__version__ = "0.1.0"

__all__ = [
    "AsyncClient",
    "AsyncStream",
    "Attempt",
    "AuthenticationError",
    "Call",
    "Client",
    "ConfigurationError",
    "ConnectionError",
    "ContextLengthError",
    "EmbedRequest",
    "EmbeddingMismatchError",
    "Embeddings",
    "FallbackExhaustedError",
    "GenerationError",
    "Health",
    "Image",
    "ImagePart",
    "InvalidResponseError",
    "LLMError",
    "Message",
    "ModelInfo",
    "ModelNotFoundError",
    "NotSupportedError",
    "PluginError",
    "ProviderConfig",
    "ProviderError",
    "RateLimitError",
    "RateLimitedError",
    "Request",
    "Response",
    "Schema",
    "ServerError",
    "Settings",
    "Stream",
    "StreamEvent",
    "StructuredOutputError",
    "TextPart",
    "TimeoutError",
    "ToolCall",
    "Usage",
    "ValidationError",
    "__version__",
    "get_plugin_manager",
    "hookimpl",
    "list_plugins",
    "load_settings",
    "to_schema",
]


__getattr__, __dir__ = lazy.exports(__name__, _LAZY)
