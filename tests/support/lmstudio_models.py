"""The models the LM Studio emulator serves and what LM Studio reports of them (PROTOCOLS.md §3).

:class:`Model` is one downloaded model as ``/api/v0/models`` lists it (type llm|vlm|embeddings,
state, arch, quantization, compatibility_type, context lengths, capabilities);
:func:`native_stats` is what a non-streamed ``/api/v0/chat/completions`` answer adds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TOKENS_PER_SECOND = 50.0


@dataclass
class Model:
    id: str
    type: str = "llm"
    arch: str = "llama"
    compatibility_type: str = "gguf"
    quantization: str = "Q4_K_M"
    max_context_length: int = 4096
    publisher: str = "lmstudio-community"
    capabilities: tuple[str, ...] = ()
    state: str = "not-loaded"
    loaded_context_length: int = 4096
    jit_loaded: bool = False

    def v0(self) -> dict[str, Any]:
        keys = ("id", "type", "publisher", "arch", "compatibility_type", "quantization", "state")
        out = {k: getattr(self, k) for k in (*keys, "max_context_length")} | {"object": "model"}
        if self.state == "loaded":
            out["loaded_context_length"] = self.loaded_context_length
        return out | {"capabilities": list(self.capabilities)}


def default_models() -> list[Model]:
    return [
        Model("qwen2.5-7b-instruct", capabilities=("tool_use",), max_context_length=32768),
        Model("qwen2-vl-2b-instruct", "vlm", "qwen2_vl", "mlx", "4bit", 32768, "mlx-community"),
        Model("text-embedding-nomic-embed-text-v1.5", "embeddings", "nomic-bert", "gguf",
              "Q4_K_M", 2048, "nomic-ai"),
    ]  # fmt: skip


def native_stats(model: Model, body: dict, n: int, stop: str, waited: float) -> dict:
    """What a non-streamed ``/api/v0`` answer adds: ``stats``, ``model_info``, ``runtime``."""
    stats: dict[str, Any] = {"tokens_per_second": TOKENS_PER_SECOND,
                             "time_to_first_token": round(0.011 + waited, 6),
                             "generation_time": round(n / TOKENS_PER_SECOND, 6),
                             "stop_reason": stop}  # fmt: skip
    if body.get("draft_model"):
        stats |= {"draft_model": body["draft_model"], "total_draft_tokens_count": n,
                  "accepted_draft_tokens_count": n // 2, "rejected_draft_tokens_count":
                  n - n // 2, "ignored_draft_tokens_count": 0}  # fmt: skip
    fmt = model.compatibility_type
    info = {"arch": model.arch, "quant": model.quantization, "format": fmt,
            "context_length": model.loaded_context_length}  # fmt: skip
    runtime = {"name": "llama.cpp-linux-x86_64-avx2" if fmt == "gguf" else "mlx-llm",
               "version": "1.3.0", "supported_formats": [fmt]}  # fmt: skip
    return {"stats": stats, "model_info": info, "runtime": runtime}
