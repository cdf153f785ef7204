"""The LM Studio provider: the core's OpenAI protocol with LM Studio's token, error shapes,
200-with-error answers and its native REST API v0, written once as flows.

- ``generate`` uses ``POST /api/v0/chat/completions`` (same body as ``/v1``; the answer adds
  ``stats``: tokens per second, time to first token, generation time, stop reason) and falls
  back to ``/v1/chat/completions`` for good when the native route is absent.
- ``stream`` uses ``/v1/chat/completions`` (v0 streams carry no stats, so nothing is lost).
- ``list_models`` uses ``GET /api/v0/models`` (type, load state, arch, quantization, format,
  context length) and falls back to ``/v1/models`` (ids only) when it is absent.
- ``model_info(name)`` (an extra) is one model's details.
- ``health_check`` lists models: no model needs to be loaded and nothing generates.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from pydantic import Field

from llm_core import (
    AuthenticationError,
    ConnectionError,
    Health,
    LLMError,
    ModelInfo,
    ModelNotFoundError,
    Request,
    Response,
    TimeoutError,
)
from llm_core.openai import ChatStream, OpenAIOptions, OpenAIProtocol
from llm_core_lmstudio.errors import is_unexpected_endpoint, lmstudio_error
from llm_core_lmstudio.native import (
    apply_stats,
    is_native_model_list,
    parse_native_model,
    parse_native_models,
)
from llm_core_lmstudio.stream import LMStudioChatStream
from llm_core_lmstudio.token import env_token

__all__ = ["LMStudioOptions", "LMStudioProtocol"]

CHAT_V0 = "/api/v0/chat/completions"
MODELS_V0 = "/api/v0/models"
_PASS_THROUGH = (AuthenticationError, ConnectionError, TimeoutError)

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


class LMStudioProtocol(OpenAIProtocol):
    """LM Studio over its OpenAI-compatible ``/v1`` API plus the native ``/api/v0`` API."""

    provider: ClassVar[str] = "lmstudio"
    default_base_url: ClassVar[str] = "http://localhost:1234/v1"
    json_object_fallback: ClassVar[bool] = False  # LM Studio refuses json_object itself
    options_model = LMStudioOptions
    #: OpenAI-compatible tools (the core's wire): ``tools``, ``tool_choice`` (``required`` only
    #: on LM Studio's llama.cpp engine), string arguments, streamed deltas by index.
    supports_tools: ClassVar[bool] = True
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
        (the HTTP client never follows redirects); the environment's tokens only to a loopback
        host (they are this machine's LM Studio's: a fallback on another host gets api_key or
        nothing)."""
        headers = super().headers()
        if "Authorization" in headers:
            self.token_source = "config"
            return headers
        found = env_token(self.base_url())
        if found is not None:
            self.token_source = found[0]
            headers["Authorization"] = f"Bearer {found[1]}"
        return headers

    def status_error(
        self, status: int, body: bytes, headers: Mapping[str, str], model: str | None, url: str
    ) -> LLMError:
        """LM Studio's error shapes as typed errors, with LM Studio's message and a hint."""
        sent = self.token_source is not None
        return lmstudio_error(status, body, model=model, url=url, headers=headers, token_sent=sent)

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

    def native_absent(self, exc: LLMError) -> bool:
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
        return health

    # ------------------------------------------------------------------ flows

    def native_flow(
        self,
        method: str,
        path: str,
        body: Any = None,
        model: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """The native route's JSON answer, or None when this server has no such route."""
        url = self.native_url(path)
        try:
            data = yield self.request_json(method, url, body=body, model=model, deadline=deadline)
        except LLMError as exc:
            if self.native_absent(exc):
                self.native_known = False
                return None
            raise
        data = self.native_answer(data)
        self.native_known = data is not None
        return data

    def generate_flow(self, request: Request, deadline: float | None) -> Any:
        """``/api/v0/chat/completions`` (with stats), else ``/v1`` for good."""
        if self.native_known is False:
            return (yield from super().generate_flow(request, deadline))
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=False)
        started = time.perf_counter()
        data = yield from self.native_flow("POST", CHAT_V0, body, model, deadline)
        if data is None:
            data = yield self.request_json(
                "POST", self.chat_path, body=body, model=model, deadline=deadline
            )
        return self.to_response(data, model, time.perf_counter() - started)

    def list_models_flow(self) -> Any:
        """``/api/v0/models`` (rich details), else ``/v1/models``."""
        if self.native_known is not False:
            data = yield from self.native_flow("GET", MODELS_V0)
            if is_native_model_list(data):
                return parse_native_models(data, self.provider)
        return (yield from super().list_models_flow())

    def model_info_flow(self, name: str) -> Any:
        """One model's details (``GET /api/v0/models/{name}``, else searched in the list)."""
        if self.native_known is not False:
            path = self.native_url(f"{MODELS_V0}/{quote(name, safe='')}")
            try:
                data = yield self.request_json("GET", path, model=name)
            except _PASS_THROUGH:
                raise
            except LLMError:  # unknown id, or no such route: the list says which
                data = None
            if isinstance(data, dict) and data.get("id") == name and "type" in data:
                return parse_native_model(data, self.provider)
        models = yield from self.list_models_flow()
        for info in models:
            if info.id == name:
                return info
        raise ModelNotFoundError(
            f"{self.provider} has no model {name!r}",
            provider=self.provider,
            model=name,
            hint=f"Known models: {', '.join(m.id for m in models) or 'none'}. "
            f"Download one with `lms get {name}`.",
        )
