"""The entry point: registers ``llamacpp`` by reference, so discovering it imports nothing.

The protocol (``protocol.py``) loads only when a Client asks for this provider; the core makes
its sync and async adapters.
"""

import llm_core


@llm_core.hookimpl
def llm_core_register_providers(register):
    """Register ``llamacpp``."""
    register(
        "llamacpp",
        protocol="llm_core_llamacpp_native.protocol:LlamaCppProtocol",
        description="llama.cpp server, native /completion API",
        default_base_url="http://127.0.0.1:8080",
    )
