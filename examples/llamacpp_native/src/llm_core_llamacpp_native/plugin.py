"""The entry point: registers ``llamacpp`` by reference, so discovering it imports nothing.

The adapters (``adapter.py``) load only when a Client asks for this provider.
"""

import llm_core


@llm_core.hookimpl
def llm_core_register_providers(register):
    """Register ``llamacpp``."""
    register(
        "llamacpp",
        adapter="llm_core_llamacpp_native.adapter:LlamaCppAdapter",
        async_adapter="llm_core_llamacpp_native.adapter:AsyncLlamaCppAdapter",
        description="llama.cpp server, native /completion API",
        default_base_url="http://127.0.0.1:8080",
    )
