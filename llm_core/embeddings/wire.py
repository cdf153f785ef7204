"""The two embedding wires: OpenAI's ``/v1/embeddings`` and Ollama's ``/api/embed``.

Bodies, answers, and the errors servers send for an embedding request, read into the typed
ones: a completion-only model (Ollama's 501, llama.cpp's ``not_supported_error``, LM Studio's
"Model is not embedding") is :class:`~llm_core.errors.NotSupportedError`, an over-long input
with truncation off :class:`~llm_core.errors.ContextLengthError`.
"""

from __future__ import annotations

from typing import Any

from llm_core import errors as e
from llm_core.embeddings.types import Embeddings, EmbedRequest
from llm_core.http.shapes import WrongShape, count_of, object_of, text_of

__all__ = ["embed_error", "ollama_body", "openai_body", "parse_ollama", "parse_openai"]

_UNSUPPORTED = ("not support", "not_supported", "not embedding", "does not support embed")
_OVERFLOW = ("context", "exceed", "too long", "too large", "input length")


def openai_body(request: EmbedRequest, model: str | None) -> dict[str, Any]:
    """The ``/v1/embeddings`` body (``truncate`` has no OpenAI field: servers truncate or fail)."""
    body: dict[str, Any] = {"input": list(request.texts), "encoding_format": "float"}
    if model is not None:
        body["model"] = model
    if request.dimensions is not None:
        body["dimensions"] = request.dimensions
    return body


def ollama_body(request: EmbedRequest, model: str | None) -> dict[str, Any]:
    """The ``/api/embed`` body."""
    body: dict[str, Any] = {"model": model, "input": list(request.texts)}
    if not request.truncate:
        body["truncate"] = False
    if request.dimensions is not None:
        body["dimensions"] = request.dimensions
    if request.keep_alive is not None:
        body["keep_alive"] = request.keep_alive
    return body


def _invalid(provider: str, model: str | None, what: str) -> e.InvalidResponseError:
    return e.InvalidResponseError(
        f"{provider} embeddings answer {what}",
        provider=provider,
        model=model,
        hint="Is base_url pointing at an embedding server?",
    )


def _checked(vectors: Any, count: int, provider: str, model: str | None) -> list[list[float]]:
    if not isinstance(vectors, list) or len(vectors) != count:
        got = len(vectors) if isinstance(vectors, list) else type(vectors).__name__
        raise _invalid(provider, model, f"has {got} vectors for {count} inputs")
    size = len(vectors[0]) if vectors and isinstance(vectors[0], list) else -1
    try:  # sum() checks every item is a number at C speed (a string or None raises)
        for vector in vectors:
            if type(vector) is not list or len(vector) != size or isinstance(sum(vector), complex):
                raise TypeError
    except TypeError:
        what = "holds vectors that are not equal-length lists of numbers"
        raise _invalid(provider, model, what) from None
    return vectors


def parse_openai(data: Any, request: EmbedRequest, provider: str, model: str | None) -> Embeddings:
    """A ``/v1/embeddings`` answer: ``data`` items put back in input order by ``index``."""
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise _invalid(provider, model, "has no 'data' list")
    try:
        ordered = sorted(items, key=lambda item: item["index"])
        vectors = [item["embedding"] for item in ordered]
    except (TypeError, KeyError):
        raise _invalid(provider, model, "has items without index or embedding") from None
    if sorted(item["index"] for item in ordered) != list(range(len(ordered))):
        raise _invalid(provider, model, "has item indexes that are not 0..n-1, each once")
    fields = _fields(data, "usage.prompt_tokens", provider, model)
    return Embeddings(
        _checked(vectors, len(request.texts), provider, model),
        model=fields[0] or model,
        provider=provider,
        prompt_tokens=fields[1],
    )


def _fields(data: dict, tokens: str, provider: str, model: str | None) -> tuple[str, int | None]:
    """The answer's model name and prompt-token count, type-checked (``tokens``: where)."""
    try:
        usage = object_of(data.get("usage"), "usage") if "." in tokens else data
        count = usage.get(tokens.rpartition(".")[2])
        return text_of(data.get("model"), "model"), count_of(count, tokens)
    except WrongShape as exc:
        raise _invalid(provider, model, f"is malformed: {exc}") from None


def parse_ollama(data: Any, request: EmbedRequest, provider: str, model: str | None) -> Embeddings:
    """An ``/api/embed`` answer."""
    vectors = data.get("embeddings") if isinstance(data, dict) else None
    vectors = _checked(vectors, len(request.texts), provider, model)
    name, tokens = _fields(data, "prompt_eval_count", provider, model)
    return Embeddings(vectors, model=name or model, provider=provider, prompt_tokens=tokens)


def embed_error(error: e.LLMError, request: EmbedRequest) -> e.LLMError:
    """The typed error for a failed embedding request (others pass through unchanged)."""
    text = (getattr(error, "message", None) or str(error)).lower()
    status = getattr(error, "status_code", None)
    where = {"provider": error.provider, "model": error.model, "url": error.url}
    if status == 501 or any(word in text for word in _UNSUPPORTED):
        return e.NotSupportedError(
            f"{error.provider}: model {error.model!r} does not embed ({error.message})",
            status_code=status,
            hint="Use an embedding model (e.g. nomic-embed-text), or start llama.cpp with "
            "--embeddings.",
            **where,
        )
    if status in (400, 413, 500) and any(word in text for word in _OVERFLOW):
        hint = "Shorten the input, or pass truncate=True to let the server cut it."
        if request.truncate:
            hint = "Shorten the input: this server does not truncate embedding inputs."
        return e.ContextLengthError(
            f"{error.provider}: an input exceeds the model's context ({error.message})",
            status_code=status,
            hint=hint,
            **where,
        )
    return error
