"""llm-core: one Python API for local large language models.

A tiny core defines the provider adapter contract and its pluggy hooks, discovers providers
from installed distributions (entry-point group ``llm_core``), and wraps every provider with
retry, fallback and caching implemented as core hook implementations.

    >>> from llm_core import Client
    >>> with Client("ollama", model="llama3.2") as client:   # doctest: +SKIP
    ...     print(client.generate("Say hi").content)
"""

from __future__ import annotations

from llm_core.adapter import Adapter, AsyncAdapter, ProviderOptions
from llm_core.client import AsyncClient, Client
from llm_core.config import ProviderConfig, Settings, load_settings
from llm_core.errors import (
    AuthenticationError,
    ConfigurationError,
    ConnectionError,
    FallbackExhaustedError,
    GenerationError,
    InvalidResponseError,
    LLMError,
    ModelNotFoundError,
    ProviderError,
    RateLimitError,
    ServerError,
    TimeoutError,
    ValidationError,
)
from llm_core.hookspecs import hookimpl
from llm_core.images import Image
from llm_core.messages import ImagePart, Message, TextPart, ToolCall
from llm_core.plugins import get_plugin_manager, list_plugins
from llm_core.streams import AsyncStream, Stream
from llm_core.types import Attempt, Health, ModelInfo, Request, Response, StreamEvent, Usage

__version__ = "0.1.0"

__all__ = [
    "Adapter",
    "AsyncAdapter",
    "AsyncClient",
    "AsyncStream",
    "Attempt",
    "AuthenticationError",
    "Client",
    "ConfigurationError",
    "ConnectionError",
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
    "ProviderConfig",
    "ProviderError",
    "ProviderOptions",
    "RateLimitError",
    "Request",
    "Response",
    "ServerError",
    "Settings",
    "Stream",
    "StreamEvent",
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
]
