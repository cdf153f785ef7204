"""Sans-IO model catalogue: names, ``/api/tags``, ``/api/show``, ``/api/ps``, ``/api/version``.

Ollama names are ``[namespace/]name[:tag]`` with ``latest`` implied; ``/api/tags`` and
``/api/ps`` report full names (``llama3.2:latest``), so names are normalised before comparing.
"""

from __future__ import annotations

from typing import Any

from llm_core import errors as e
from llm_core.types import ModelInfo

__all__ = ["context_length", "normalise_name", "parse_ps", "parse_show", "parse_tags", "same_model"]


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


def _shape_error(what: str) -> e.InvalidResponseError:
    return e.InvalidResponseError(
        f"ollama answer has the wrong shape: {what}",
        provider="ollama",
        hint="Is base_url pointing at Ollama (http://host:11434, without /api or /v1)?",
    )


def _models(data: Any, endpoint: str) -> list[dict[str, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("models", 0), list | type(None)):
        raise _shape_error(f"{endpoint} has no models list")
    return [m for m in data.get("models") or () if isinstance(m, dict) and m.get("name")]


def _info(m: dict[str, Any], provider: str, **extra: Any) -> ModelInfo:
    details = m.get("details") if isinstance(m.get("details"), dict) else {}
    caps = m.get("capabilities")
    capabilities = tuple(caps) if isinstance(caps, list) else ()
    return ModelInfo(
        id=m["name"],
        provider=provider,
        vision=("vision" in capabilities) if isinstance(caps, list) else None,
        size_bytes=m.get("size"),
        family=details.get("family") or None,
        parameter_size=details.get("parameter_size") or None,
        quantization=details.get("quantization_level") or None,
        format=details.get("format") or None,
        modified_at=m.get("modified_at"),
        capabilities=capabilities,
        raw=m,
        **extra,
    )


def parse_tags(data: Any, provider: str = "ollama") -> list[ModelInfo]:
    """``GET /api/tags``: installed models (``capabilities`` only on recent servers)."""
    return [_info(m, provider) for m in _models(data, "/api/tags")]


def parse_ps(data: Any, provider: str = "ollama") -> list[ModelInfo]:
    """``GET /api/ps``: loaded models; ``context_length`` on v0.11+, VRAM and expiry in raw."""
    return [
        _info(m, provider, loaded=True, context_length=m.get("context_length"))
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
        raise _shape_error("/api/show answer is not an object")
    caps = data.get("capabilities")
    capabilities = tuple(caps) if isinstance(caps, list) else ()
    details = data.get("details") if isinstance(data.get("details"), dict) else {}
    return ModelInfo(
        id=normalise_name(name),
        provider=provider,
        vision=("vision" in capabilities) if isinstance(caps, list) else None,
        context_length=context_length(data.get("model_info")),
        family=details.get("family") or None,
        parameter_size=details.get("parameter_size") or None,
        quantization=details.get("quantization_level") or None,
        format=details.get("format") or None,
        modified_at=data.get("modified_at"),
        capabilities=capabilities,
        raw=data,
    )
