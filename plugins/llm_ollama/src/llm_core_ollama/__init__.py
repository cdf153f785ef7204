"""llm-core-ollama: the ``ollama`` provider for llm-core, on Ollama's native API.

Install it next to llm-core and use ``Client("ollama", model="llama3.2")``. Names are imported
lazily so that plugin discovery (which imports :mod:`llm_core_ollama.plugin`) stays cheap.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AsyncOllamaAdapter",
    "OllamaAdapter",
    "OllamaOptions",
    "PullProgress",
    "parse_ollama_host",
]

_LAZY = {
    "AsyncOllamaAdapter": "llm_core_ollama.adapter",
    "OllamaAdapter": "llm_core_ollama.adapter",
    "OllamaOptions": "llm_core_ollama.options",
    "PullProgress": "llm_core_ollama.pull",
    "parse_ollama_host": "llm_core_ollama.host",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'llm_core_ollama' has no attribute {name!r}")
