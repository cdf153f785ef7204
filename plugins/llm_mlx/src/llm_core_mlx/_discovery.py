"""``list_models`` and ``health_check`` for the mlx provider (filesystem and MLX queries only).

Models are found in the Hugging Face cache (``models--org--name/snapshots/<commit>``, the
``main`` ref preferred) and in the ``model_dirs`` option (a model folder itself, or a folder of
model folders). A folder counts when its ``config.json`` names a ``model_type`` that the
installed mlx-vlm can load and it holds ``*.safetensors`` weights.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from llm_core.types import Health, ModelInfo

from ._hub import hf_cache_dir

__all__ = ["health", "list_local_models", "supported_model_type"]

_PROVIDER = "mlx"


def supported_model_type(config: dict[str, Any]) -> tuple[bool, bool]:
    """(mlx-vlm can load it, it takes images) for a parsed ``config.json``."""
    from mlx_vlm.prompt_utils import MODEL_CONFIG
    from mlx_vlm.utils import get_model_type

    raw = config.get("model_type")
    if not isinstance(raw, str) or not raw:
        return False, False
    try:
        normalized = get_model_type(config)
    except Exception:
        return False, False
    spec = importlib.util.find_spec("mlx_vlm.models")
    roots = list(spec.submodule_search_locations or []) if spec else []
    known = any((Path(root) / str(normalized)).is_dir() for root in roots)
    return known, raw.lower() in MODEL_CONFIG


def _hf_snapshots(cache: Path) -> Iterator[tuple[str, Path]]:
    try:
        repos = sorted(p for p in cache.iterdir() if p.name.startswith("models--"))
    except OSError:
        return
    for repo in repos:
        repo_id = repo.name[len("models--") :].replace("--", "/")
        snapshot = None
        try:
            commit = (repo / "refs" / "main").read_text().strip()
            snapshot = repo / "snapshots" / commit
        except OSError:
            snapshots = [p for p in (repo / "snapshots").glob("*") if p.is_dir()]
            if snapshots:
                snapshot = max(snapshots, key=lambda p: p.stat().st_mtime)
        if snapshot is not None and snapshot.is_dir():
            yield repo_id, snapshot


def _folders(model_dirs: Iterable[str]) -> Iterator[tuple[str, Path]]:
    for value in model_dirs:
        root = Path(value).expanduser()
        if (root / "config.json").is_file():
            yield str(root), root
            continue
        try:
            children = sorted(p for p in root.iterdir() if p.is_dir())
        except OSError:
            continue
        for child in children:
            yield str(child), child


def _info(model_id: str, folder: Path, loaded: set[Path]) -> ModelInfo | None:
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        weights = list(folder.glob("*.safetensors"))
    except (OSError, ValueError):
        return None
    if not isinstance(config, dict) or not weights:
        return None
    can_load, vision = supported_model_type(config)
    if not can_load:
        return None
    quant = config.get("quantization") or config.get("quantization_config") or {}
    bits = quant.get("bits") if isinstance(quant, dict) else None
    text = config.get("text_config") if isinstance(config.get("text_config"), dict) else config
    context = text.get("max_position_embeddings") or config.get("max_position_embeddings")
    modified = dt.datetime.fromtimestamp(folder.stat().st_mtime, dt.UTC)
    return ModelInfo(
        id=model_id,
        provider=_PROVIDER,
        vision=vision,
        context_length=context if isinstance(context, int) else None,
        size_bytes=sum(w.stat().st_size for w in weights),
        loaded=folder.resolve() in loaded,
        family=str(config["model_type"]),
        quantization=f"{bits}bit" if bits else None,
        format="mlx",
        type="vlm" if vision else "llm",
        modified_at=modified.isoformat(),
        capabilities=("completion", "vision") if vision else ("completion",),
        raw={"path": str(folder)},
    )


def list_local_models(model_dirs: Iterable[str], loaded: set[Path]) -> list[ModelInfo]:
    """Models that mlx-vlm can load from the HF cache and ``model_dirs`` (deduplicated)."""
    seen: set[Path] = set()
    out: list[ModelInfo] = []
    for model_id, folder in [*_hf_snapshots(hf_cache_dir()), *_folders(model_dirs)]:
        try:
            key = folder.resolve()
        except OSError:
            continue
        if key in seen:
            continue
        seen.add(key)
        info = _info(model_id, folder, loaded)
        if info is not None:
            out.append(info)
    return out


def health(loaded: list[Any]) -> Health:
    """Whether MLX imports and on which device, with memory figures; never raises."""
    started = time.perf_counter()
    try:
        import mlx.core as mx
    except Exception as exc:  # a plain `mlx` wheel on Linux fails here (no libmlx.so)
        return Health(
            ok=False,
            provider=_PROVIDER,
            detail=f"mlx does not import: {exc}",
            extra={"hint": "On Linux install mlx-vlm[cpu] (or the CUDA extra)."},
        )
    from importlib.metadata import PackageNotFoundError, version

    try:
        vlm_version = version("mlx-vlm")
    except PackageNotFoundError:
        return Health(
            ok=False,
            provider=_PROVIDER,
            detail="mlx-vlm is not installed",
            extra={"hint": "pip install llm-core-mlx"},
        )
    device = mx.default_device()
    backend = "Metal" if mx.metal.is_available() else "CUDA" if mx.cuda.is_available() else "CPU"
    extra: dict[str, Any] = {
        "device": str(device),
        "backend": backend,
        "mlx_version": mx.__version__,
        "mlx_vlm_version": vlm_version,
        "active_memory_gb": round(mx.get_active_memory() / 1e9, 4),
        "peak_memory_gb": round(mx.get_peak_memory() / 1e9, 4),
        "cache_memory_gb": round(mx.get_cache_memory() / 1e9, 4),
        "loaded_models": [m.name for m in loaded],
        "loaded_weights_gb": round(sum(m.weight_bytes for m in loaded) / 1e9, 4),
    }
    try:
        pages = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        extra["system_memory_gb"] = round(pages / 1e9, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return Health(
        ok=True,
        provider=_PROVIDER,
        latency=time.perf_counter() - started,
        version=vlm_version,
        detail=f"mlx {mx.__version__} on {backend} ({device})",
        extra=extra,
    )
