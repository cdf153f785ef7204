"""The LM Studio adapters: the core's HTTP shells around :class:`LMStudioProtocol`.

Beside the adapter contract both offer ``model_info(name)`` (a coroutine on the async one).
"""

from __future__ import annotations

from llm_core.http import AsyncHTTPAdapter, HTTPAdapter
from llm_core_lmstudio.protocol import LMStudioProtocol

__all__ = ["AsyncLMStudioAdapter", "LMStudioAdapter"]


class LMStudioAdapter(LMStudioProtocol, HTTPAdapter):
    """Synchronous LM Studio adapter."""


class AsyncLMStudioAdapter(LMStudioProtocol, AsyncHTTPAdapter):
    """Asynchronous LM Studio adapter."""
