"""The core's own default plugin: the built-in ``openai`` provider and default resolution.

Registered under the name ``llm_core.builtin``. Its implementations are ``trylast`` so that any
installed plugin can override them the same way it extends them.
"""

from __future__ import annotations

from llm_core.config import ProviderConfig
from llm_core.hookspecs import hookimpl
from llm_core.registry import ProviderRegistrar

__all__ = ["llm_core_register_providers", "llm_core_resolve_adapter"]


@hookimpl(trylast=True)
def llm_core_register_providers(register: ProviderRegistrar) -> None:
    """Register ``openai``: any OpenAI-compatible server."""
    register(
        "openai",
        adapter="llm_core.openai_compat:OpenAIAdapter",
        async_adapter="llm_core.openai_compat:AsyncOpenAIAdapter",
        description="Any OpenAI-compatible server (llama.cpp, vLLM, LM Studio, mlx servers)",
        default_base_url="http://127.0.0.1:8080/v1",
    )


@hookimpl(trylast=True)
def llm_core_resolve_adapter(config: ProviderConfig, is_async: bool):
    """Build the registered adapter for ``config.provider``."""
    from llm_core.plugins import get_provider

    return get_provider(config.provider).adapter_class(is_async)(config)
