"""The loaded-model cache: bounded by count and memory, least recently used first out.

Only the worker thread touches it (loading, eviction, freeing), so it needs no lock; other
threads may read :meth:`ModelCache.snapshot` (a copied list). Evicting a model drops every
reference to it, runs ``gc.collect()`` and ``mx.clear_cache()`` so the memory really returns.
"""

from __future__ import annotations

import gc
import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from llm_core import ModelNotFoundError, ProviderError

from ._hub import resolve_model

__all__ = ["LoadedModel", "ModelCache"]

_PROVIDER = "mlx"


@dataclass(eq=False)
class LoadedModel:
    """A model mlx-vlm loaded: the model, its processor and what it costs."""

    name: str
    path: Path
    model: Any
    processor: Any
    model_type: str
    weight_bytes: int
    load_seconds: float
    uses: int = field(default=0)


class ModelCache:
    """Loaded models by resolved folder, most recently used last."""

    def __init__(self) -> None:
        self._by_path: OrderedDict[Path, LoadedModel] = OrderedDict()
        self._aliases: dict[tuple[str, str | None], Path] = {}

    def snapshot(self) -> list[LoadedModel]:
        """The loaded models, least recently used first (safe to call from any thread)."""
        return list(self._by_path.values())

    def get(self, name: str, options: dict[str, Any]) -> tuple[LoadedModel, bool]:
        """The loaded model ``name`` (loading it first if needed); True if it was just loaded."""
        revision = options.get("revision")
        path = self._aliases.get((name, revision))
        if path is None or path not in self._by_path:
            path = resolve_model(
                name,
                options.get("model_dirs") or [],
                revision=revision,
                download=options.get("download", True),
            )
        max_count = options.get("max_loaded_models", 1)
        entry = self._by_path.get(path)
        loaded = entry is None
        if entry is None:
            self._evict(max(0, max_count - 1), None, keep=None)  # make room first
            entry = _load(name, path)
            self._by_path[path] = entry
        self._by_path.move_to_end(path)
        self._evict(max_count, options.get("max_memory_gb"), keep=entry)
        self._aliases[(name, revision)] = path
        entry.uses += 1
        return entry, loaded

    def clear(self) -> int:
        """Unload every model; returns how many were unloaded."""
        count = len(self._by_path)
        self._by_path.clear()
        self._aliases.clear()
        _free_memory()
        return count

    def _evict(self, max_count: int, max_gb: float | None, keep: LoadedModel | None) -> None:
        evicted = False
        while self._by_path:
            oldest = next(iter(self._by_path.values()))
            total = sum(m.weight_bytes for m in self._by_path.values())
            too_many = len(self._by_path) > max_count
            too_big = max_gb is not None and total > max_gb * 1e9
            if oldest is keep or not (too_many or too_big):
                break
            del self._by_path[oldest.path]
            evicted = True
        if evicted:
            self._aliases = {k: v for k, v in self._aliases.items() if v in self._by_path}
            _free_memory()


def _free_memory() -> None:
    gc.collect()
    import mlx.core as mx

    mx.clear_cache()


def _check_architecture(name: str, path: Path) -> None:
    """Refuse an architecture mlx-vlm does not know before reading gigabytes of weights."""
    from ._mlxinfo import model_tables

    try:
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelNotFoundError(
            f"model {name!r} has an unreadable config.json: {exc}",
            provider=_PROVIDER,
            model=name,
            hint="Download the model again.",
        ) from None
    custom = not isinstance(config, dict) or bool(config.get("model_file"))  # mlx-vlm decides
    if not custom and not model_tables().supports(config)[0]:
        raise ModelNotFoundError(
            f"mlx-vlm cannot load model {name!r}: model_type "
            f"{config.get('model_type')!r} is not supported by this mlx-vlm version",
            provider=_PROVIDER,
            model=name,
            hint="Use a model converted for MLX (e.g. from mlx-community/); upgrading "
            "mlx-vlm may add the architecture.",
        )


def _load(name: str, path: Path) -> LoadedModel:
    import mlx_vlm
    from mlx.utils import tree_flatten

    _check_architecture(name, path)
    started = time.perf_counter()
    try:
        model, processor = mlx_vlm.load(str(path))
    except FileNotFoundError as exc:
        raise ModelNotFoundError(
            f"model {name!r} at {str(path)!r} is incomplete: {exc}",
            provider=_PROVIDER,
            model=name,
            hint="Download it again (the folder needs config.json, the tokenizer files and "
            "*.safetensors weights).",
        ) from None
    except (ValueError, KeyError) as exc:
        raise ModelNotFoundError(
            f"mlx-vlm cannot load model {name!r}: {exc}",
            provider=_PROVIDER,
            model=name,
            hint="Use a model converted for MLX (e.g. from mlx-community/) whose model_type "
            "this mlx-vlm version supports; upgrading mlx-vlm may help.",
        ) from None
    except Exception as exc:
        raise ProviderError(
            f"mlx-vlm failed to load model {name!r}: {type(exc).__name__}: {exc}",
            provider=_PROVIDER,
            model=name,
            hint="The weights may be damaged: download the model again.",
        ) from None
    seconds = time.perf_counter() - started
    size = sum(v.nbytes for _, v in tree_flatten(model.parameters()))
    model_type = str(getattr(model.config, "model_type", "") or "")
    return LoadedModel(name, path, model, processor, model_type, size, seconds)
