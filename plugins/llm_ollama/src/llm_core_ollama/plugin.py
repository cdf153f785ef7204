"""Entry point of ``llm-core-ollama`` (group ``llm_core``, name ``ollama``).

Light on purpose: registering imports nothing but the core's hook marker; the adapters and the
``pull`` command's code load only when used.
"""

from __future__ import annotations

import argparse
from typing import Any

from llm_core import hookimpl

__all__ = ["llm_core_register_commands", "llm_core_register_providers"]


@hookimpl
def llm_core_register_providers(register: Any) -> None:
    """Register ``ollama``: Ollama's native API (``/api/chat``, ``/api/tags``, ...)."""
    register(
        "ollama",
        adapter="llm_core_ollama.adapter:OllamaAdapter",
        async_adapter="llm_core_ollama.adapter:AsyncOllamaAdapter",
        description="Ollama's native API (models pulled with `ollama pull`)",
        default_base_url="http://127.0.0.1:11434",
        embeddings="/api/embed (dimensions, truncate, keep_alive)",
    )


def _configure_pull(parser: argparse.ArgumentParser) -> None:
    from llm_core_ollama.cli import configure_pull

    configure_pull(parser)


def _run_pull(args: argparse.Namespace) -> int:
    from llm_core_ollama.cli import run_pull

    return run_pull(args)


@hookimpl
def llm_core_register_commands(register: Any) -> None:
    """Add ``llm-core pull MODEL``: download an Ollama model with a progress bar."""
    register("pull", "download an Ollama model (with a progress bar)", _configure_pull, _run_pull)
