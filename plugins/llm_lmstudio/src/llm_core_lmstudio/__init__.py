"""llm-core-lmstudio: the LM Studio provider for llm-core.

Install it and use ``Client("lmstudio", model="qwen2-vl-2b-instruct")``. The adapters live in
:mod:`llm_core_lmstudio.adapter` and are imported only when the provider is first used.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
