"""Sans-IO mapping of Ollama's error answers to the llm-core error tree (PROTOCOLS.md §1.9).

Keyed on status codes first (the not-found wording differs by endpoint), then on the body:
Ollama's JSON errors are ``{"error": "text"}``; its router answers unknown paths and wrong
methods with plain-text ``404 page not found`` / ``405 method not allowed`` pages, and its
DNS-rebinding guard answers a foreign ``Host`` header with 403 and an empty body. A runner
error can nest a llama.cpp JSON error inside the ``error`` string; the inner message is used.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llm_core import errors as e
from llm_core.http import error_for_status

__all__ = ["ollama_error", "pull_hint"]

_BASE_URL_HINT = (
    "Check base_url: it should be Ollama's root (http://127.0.0.1:11434), without "
    "/api or /v1, and the server there must be Ollama."
)
_HOST_HINT = (
    "Ollama refuses requests whose Host header is not a local name while it listens on "
    "loopback: connect through 127.0.0.1 or localhost, or start the server with "
    "OLLAMA_HOST=0.0.0.0 to serve other hosts."
)


def pull_hint(model: str | None) -> str:
    """What to do about a missing model."""
    name = model or "NAME"
    return (
        f"Run `ollama pull {name}` (or `llm-core pull {name}`) to download it; "
        "`ollama list` shows what is installed."
    )


def _json_error(body: bytes) -> str | None:
    """The ``error`` string of a JSON body, unwrapping a nested llama.cpp error; else None."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or "error" not in data:
        return None
    message = data["error"]
    if isinstance(message, dict):
        message = message.get("message") or json.dumps(message)
    message = str(message)
    if message.startswith("{"):
        try:
            inner = json.loads(message)
        except ValueError:
            return message
        err = inner.get("error") if isinstance(inner, dict) else None
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return err["message"]
        if isinstance(err, str):
            return err
    return message


def _validation_hint(message: str, model: str | None) -> str:
    lowered = message.lower()
    if "multimodal" in lowered or "image" in lowered or "base64" in lowered:
        return (
            f"Model {model!r} cannot take these images: use a vision model (one whose "
            "`ollama show` capabilities include vision), or send text only."
        )
    if "does not support thinking" in lowered or "think" in lowered:
        return "This model does not think: drop the think option (or set think=False)."
    if "does not support chat" in lowered or "does not support generate" in lowered:
        return "This is an embedding-only model; pick a chat model."
    if "does not support tools" in lowered:
        return "This model cannot call tools: drop tools, or pick a model that has them."
    return "Ollama rejected the request as invalid; fix the field its message names."


def ollama_error(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    *,
    model: str | None,
    url: str,
    provider: str = "ollama",
) -> e.LLMError:
    """The typed error for an Ollama answer with an error status."""
    ctx: dict[str, Any] = {"provider": provider, "model": model, "url": url, "status_code": status}
    message = _json_error(body)
    if message is None:
        text = " ".join(body.decode("utf-8", "replace").split())[:200]
        if status == 403 and not text:
            return e.AuthenticationError(
                f"{provider} answered 403 with an empty body (Host header refused)",
                hint=_HOST_HINT,
                **ctx,
            )
        if status in (404, 405):
            return e.InvalidResponseError(
                f"{provider} answered {status} {text or '(empty body)'!r} for this URL: the path "
                "is not part of Ollama's API (or is used with the wrong method)",
                hint=_BASE_URL_HINT,
                **ctx,
            )
        message = text or "(empty body)"
    if status == 404:
        return e.ModelNotFoundError(
            f"{provider} answered 404: {message}", hint=pull_hint(model), **ctx
        )
    if status == 400 and "does not support tools" in message.lower():
        ctx["status_code"] = None  # the model lacks the capability: fall back, never retry
        return e.NotSupportedError(
            f"{provider} model {model!r} cannot call tools (400): {message}",
            hint="Pick a model whose `ollama show` capabilities include tools (llama3.2, "
            "qwen3, ...), or send the request without tools.",
            **ctx,
        )
    if status == 400:
        return e.ValidationError(
            f"{provider} rejected the request (400): {message}",
            hint=_validation_hint(message, model),
            **ctx,
        )
    if "invalid format" in message.lower():  # an Ollama before 0.5 takes only format "json"
        ctx["status_code"] = None  # its 500 is no server fault: never retried, may fall back
        return e.NotSupportedError(
            f"{provider} refused the JSON schema (format, status {status}): {message}",
            hint="Upgrade Ollama to 0.5 or later for schema= / response_format, whose schema "
            'it sends as format; older servers accept only options={"format": "json"}.',
            **ctx,
        )
    if status == 503:
        return e.ServerError(
            f"{provider} answered 503: {message}",
            hint="Ollama's request queue is full; it is retried automatically.",
            **ctx,
        )
    return error_for_status(status, message, headers, provider=provider, model=model, url=url)
