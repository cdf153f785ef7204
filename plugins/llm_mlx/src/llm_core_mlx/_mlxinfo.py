"""What only the MLX worker may ask MLX: mlx-vlm's architecture tables, device and memory.

Found the hard way: a thread that imports mlx-vlm and then queries MLX (``mx.default_device()``)
and ends makes the process abort at exit (``terminate called without an active exception``).
So these functions run on the worker thread (through ``Engine.run``), and callers in other
threads only use the plain-Python results.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

__all__ = ["ModelTables", "model_tables", "probe"]


@dataclass(frozen=True)
class ModelTables:
    """mlx-vlm's model knowledge, as plain Python: which architectures load, which see."""

    architectures: frozenset[str]
    vision_types: frozenset[str]
    single_image_types: frozenset[str]
    get_model_type: Any  # mlx_vlm.utils.get_model_type: pure Python, safe in any thread

    def supports(self, config: dict[str, Any]) -> tuple[bool, bool]:
        """(mlx-vlm can load it, it takes images) for a parsed ``config.json``."""
        raw = config.get("model_type")
        if not isinstance(raw, str) or not raw:
            return False, False
        try:
            normalized = self.get_model_type(config)
        except Exception:
            return False, False
        return normalized in self.architectures, raw.lower() in self.vision_types


_tables: ModelTables | None = None


def model_tables() -> ModelTables:
    """Build (once) the tables from the installed mlx-vlm; call it on the worker thread."""
    global _tables
    if _tables is None:
        from mlx_vlm.prompt_utils import MODEL_CONFIG, SINGLE_IMAGE_ONLY_MODELS
        from mlx_vlm.utils import get_model_type

        spec = importlib.util.find_spec("mlx_vlm.models")
        roots = [Path(r) for r in (spec.submodule_search_locations or [])] if spec else []
        names = {p.name for root in roots for p in root.iterdir() if (p / "__init__.py").is_file()}
        _tables = ModelTables(
            frozenset(names),
            frozenset(k.lower() for k in MODEL_CONFIG),
            frozenset(SINGLE_IMAGE_ONLY_MODELS),
            get_model_type,
        )
    return _tables


def probe() -> dict[str, Any]:
    """MLX's device, backend, versions and memory (GB); call it on the worker thread.

    Raises ImportError when MLX does not import (a plain ``mlx`` wheel on Linux) or mlx-vlm is
    missing.
    """
    import mlx.core as mx

    try:
        vlm_version = version("mlx-vlm")
    except PackageNotFoundError:
        raise ImportError("mlx-vlm is not installed") from None
    cuda = getattr(mx, "cuda", None)
    if mx.metal.is_available():
        backend = "Metal"
    elif cuda is not None and cuda.is_available():
        backend = "CUDA"
    else:
        backend = "CPU"
    return {
        "device": str(mx.default_device()),
        "backend": backend,
        "mlx_version": mx.__version__,
        "mlx_vlm_version": vlm_version,
        "active_memory_gb": round(mx.get_active_memory() / 1e9, 4),
        "peak_memory_gb": round(mx.get_peak_memory() / 1e9, 4),
        "cache_memory_gb": round(mx.get_cache_memory() / 1e9, 4),
    }
