"""Sans-IO parsing of LM Studio's native REST API v0 (``/api/v0/*``, LM Studio 0.3.6+).

``GET /api/v0/models`` entries become :class:`~llm_core.types.ModelInfo` with type, load state,
architecture, quantization, format and context length; the ``stats`` of a non-streamed
``POST /api/v0/chat/completions`` answer (seconds, tokens per second) become
``Response.metrics``.
"""

from __future__ import annotations

from typing import Any

from llm_core import ModelInfo, Response
from llm_core import errors as e

__all__ = [
    "FINISH_REASONS",
    "apply_stats",
    "is_native_model_list",
    "parse_native_model",
    "parse_native_models",
    "stats_metrics",
]

#: LM Studio ``stats.stop_reason`` -> the OpenAI ``finish_reason`` it means (used only when the
#: answer has no finish_reason of its own).
FINISH_REASONS = {
    "eosFound": "stop",
    "stopStringFound": "stop",
    "maxPredictedTokensReached": "length",
    "contextLengthReached": "length",
    "toolCalls": "tool_calls",
    "userStopped": "stop",
    "modelUnloaded": "error",
    "failed": "error",
}

# stats field -> metrics name; times are already seconds in v0 (not ms like llama.cpp timings).
_STATS = (
    ("tokens_per_second", "tokens_per_second"),
    ("time_to_first_token", "time_to_first_token"),
    ("generation_time", "generation_seconds"),
    ("total_draft_tokens_count", "draft_tokens"),
    ("accepted_draft_tokens_count", "accepted_draft_tokens"),
    ("rejected_draft_tokens_count", "rejected_draft_tokens"),
    ("ignored_draft_tokens_count", "ignored_draft_tokens"),
)


def is_native_model_list(data: Any) -> bool:
    """True when ``data`` looks like ``/api/v0/models`` (a list whose entries have ``type``)."""
    items = data.get("data") if isinstance(data, dict) else None
    return isinstance(items, list) and all(
        isinstance(m, dict) and isinstance(m.get("id"), str) and "type" in m for m in items
    )


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse_native_model(entry: dict[str, Any], provider: str = "lmstudio") -> ModelInfo:
    """One ``/api/v0/models`` entry as a ModelInfo.

    ``vision`` is true for type ``vlm``; ``context_length`` is the model's trained maximum
    (``max_context_length``); the context it is loaded with, when loaded, stays in
    ``raw["loaded_context_length"]``.
    """
    kind = _str(entry.get("type"))
    state = entry.get("state")
    caps = entry.get("capabilities")
    return ModelInfo(
        id=entry["id"],
        provider=provider,
        vision=None if kind is None else kind == "vlm",
        context_length=_int(entry.get("max_context_length")),
        loaded=None if state not in ("loaded", "not-loaded") else state == "loaded",
        family=_str(entry.get("arch")),
        quantization=_str(entry.get("quantization")),
        format=_str(entry.get("compatibility_type")),
        type=kind,
        capabilities=tuple(c for c in caps if isinstance(c, str)) if isinstance(caps, list) else (),
        raw=entry,
    )


def parse_native_models(data: Any, provider: str = "lmstudio") -> list[ModelInfo]:
    """A ``/api/v0/models`` answer as ModelInfo objects (InvalidResponseError if misshapen)."""
    if not is_native_model_list(data):
        raise e.InvalidResponseError(
            f"{provider}: /api/v0/models answer has the wrong shape",
            provider=provider,
            hint="Is base_url pointing at LM Studio (http://HOST:1234/v1)?",
        )
    return [parse_native_model(m, provider) for m in data["data"]]


def stats_metrics(stats: Any) -> dict[str, float]:
    """v0 ``stats`` (seconds and tokens/s) as ``Response.metrics``."""
    if not isinstance(stats, dict):
        return {}
    out: dict[str, float] = {}
    for src, dst in _STATS:
        value = stats.get(src)
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[dst] = float(value)
    return out


def apply_stats(response: Response) -> Response:
    """Fill ``metrics`` (and a missing ``finish_reason``) from a v0 answer's ``raw["stats"]``.

    ``stop_reason`` is a string, so it goes to ``raw["stop_reason"]``, not into metrics.
    """
    stats = response.raw.get("stats")
    if not isinstance(stats, dict):
        return response
    response.metrics.update(stats_metrics(stats))
    stop = stats.get("stop_reason")
    if isinstance(stop, str):
        response.raw["stop_reason"] = stop
        if response.finish_reason is None:
            response.finish_reason = FINISH_REASONS.get(stop)
    return response
