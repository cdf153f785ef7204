"""Sans-IO model catalogue: names, ``/api/tags``, ``/api/show``, ``/api/ps``, and what is known
about each model (:class:`ModelFacts`: digests, capabilities, ``/api/show`` answers).

Ollama names are ``[namespace/]name[:tag]`` with ``latest`` implied; ``/api/tags`` and
``/api/ps`` report full names (``llama3.2:latest``), so names are normalised before comparing.
"""

from __future__ import annotations

import threading
from typing import Any

from llm_core import ModelInfo
from llm_core.http import shape_error

__all__ = [
    "HINT",
    "ModelFacts",
    "context_length",
    "normalise_name",
    "parse_ps",
    "parse_show",
    "parse_tags",
    "same_model",
]

#: What to check when an answer is not Ollama-shaped.
HINT = "Is base_url pointing at Ollama (http://host:11434, without /api or /v1)?"


def normalise_name(name: str) -> str:
    """``name`` with the implied ``:latest`` tag made explicit (``llama3.2:latest``).

    A colon inside a registry host (``host:5000/ns/name``) is not a tag.
    """
    name = name.strip()
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last else f"{name}:latest"


def same_model(a: str, b: str) -> bool:
    """True when two names denote the same model (``:latest`` normalised, case-insensitive)."""
    return normalise_name(a).lower() == normalise_name(b).lower()


def _models(data: Any, endpoint: str) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("models", 0), list | type(None)):
        raise shape_error("ollama", None, f"{endpoint} has no models list", HINT)
    models = data.get("models") or []
    for i, m in enumerate(models):
        if not isinstance(m, dict) or type(m.get("name")) is not str or not m["name"]:
            what = f"{endpoint} models[{i}] is not a model with a string name"
            raise shape_error("ollama", None, what, HINT)
    return models


def _text(value: Any) -> str | None:
    return value if type(value) is str and value else None


def _count(value: Any) -> int | None:
    return value if type(value) is int and value >= 0 else None


def _description(m: dict[str, Any]) -> dict[str, Any]:
    """The fields ``/api/tags``, ``/api/ps`` and ``/api/show`` share. Metadata, not the answer:
    a field of the wrong type is dropped (None), never passed on as it came."""
    details = m.get("details") if isinstance(m.get("details"), dict) else {}
    caps = m.get("capabilities")
    known = isinstance(caps, list)
    capabilities = tuple(c for c in caps if type(c) is str) if known else ()
    return {
        "vision": ("vision" in capabilities) if known else None,
        "family": _text(details.get("family")),
        "parameter_size": _text(details.get("parameter_size")),
        "quantization": _text(details.get("quantization_level")),
        "format": _text(details.get("format")),
        "modified_at": _text(m.get("modified_at")),
        "capabilities": capabilities,
    }


def _info(m: dict[str, Any], provider: str, **extra: Any) -> ModelInfo:
    size = _count(m.get("size"))
    return ModelInfo(
        id=m["name"], provider=provider, size_bytes=size, raw=m, **_description(m), **extra
    )


def parse_tags(data: Any, provider: str = "ollama") -> list[ModelInfo]:
    """``GET /api/tags``: installed models (``capabilities`` only on recent servers)."""
    return [_info(m, provider) for m in _models(data, "/api/tags")]


def parse_ps(data: Any, provider: str = "ollama") -> list[ModelInfo]:
    """``GET /api/ps``: loaded models; ``context_length`` on v0.11+, VRAM and expiry in raw."""
    return [
        _info(m, provider, loaded=True, context_length=_count(m.get("context_length")))
        for m in _models(data, "/api/ps")
    ]


def context_length(model_info: Any) -> int | None:
    """The trained context length: ``model_info["<general.architecture>.context_length"]``."""
    if not isinstance(model_info, dict):
        return None
    arch = model_info.get("general.architecture")
    value = model_info.get(f"{arch}.context_length") if arch else None
    if value is None:  # some GGUFs name the key after another architecture string
        value = next((v for k, v in model_info.items() if k.endswith(".context_length")), None)
    return value if isinstance(value, int) else None


def parse_show(data: Any, name: str, provider: str = "ollama") -> ModelInfo:
    """``POST /api/show``: details, capabilities (``vision``, ``tools``, ...), context length."""
    if not isinstance(data, dict):
        raise shape_error("ollama", None, "/api/show answer is not an object", HINT)
    return ModelInfo(
        id=normalise_name(name),
        provider=provider,
        context_length=context_length(data.get("model_info")),
        raw=data,
        **_description(data),
    )


class ModelFacts:
    """What is known about each model, by normalised name: digest (from ``/api/tags``),
    capabilities, and ``/api/show`` answers cached by digest. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._digests: dict[str, str] = {}
        self._capabilities: dict[str, tuple[str, ...]] = {}
        self._shown: dict[str, ModelInfo] = {}  # digest (or "name:<name>") -> /api/show info

    def remember(self, models: list[ModelInfo]) -> list[ModelInfo]:
        """Note digests (and capabilities, on servers that list them) from a model list."""
        with self._lock:
            for m in models:
                key = normalise_name(m.id)
                digest = m.raw.get("digest")
                if isinstance(digest, str) and self._digests.get(key) != digest:
                    self._digests[key] = digest
                    self._capabilities.pop(key, None)  # a new digest: capabilities may differ
                if m.capabilities:
                    self._capabilities[key] = m.capabilities
        return models

    def knows_digest(self, model: str) -> bool:
        """True when the model's digest is known from a model list."""
        return normalise_name(model) in self._digests

    def capabilities(self, model: str) -> tuple[str, ...]:
        """The model's known capabilities (empty when unknown)."""
        return self._capabilities.get(normalise_name(model), ())

    def _show_key(self, model: str) -> str:
        key = normalise_name(model)
        return self._digests.get(key) or f"name:{key}"

    def shown(self, model: str) -> ModelInfo | None:
        """The cached ``/api/show`` info for the model's current digest, if any."""
        return self._shown.get(self._show_key(model))

    def keep_shown(self, model: str, info: ModelInfo) -> ModelInfo:
        """Cache ``/api/show`` info under the model's digest; note its capabilities."""
        with self._lock:
            self._shown[self._show_key(model)] = info
            if info.capabilities:
                self._capabilities[normalise_name(model)] = info.capabilities
        return info

    def forget(self, model: str) -> None:
        """Drop what is known about a model (after a pull, its digest may have changed)."""
        key = normalise_name(model)
        with self._lock:
            self._digests.pop(key, None)
            self._capabilities.pop(key, None)
