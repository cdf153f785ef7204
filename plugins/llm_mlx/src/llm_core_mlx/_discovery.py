"""``list_models`` and ``health_check`` for the mlx provider (filesystem reads; MLX facts come
from the worker, see ``_mlxinfo``).

Models are found in the Hugging Face cache (``models--org--name/snapshots/<commit>``, the
``main`` ref preferred) and in the ``model_dirs`` option (a model folder itself, or a folder of
model folders). A folder counts when its ``config.json`` names a ``model_type`` that the
installed mlx-vlm can load and it holds ``*.safetensors`` weights.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from llm_core import Health, ModelInfo

from ._hub import hf_cache_dir
from ._mlxinfo import ModelTables

__all__ = ["health", "list_local_models"]

_PROVIDER = "mlx"


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


def _info(model_id: str, folder: Path, loaded: set[Path], tables: ModelTables) -> ModelInfo | None:
    try:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        weights = list(folder.glob("*.safetensors"))
    except (OSError, ValueError):
        return None
    if not isinstance(config, dict) or not weights:
        return None
    can_load, vision = tables.supports(config)
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


def list_local_models(
    model_dirs: Iterable[str], loaded: set[Path], tables: ModelTables
) -> list[ModelInfo]:
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
        info = _info(model_id, folder, loaded, tables)
        if info is not None:
            out.append(info)
    return out


def health(engine: Any, timeout: float = 5.0) -> Health:
    """Whether MLX imports and on which device, with memory figures; never raises.

    The MLX questions run on the worker; when it is busy for longer than ``timeout`` (a long
    generation), the answer is ok without the MLX figures.
    """
    from ._mlxinfo import probe

    started = time.perf_counter()
    loaded = engine.loaded()
    extra: dict[str, Any] = {
        "loaded_models": [m.name for m in loaded],
        "loaded_weights_gb": round(sum(m.weight_bytes for m in loaded) / 1e9, 4),
    }
    try:
        pages = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        extra["system_memory_gb"] = round(pages / 1e9, 1)
    except (ValueError, OSError, AttributeError):
        pass
    try:
        info = engine.run(probe, timeout)
    except ImportError as exc:  # a plain `mlx` wheel on Linux fails here (no libmlx.so)
        hint = "pip install llm-core-mlx (on Linux it brings mlx-vlm[cpu]; CUDA: the cuda extra)"
        return Health(
            ok=False,
            provider=_PROVIDER,
            detail=f"MLX is not usable: {exc}",
            extra={**extra, "hint": hint},
        )
    except builtins.TimeoutError:
        return Health(
            ok=True,
            provider=_PROVIDER,
            latency=time.perf_counter() - started,
            detail="the MLX worker is busy generating (device figures skipped)",
            extra={**extra, "busy": True},
        )
    return Health(
        ok=True,
        provider=_PROVIDER,
        latency=time.perf_counter() - started,
        version=info["mlx_vlm_version"],
        detail=f"mlx {info['mlx_version']} on {info['backend']} ({info['device']})",
        extra={**info, **extra},
    )
