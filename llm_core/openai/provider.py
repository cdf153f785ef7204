"""The built-in ``openai`` provider: any OpenAI-compatible server (llama.cpp, vLLM, LM Studio,
mlx servers, a LiteLLM proxy), over ``/models`` and ``/chat/completions`` with SSE streaming.

:class:`OpenAIProtocol` is written once; :class:`OpenAIAdapter` and :class:`AsyncOpenAIAdapter`
are its shells. To speak to a server with extras (the LM Studio plugin does), subclass the
protocol, override its hooks (``build_body``, ``check_payload``, ``to_response``,
``new_stream``, ``status_error``, ...) and flows, and make the two shells.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import Field, field_validator

from llm_core.adapter import ProviderOptions
from llm_core.embeddings import wire
from llm_core.errors import LLMError
from llm_core.flow import Flow
from llm_core.http import AsyncHTTPAdapter, HTTPAdapter, HTTPProtocol, StreamSpec
from llm_core.openai.json_mode import json_object_body, no_json_mode, refuses_schema
from llm_core.openai.stream import ChatStream
from llm_core.openai.wire import chat_body, parse_completion, parse_models
from llm_core.request import Request
from llm_core.types import ModelInfo, Response

__all__ = ["AsyncOpenAIAdapter", "OpenAIAdapter", "OpenAIOptions", "OpenAIProtocol"]


class OpenAIOptions(ProviderOptions):
    """Sampling extras most OpenAI-compatible servers accept; ``extra_body`` passes anything."""

    top_k: int | None = Field(None, ge=0)
    min_p: float | None = Field(None, ge=0, le=1)
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    repeat_penalty: float | None = Field(None, ge=0)
    logit_bias: dict[str, float] | None = None
    extra_body: dict[str, Any] | None = None

    @field_validator("extra_body")
    @classmethod
    def _extra_body(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        clash = sorted(set(value or ()) & CORE_BODY_FIELDS)
        if clash:
            raise ValueError(
                f"extra_body may not set {clash[0]!r}: the client builds it from the request "
                "(pass messages/model as arguments, not in extra_body)"
            )
        return value


#: Body fields the client owns; ``extra_body`` adding them would silently replace the request.
CORE_BODY_FIELDS = frozenset({"model", "messages", "stream", "stream_options"})


class OpenAIProtocol(HTTPProtocol):
    """The OpenAI-compatible chat protocol: paths, body building, parsing, flows."""

    provider: ClassVar[str] = "openai"
    default_base_url: ClassVar[str] = "http://127.0.0.1:8080/v1"
    options_model = OpenAIOptions
    supports_tools = True
    chat_path: ClassVar[str] = "/chat/completions"
    models_path: ClassVar[str] = "/models"
    embeddings_path: ClassVar[str] = "/embeddings"
    down_hint = "Is the OpenAI-compatible server running? Check base_url (it usually ends in /v1)."
    #: Ask again in ``json_object`` mode when the server refuses ``json_schema`` (generate only).
    json_object_fallback: ClassVar[bool] = True

    def base_url(self) -> str:
        """The configured base URL; a bare ``http://host:port`` gets ``/v1`` appended."""
        url = self.config.base_url or self.default_base_url
        return url + "/v1" if url.count("/") == 2 else url

    def build_body(self, request: Request, options: dict[str, Any], stream: bool) -> dict:
        """The chat request body (override to add provider fields)."""
        return chat_body(request, self.model_for(request), options, stream=stream)

    def check_payload(self, data: Any, model: str | None) -> Any:
        """Inspect a decoded 200 answer (LM Studio overrides: it sends errors with status 200)."""
        return data

    def to_response(self, data: Any, model: str | None, latency: float) -> Response:
        """A decoded completion as a Response."""
        data = self.check_payload(data, model)
        return parse_completion(data, provider=self.provider, model=model, latency=latency)

    def to_models(self, data: Any) -> list[ModelInfo]:
        """A decoded model list."""
        return parse_models(self.check_payload(data, None), provider=self.provider)

    def new_stream(self, model: str | None, started: float) -> ChatStream:
        """The stream parser for one streamed request."""
        return ChatStream(self.provider, model, started)

    def generate_flow(self, request: Request, deadline: float | None) -> Flow[Response]:
        """POST the chat body (not streamed) and read the completion."""
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=False)
        started = time.perf_counter()
        try:
            data = yield self.request_json(
                "POST", self.chat_path, body=body, model=model, deadline=deadline
            )
        except LLMError as exc:
            if not (self.json_object_fallback and refuses_schema(exc, body)):
                raise
            body, started = json_object_body(body), time.perf_counter()
            try:
                data = yield self.request_json(
                    "POST", self.chat_path, body=body, model=model, deadline=deadline
                )
            except LLMError as again:
                raise no_json_mode(again) from None
        return self.to_response(data, model, time.perf_counter() - started)

    def stream_flow(self, request: Request, deadline: float | None) -> StreamSpec:
        """The streamed chat request."""
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=True)
        parser = self.new_stream(model, time.perf_counter())
        return self.sse(self.chat_path, body, parser, model=model, deadline=deadline)

    def embed_flow(self, request: Any, deadline: float | None) -> Flow[Any]:
        """``POST /embeddings`` for an EmbedRequest (see :mod:`llm_core.embeddings.wire`)."""
        model = request.model or self.config.model
        body = wire.openai_body(request, model)
        try:
            data = yield self.request_json(
                "POST", self.embeddings_path, body=body, model=model, deadline=deadline
            )
            return wire.parse_openai(self.check_payload(data, model), request, self.provider, model)
        except LLMError as exc:
            raise wire.embed_error(exc, request) from None

    def list_models_flow(self) -> Flow[list[ModelInfo]]:
        """``GET /models``."""
        return self.to_models((yield self.request_json("GET", self.models_path)))


class OpenAIAdapter(OpenAIProtocol, HTTPAdapter):
    """Synchronous adapter for OpenAI-compatible servers."""


class AsyncOpenAIAdapter(OpenAIProtocol, AsyncHTTPAdapter):
    """Asynchronous adapter for OpenAI-compatible servers."""
