"""The ``lmstudio`` entry point: registers the provider. Light: imports no adapter code."""

from __future__ import annotations

import llm_core

__all__ = ["llm_core_register_providers"]


@llm_core.hookimpl
def llm_core_register_providers(register) -> None:
    """Register ``lmstudio``: LM Studio's OpenAI-compatible API plus its native model API."""
    register(
        "lmstudio",
        adapter="llm_core_lmstudio.adapter:LMStudioAdapter",
        async_adapter="llm_core_lmstudio.adapter:AsyncLMStudioAdapter",
        description="LM Studio (OpenAI-compatible chat, native model list, stats, API tokens)",
        default_base_url="http://localhost:1234/v1",
        embeddings="/v1/embeddings (embedding models)",
    )
