"""The ``mlx`` entry point: registers the provider and the ``llm-core mlx-demo`` command.

This module is light on purpose: importing it (which plugin discovery does) imports neither mlx
nor mlx-vlm; the adapters load them on first use.
"""

from __future__ import annotations

from typing import Any

from llm_core import hookimpl

__all__ = ["llm_core_register_commands", "llm_core_register_providers"]


@hookimpl
def llm_core_register_providers(register: Any) -> None:
    """Register ``mlx``: vision-language models in-process with mlx-vlm."""
    register(
        "mlx",
        adapter="llm_core_mlx.adapter:MLXAdapter",
        async_adapter="llm_core_mlx.adapter:AsyncMLXAdapter",
        description="Vision-language models in-process with mlx-vlm (Apple silicon, Linux CPU)",
        embeddings="not supported (NotSupportedError)",
    )


@hookimpl
def llm_core_register_commands(register: Any) -> None:
    """Add ``llm-core mlx-demo`` (the same as ``python -m llm_core_mlx.demo``)."""
    from llm_core_mlx import demo

    register("mlx-demo", demo.HELP, demo.configure, demo.run)
