"""The ``mlx`` provider's options (``ProviderConfig.options`` or ``Request.options``).

Unknown names are errors (the model forbids extras). Sampling options go to mlx-vlm's
``stream_generate``; the cache and discovery options (``max_loaded_models``,
``max_memory_gb``, ``model_dirs``) act when a model is loaded or listed. Importing this module
does not import mlx.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from llm_core.adapter import ProviderOptions

__all__ = ["GENERATE_KWARGS", "MLXOptions", "generate_kwargs"]

#: Options passed through unchanged to ``mlx_vlm.stream_generate``.
GENERATE_KWARGS = (
    "top_k",
    "min_p",
    "repetition_penalty",
    "repetition_context_size",
    "presence_penalty",
    "frequency_penalty",
    "max_kv_size",
    "kv_bits",
    "prefill_step_size",
    "resize_shape",
    "enable_thinking",
    "thinking_budget",
)


class MLXOptions(ProviderOptions):
    """Options of the ``mlx`` provider; every field is optional.

    Sampling (per request or as defaults): ``top_k``, ``min_p``, ``repetition_penalty`` (with
    ``repetition_context_size``), ``presence_penalty``, ``frequency_penalty``.
    Memory: ``max_kv_size`` (rotating KV cache length), ``kv_bits`` (quantized KV cache),
    ``prefill_step_size`` (chunked prompt processing).
    Images: ``resize_shape`` (``448`` or ``[h, w]``: shrink to fit, aspect kept, before the
    processor; processors derived from transformers' ``BaseImageProcessor`` ignore it).
    Thinking models: ``enable_thinking`` (chat-template flag, also given to generation),
    ``thinking_budget`` (maximum thinking tokens).
    Models: ``model_dirs`` (folders whose model sub-folders ``list_models`` shows and bare
    names resolve in), ``revision`` (Hugging Face branch, tag or commit), ``download``
    (False: never download, only use the local cache), ``max_loaded_models`` (LRU cache size,
    default 1), ``max_memory_gb`` (evict least recently used models while the loaded weights
    exceed this many GB).
    """

    top_k: int | None = Field(None, ge=0)
    min_p: float | None = Field(None, ge=0.0, le=1.0)
    repetition_penalty: float | None = Field(None, gt=0.0)
    repetition_context_size: int | None = Field(None, ge=1)
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    max_kv_size: int | None = Field(None, ge=1)
    kv_bits: int | None = Field(None, ge=2, le=8)
    prefill_step_size: int | None = Field(None, ge=1)
    resize_shape: int | tuple[int, int] | None = None
    enable_thinking: bool | None = None
    thinking_budget: int | None = Field(None, ge=1)
    model_dirs: list[str] = Field(default_factory=list)
    revision: str | None = None
    download: bool = True
    max_loaded_models: int = Field(1, ge=1, le=64)
    max_memory_gb: float | None = Field(None, gt=0)


def generate_kwargs(options: dict[str, Any]) -> dict[str, Any]:
    """The options that ``stream_generate`` takes, without the unset ones."""
    out = {k: options[k] for k in GENERATE_KWARGS if options.get(k) is not None}
    if isinstance(out.get("resize_shape"), int):
        out["resize_shape"] = (out["resize_shape"], out["resize_shape"])
    return out
