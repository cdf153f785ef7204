"""Sans-IO translation of LM Studio's error answers into the llm-core error tree.

LM Studio answers errors in several shapes (PROTOCOLS.md §3.8): ``{"error": "text"}``,
``{"error": {"message", "type", "code", "param"}}``, and some of them with status **200**
(an unknown endpoint, context overflow in 0.4.21). :func:`lmstudio_error` keys off the status,
the ``code`` field and, where LM Studio gives nothing else, its stable message wording; the
message itself is always LM Studio's own.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from llm_core import errors as e
from llm_core.http import error_for_status, message_from_json

__all__ = [
    "TOKEN_ENV_VARS",
    "error_fields",
    "is_unexpected_endpoint",
    "lmstudio_error",
]

#: Environment variables read for the API token, in this order (after the config's api_key).
TOKEN_ENV_VARS = ("LM_API_TOKEN", "LMSTUDIO_API_TOKEN")

_LOAD_HINT = (
    "Load it: `lms load {model}`, or load it in the LM Studio app (Developer tab); "
    "or turn on just-in-time loading in the server settings."
)
_NOT_FOUND_HINT = (
    "`lms ls` lists the downloaded models (list_models() shows them too); download one with "
    "`lms get NAME`, then `lms load {model}` or load it in the LM Studio app."
)


def error_fields(data: Any) -> tuple[str | None, str | None, str | None]:
    """``(message, code, type)`` of a decoded LM Studio error body (string or object form)."""
    if not isinstance(data, dict):
        return None, None, None
    err = data.get("error")
    if isinstance(err, dict):
        code, kind = err.get("code"), err.get("type")
        return (
            message_from_json(data),
            code if isinstance(code, str) else None,
            kind if isinstance(kind, str) else None,
        )
    return message_from_json(data), None, None


def is_unexpected_endpoint(data: Any) -> bool:
    """True for LM Studio's answer to an unknown path (sent with status 200)."""
    message = error_fields(data)[0]
    return bool(message) and message.lower().startswith("unexpected endpoint")


def _decode(body: bytes | str | Any) -> Any:
    if not isinstance(body, bytes | str):
        return body
    try:
        return json.loads(body)
    except ValueError:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        return {"error": " ".join(text.split())[:300] or "(empty body)"}


def lmstudio_error(
    status: int,
    body: bytes | str | Any,
    *,
    model: str | None,
    url: str,
    headers: Mapping[str, str] | None = None,
    token_sent: bool = False,
) -> e.LLMError:
    """The typed error for an LM Studio error answer (``body`` raw or already decoded)."""
    message, code, kind = error_fields(_decode(body))
    message = message or f"HTTP {status}"
    low = message.lower()
    ctx: dict[str, Any] = {
        "provider": "lmstudio",
        "model": model,
        "url": url,
        "status_code": status,
    }
    text = f"lmstudio answered {status}: {message}"
    name = model or "NAME"
    if status in (401, 403) or code == "invalid_api_key":
        return e.AuthenticationError(text, hint=_auth_hint(status, token_sent), **ctx)
    if "no models loaded" in low:
        return e.ModelNotFoundError(text, hint=_LOAD_HINT.format(model=name), **ctx)
    if code == "model_not_found" or kind == "model_not_found" or "invalid model identifier" in low:
        return e.ModelNotFoundError(text, hint=_NOT_FOUND_HINT.format(model=name), **ctx)
    if low.startswith("unexpected endpoint"):
        return e.InvalidResponseError(
            text,
            hint=(
                "LM Studio does not know this path: check base_url. LM Studio's OpenAI-compatible "
                "API is at http://HOST:1234/v1 (one /v1, not two)."
            ),
            **ctx,
        )
    if "response_format" in low:
        return e.ValidationError(
            text,
            hint=(
                "LM Studio accepts structured output only as a JSON schema: pass "
                "response_format=<a JSON schema dict>; 'json_object' is not supported."
            ),
            **ctx,
        )
    if "does not support images" in low:
        return e.ValidationError(
            text,
            hint=(
                "This model has no vision: pick one whose list_models() entry has vision=True "
                "(LM Studio type 'vlm')."
            ),
            **ctx,
        )
    if "base64 encoded image" in low:
        return e.ValidationError(
            text, hint="LM Studio takes images as base64 PNG or JPEG; convert other formats.", **ctx
        )
    if "crashed" in low:
        return e.ServerError(
            text,
            hint=(
                "The model process crashed (often out of memory). With just-in-time loading the "
                f"next request reloads it; otherwise `lms load {name}` again, or try a smaller "
                "model or context length."
            ),
            **ctx,
        )
    if "context length" in low or "context size" in low or "context the overflows" in low:
        return e.ValidationError(
            text,
            hint=(
                "The prompt does not fit the loaded context length: shorten it, or load the model "
                f"with a larger one (`lms load {name} --context-length N`)."
            ),
            **ctx,
        )
    if status < 400:  # an error body with a success status: nothing more specific is known
        return e.ProviderError(text, **ctx)
    return error_for_status(
        status,
        message,
        headers or {},
        provider="lmstudio",
        model=model,
        url=url,
        not_found_hint=_NOT_FOUND_HINT.format(model=name),
    )


def _auth_hint(status: int, token_sent: bool) -> str:
    if status == 403:
        return (
            "The API token lacks the permission for this request: edit it in LM Studio "
            "(Developer > Server Settings > Manage Tokens)."
        )
    if token_sent:
        return (
            "LM Studio rejected the API token: create a new one in LM Studio (Developer > "
            "Server Settings > Manage Tokens) and pass it as api_key, or set LM_API_TOKEN."
        )
    return (
        "This LM Studio server requires an API token: create one in LM Studio (Developer > "
        "Server Settings > Manage Tokens), then pass api_key=..., or set LLM_CORE_API_KEY, "
        "LM_API_TOKEN or LMSTUDIO_API_TOKEN."
    )
