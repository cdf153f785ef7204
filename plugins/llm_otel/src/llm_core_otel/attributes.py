"""What llm-core's calls look like in the GenAI semantic conventions: names and attribute sets.

Attribute names come from ``opentelemetry-semantic-conventions`` where it has them (the GenAI
ones live in its incubating namespace); the few llm-core specifics (attempt, fallback, cache) are
under ``llm_core.*``. Nothing here reads message contents: that is :mod:`llm_core_otel.content`.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as ga
from opentelemetry.semconv.attributes.error_attributes import ERROR_TYPE

from llm_core import Call, Embeddings, Response

__all__ = [
    "ATTEMPT",
    "CACHE_HIT",
    "CACHE_KIND",
    "CLOSED_EARLY",
    "ERROR_TYPE",
    "FALLBACK_FROM",
    "FALLBACK_TO",
    "INPUT_MESSAGES",
    "LINK",
    "OPERATION",
    "OPERATIONS",
    "OUTPUT_MESSAGES",
    "PROVIDER",
    "REQUEST_MODEL",
    "RETRY_WAIT",
    "TTFT",
    "call_attributes",
    "error_type",
    "metric_attributes",
    "response_attributes",
    "span_name",
]

#: llm-core operation -> ``gen_ai.operation.name`` (list_models and health_check are not traced).
OPERATIONS = {
    "chat": ga.GenAiOperationNameValues.CHAT.value,
    "embed": ga.GenAiOperationNameValues.EMBEDDINGS.value,
}
OPERATION = ga.GEN_AI_OPERATION_NAME
PROVIDER = ga.GEN_AI_PROVIDER_NAME
REQUEST_MODEL = ga.GEN_AI_REQUEST_MODEL
INPUT_MESSAGES = ga.GEN_AI_INPUT_MESSAGES
OUTPUT_MESSAGES = ga.GEN_AI_OUTPUT_MESSAGES
TTFT = ga.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK
ATTEMPT = "llm_core.attempt"
LINK = "llm_core.fallback.link"
RETRY_WAIT = "llm_core.retry.wait"
FALLBACK_FROM = "llm_core.fallback.from"
FALLBACK_TO = "llm_core.fallback.to"
CACHE_HIT = "llm_core.cache.hit"
CACHE_KIND = "llm_core.cache.kind"
CLOSED_EARLY = "llm_core.stream.closed_early"

_CHAT_PARAMS = (  # Request field -> attribute
    ("temperature", ga.GEN_AI_REQUEST_TEMPERATURE),
    ("max_tokens", ga.GEN_AI_REQUEST_MAX_TOKENS),
    ("top_p", ga.GEN_AI_REQUEST_TOP_P),
    ("seed", ga.GEN_AI_REQUEST_SEED),
    ("stop", ga.GEN_AI_REQUEST_STOP_SEQUENCES),
)


def span_name(operation: str, model: str | None) -> str:
    """``{gen_ai.operation.name} {gen_ai.request.model}``, as the conventions name the span."""
    return f"{operation} {model}" if model else operation


def call_attributes(call: Call, operation: str) -> dict[str, Any]:
    """The span attributes known when ``call`` starts: operation, provider, model, parameters."""
    attrs: dict[str, Any] = {
        ga.GEN_AI_OPERATION_NAME: operation,
        ga.GEN_AI_PROVIDER_NAME: call.provider,
    }
    if call.model:
        attrs[ga.GEN_AI_REQUEST_MODEL] = call.model
    request = call.request
    if call.operation == "chat":
        attrs[ga.GEN_AI_REQUEST_STREAM] = call.stream
        for field, name in _CHAT_PARAMS:
            value = getattr(request, field, None)
            if value is not None:
                attrs[name] = value
        if getattr(request, "response_format", None) is not None:
            attrs[ga.GEN_AI_OUTPUT_TYPE] = ga.GenAiOutputTypeValues.JSON.value
    elif getattr(request, "dimensions", None) is not None:
        attrs[ga.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = request.dimensions
    return attrs


def response_attributes(response: Response | Embeddings) -> dict[str, Any]:
    """What an answer adds: the provider and model that answered, finish reason, token usage."""
    attrs: dict[str, Any] = {}
    if response.provider:
        attrs[ga.GEN_AI_PROVIDER_NAME] = response.provider
    if response.model:
        attrs[ga.GEN_AI_RESPONSE_MODEL] = response.model
    if isinstance(response, Embeddings):
        if response.prompt_tokens is not None:
            attrs[ga.GEN_AI_USAGE_INPUT_TOKENS] = response.prompt_tokens
        if response.vectors:
            attrs[ga.GEN_AI_EMBEDDINGS_DIMENSION_COUNT] = response.dimensions
        if response.cached:
            attrs[CACHE_HIT] = True
        return attrs
    if response.finish_reason:
        attrs[ga.GEN_AI_RESPONSE_FINISH_REASONS] = (response.finish_reason,)
    usage = response.usage
    if usage.prompt_tokens is not None:
        attrs[ga.GEN_AI_USAGE_INPUT_TOKENS] = usage.prompt_tokens
    if usage.completion_tokens is not None:
        attrs[ga.GEN_AI_USAGE_OUTPUT_TOKENS] = usage.completion_tokens
    if response.cached:
        attrs[CACHE_HIT] = True
    return attrs


def error_type(error: BaseException) -> str:
    """``error.type``: the exception's class name (low cardinality: llm-core's error tree)."""
    return type(error).__qualname__


def metric_attributes(span_attrs: dict[str, Any], error: BaseException | None) -> dict[str, Any]:
    """The metric dimensions the conventions name, from the call span's attributes."""
    keep = (ga.GEN_AI_OPERATION_NAME, ga.GEN_AI_PROVIDER_NAME, ga.GEN_AI_REQUEST_MODEL)
    attrs = {k: span_attrs[k] for k in keep if k in span_attrs}
    if ga.GEN_AI_RESPONSE_MODEL in span_attrs:
        attrs[ga.GEN_AI_RESPONSE_MODEL] = span_attrs[ga.GEN_AI_RESPONSE_MODEL]
    if error is not None:
        attrs[ERROR_TYPE] = error_type(error)
    return attrs
