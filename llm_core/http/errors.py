"""Sans-IO translation of HTTP failures into the llm-core error tree.

One place maps transport exceptions (httpx2) and HTTP statuses to typed errors, so every HTTP
adapter reports the same way; :func:`shape_error` is the one error for an answer whose JSON has
the wrong shape. Provider protocols pass their own message extraction and hints.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from typing import Any

from llm_core import errors as e

__all__ = [
    "error_for_status",
    "error_message",
    "message_from_json",
    "parse_retry_after",
    "shape_error",
    "translate_transport_error",
]


def shape_error(
    provider: str, model: str | None, what: str, hint: str | None = None
) -> e.InvalidResponseError:
    """The error for an answer that is JSON but not of the shape the protocol promises."""
    return e.InvalidResponseError(
        f"{provider} answer has the wrong shape: {what}",
        provider=provider,
        model=model,
        hint=hint or "Is base_url pointing at the right server and path?",
    )


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms``, or ``Retry-After`` (seconds or an HTTP date)."""
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def error_message(body: bytes | str) -> str:
    """The human message inside an error body of any common shape, else the text itself.

    Handles ``{"error": "text"}``, ``{"error": {"message": ...}}``, ``{"detail": ...}`` and
    ``{"message": ...}``; a non-JSON body (an HTML page, ``404 page not found``) is returned
    trimmed.
    """
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:300] or "(empty body)"
    return message_from_json(data) or text[:300]


def message_from_json(data: Any) -> str | None:
    """The error message in a decoded JSON error body, or None if it has none."""
    if not isinstance(data, dict):
        return None
    for key in ("error", "detail", "message"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict):
            inner = value.get("message") or value.get("detail")
            if isinstance(inner, str):
                return inner
        if isinstance(value, list) and value:  # FastAPI 422: [{"loc": [...], "msg": ...}]
            first = value[0]
            if isinstance(first, dict) and "msg" in first:
                loc = ".".join(str(p) for p in first.get("loc", ()))
                return f"{loc}: {first['msg']}" if loc else str(first["msg"])
    return None


_NO_IMAGES = (
    "image input is not supported",
    "does not support multimodal",
    "does not support images",
)


def error_for_status(
    status: int,
    message: str,
    headers: Mapping[str, str],
    *,
    provider: str,
    model: str | None,
    url: str,
    not_found_hint: str | None = None,
    auth_hint: str | None = None,
) -> e.LLMError:
    """The typed error for an HTTP error status (>= 400)."""
    ctx: dict[str, Any] = {"provider": provider, "model": model, "url": url, "status_code": status}
    text = f"{provider} answered {status}: {message}"
    lowered = message.lower()
    if any(marker in lowered for marker in _NO_IMAGES):
        # llama.cpp says so with a 500, Ollama and LM Studio with a 400: never worth a retry.
        return e.ValidationError(
            text,
            hint="This model cannot read images: use a vision model or drop the images.",
            **ctx,
        )
    if status in (401, 403):
        return e.AuthenticationError(text, hint=auth_hint or "Check the API key setting.", **ctx)
    if status == 404:
        return e.ModelNotFoundError(
            text,
            hint=not_found_hint or "Check the model name and that the base URL is right.",
            **ctx,
        )
    if status == 429:
        retry_after = parse_retry_after(headers)
        return e.RateLimitError(
            text, retry_after=retry_after, hint="Wait and try again, or send fewer requests.", **ctx
        )
    if status in (400, 422):
        return e.ValidationError(text, hint="The server rejected the request as invalid.", **ctx)
    if status >= 500:
        return e.ServerError(text, hint="The server failed; it is retried automatically.", **ctx)
    return e.ProviderError(text, **ctx)


def translate_transport_error(
    exc: BaseException,
    *,
    provider: str,
    model: str | None,
    url: str,
    partial_text: str | None = None,
    down_hint: str | None = None,
) -> e.LLMError:
    """The typed error for an httpx2 exception; mid-stream breaks become GenerationError."""
    import httpx2

    ctx: dict[str, Any] = {"provider": provider, "model": model, "url": e.redact_url(url)}
    detail = str(exc) or type(exc).__name__
    if partial_text:
        return e.GenerationError(
            f"{provider} stream broke off after {len(partial_text)} characters: {detail}",
            partial_text=partial_text,
            hint="The partial text is on error.partial_text.",
            **ctx,
        )
    if isinstance(exc, httpx2.TimeoutException):
        phase = {
            httpx2.ConnectTimeout: "connect",
            httpx2.ReadTimeout: "read",
            httpx2.WriteTimeout: "write",
            httpx2.PoolTimeout: "pool",
        }.get(type(exc), "read")
        hint = (
            "Is the server running and reachable?"
            if phase == "connect"
            else "The model may still be loading or generating; raise timeouts.read."
        )
        return e.TimeoutError(
            f"{provider}: {phase} timeout ({detail})", phase=phase, hint=hint, **ctx
        )
    if isinstance(exc, httpx2.ConnectError):
        return e.ConnectionError(
            f"cannot connect to {provider} at {ctx['url']}: {detail}",
            hint=down_hint or "Is the server running? Check base_url.",
            **ctx,
        )
    if isinstance(exc, httpx2.DecodingError):
        return e.InvalidResponseError(f"{provider} sent an undecodable body: {detail}", **ctx)
    if isinstance(exc, httpx2.TransportError):
        return e.ConnectionError(
            f"connection to {provider} failed: {detail}",
            hint="The server closed the connection; it is retried automatically.",
            **ctx,
        )
    return e.ProviderError(f"{provider} request failed: {detail}", **ctx)
