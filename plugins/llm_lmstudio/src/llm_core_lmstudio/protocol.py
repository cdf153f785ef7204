"""What the sync and async LM Studio adapters share: the hooks of the core's OpenAI protocol,
overridden for LM Studio (token, error shapes, 200-with-error answers, v0 stats), plus options.

No I/O here; :mod:`llm_core_lmstudio.adapter` holds the two thin shells.
"""

from __future__ import annotations

import json
import os
from typing import Any, ClassVar

import httpx2
from pydantic import Field

from llm_core import errors as e
from llm_core.http_errors import redact_url
from llm_core.openai_compat import OpenAIOptions, OpenAIProtocol
from llm_core.openai_wire import ChatStream
from llm_core.types import Health, ModelInfo, Response, StreamEvent
from llm_core_lmstudio.errors import TOKEN_ENV_VARS, is_unexpected_endpoint, lmstudio_error
from llm_core_lmstudio.native import apply_stats

__all__ = ["LMStudioChatStream", "LMStudioOptions", "LMStudioProtocol"]

#: Statuses that mean "this server has no native /api/v0 route" (another OpenAI server).
ABSENT_STATUSES = frozenset((404, 405, 501))


class LMStudioOptions(OpenAIOptions):
    """LM Studio request options (unknown names are errors).

    ``ttl``: seconds a just-in-time loaded model stays loaded while idle (LM Studio's default is
    60 minutes). ``draft_model``: a smaller model for speculative decoding (LM Studio 0.3.10+).
    The inherited sampling extras (``top_k``, ``min_p``, ``repeat_penalty``, penalties,
    ``logit_bias``) go into the body as they are; ``extra_body`` passes anything else.
    """

    ttl: int | None = Field(None, ge=1)
    draft_model: str | None = Field(None, min_length=1)


class LMStudioChatStream(ChatStream):
    """The core's SSE parser, but an error payload before any text raises LM Studio's typed
    error (ModelNotFoundError for "No models loaded", ...) instead of a GenerationError, so the
    fallback layer can still act on it."""

    __slots__ = ("url",)

    def __init__(self, provider: str, model: str | None, started: float, url: str) -> None:
        super().__init__(provider, model, started)
        self.url = url

    def feed(self, line: str) -> StreamEvent | None:
        """One SSE line (see :meth:`ChatStream.feed`)."""
        if not self.parts:
            data = _error_payload(line)
            if data is not None:
                raise lmstudio_error(200, data, model=self.model, url=self.url)
        return super().feed(line)


def _error_payload(line: str) -> dict | None:
    """An error object in a ``data:`` line, or a plain JSON error body sent (with status 200)
    instead of a stream: LM Studio's "Unexpected endpoint" and context-overflow answers."""
    payload = line[5:] if line.startswith("data:") else line if line.startswith("{") else ""
    if '"error"' not in payload:
        return None
    try:
        data = json.loads(payload)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("error") else None


class LMStudioProtocol(OpenAIProtocol):
    """LM Studio over its OpenAI-compatible ``/v1`` API plus the native ``/api/v0`` API."""

    provider: ClassVar[str] = "lmstudio"
    default_base_url: ClassVar[str] = "http://localhost:1234/v1"
    options_model = LMStudioOptions
    down_hint = (
        "Is LM Studio's server running? Start it in the app (Developer tab) or with "
        "`lms server start`; its default address is http://localhost:1234."
    )
    #: Where the API token came from: "config", an environment variable's name, or None.
    token_source: str | None = None

    def native_url(self, path: str) -> str:
        """Absolute URL of a native route: the base URL without its ``/v1``, plus ``path``."""
        base = self.base_url()
        root = base[:-3] if base.endswith("/v1") else base
        return root + path

    def headers(self) -> dict[str, str]:
        """JSON headers plus ``Authorization: Bearer`` from config.api_key, else LM_API_TOKEN,
        else LMSTUDIO_API_TOKEN; no header when none is set. Sent only to the configured host
        (the HTTP client never follows redirects)."""
        headers = super().headers()
        if "Authorization" in headers:
            self.token_source = "config"
            return headers
        for name in TOKEN_ENV_VARS:
            token = os.environ.get(name, "").strip()
            if token:
                if not token.isascii() or not token.isprintable() or " " in token:
                    raise e.ConfigurationError(
                        f"the LM Studio API token in {name} contains spaces or unprintable "
                        "characters",
                        provider=self.provider,
                        hint=f"Set {name} to the token exactly as LM Studio showed it.",
                    )
                headers["Authorization"] = f"Bearer {token}"
                self.token_source = name
                break
        return headers

    def status_error(self, response: httpx2.Response, body: bytes, model: str | None) -> e.LLMError:
        """LM Studio's error shapes as typed errors, with LM Studio's message and a hint."""
        return lmstudio_error(
            response.status_code,
            body,
            model=model,
            url=str(response.url),
            headers=response.headers,
            token_sent=self.token_source is not None,
        )

    def check_payload(self, data: Any, model: str | None) -> Any:
        """Raise for an error body sent with status 200 (unknown path, context overflow)."""
        if isinstance(data, dict) and data.get("error") and "choices" not in data:
            raise lmstudio_error(
                200,
                data,
                model=model,
                url=self.base_url(),
                token_sent=self.token_source is not None,
            )
        return data

    def to_response(self, data: Any, model: str | None, latency: float) -> Response:
        """A completion as a Response; a v0 answer's ``stats`` fill ``metrics``."""
        return apply_stats(super().to_response(data, model, latency))

    def new_stream(self, model: str | None, started: float) -> ChatStream:
        """The stream parser: the core's, with LM Studio's in-stream error shapes."""
        return LMStudioChatStream(self.provider, model, started, self.base_url())

    def native_absent(self, exc: e.LLMError) -> bool:
        """True when an error from a native route means the route does not exist here."""
        return self.native_known is not True and exc.status_code in ABSENT_STATUSES

    def native_answer(self, data: Any) -> Any:
        """``data``, or None when it is LM Studio's 200 "Unexpected endpoint" answer."""
        return None if is_unexpected_endpoint(data) else data

    #: True/False once a native route answered or was found missing; None until then.
    native_known: bool | None = None

    def health_from(
        self, models: list[ModelInfo] | None, error: Exception | None, latency: float
    ) -> Health:
        """Health from the model-list probe: no model needs to be loaded, nothing generates."""
        health = super().health_from(models, error, latency)
        if models is not None:
            loaded = [m.id for m in models if m.loaded]
            native = self.native_known is True
            health.extra.update(native_api=native, loaded=loaded)
            health.detail = f"{len(models)} models"
            if any(m.loaded is not None for m in models):
                health.detail += f", {len(loaded)} loaded"
            if not native:
                health.detail += " (no LM Studio native API: /v1 only)"
        if self.token_source:
            health.extra["token_from"] = self.token_source
        health.url = redact_url(self.base_url())
        return health
