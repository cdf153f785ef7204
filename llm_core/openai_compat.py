"""The built-in ``openai`` provider: any OpenAI-compatible server (llama.cpp, vLLM, LM Studio,
mlx servers, a LiteLLM proxy), over ``/models`` and ``/chat/completions`` with SSE streaming.

Subclass :class:`OpenAIAdapter` / :class:`AsyncOpenAIAdapter` to speak to a server with extras
(the LM Studio plugin does): override the class attributes and the hook methods of
:class:`OpenAIProtocol`; the I/O shells stay as they are.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

import httpx2
from pydantic import Field

from llm_core.adapter import Adapter, AsyncAdapter, ProviderOptions
from llm_core.config import ProviderConfig
from llm_core.http import AsyncHTTP, HTTPBase, SyncHTTP
from llm_core.http_errors import redact_url
from llm_core.openai_wire import ChatStream, chat_body, parse_completion, parse_models
from llm_core.types import Health, ModelInfo, Request, Response, StreamEvent

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


class OpenAIProtocol(HTTPBase):
    """What the sync and async OpenAI adapters share: paths, body building, parsing."""

    provider: ClassVar[str] = "openai"
    default_base_url: ClassVar[str] = "http://127.0.0.1:8080/v1"
    options_model = OpenAIOptions
    chat_path: ClassVar[str] = "/chat/completions"
    models_path: ClassVar[str] = "/models"
    down_hint = "Is the OpenAI-compatible server running? Check base_url (it usually ends in /v1)."

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

    def health_from(
        self, models: list[ModelInfo] | None, error: Exception | None, latency: float
    ) -> Health:
        """Health from a model-list probe (cheap: no generation, no model needed)."""
        url = redact_url(self.base_url())
        if error is not None:
            return Health(
                False, self.provider, latency, detail=getattr(error, "message", str(error)), url=url
            )
        return Health(True, self.provider, latency, detail=f"{len(models or [])} models", url=url)


class OpenAIAdapter(OpenAIProtocol, SyncHTTP, Adapter):
    """Synchronous adapter for OpenAI-compatible servers."""

    def __init__(self, config: ProviderConfig) -> None:
        Adapter.__init__(self, config)
        self.open_http()

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=False)
        started = time.perf_counter()
        data = self.request_json("POST", self.chat_path, body=body, model=model, deadline=deadline)
        return self.to_response(data, model, time.perf_counter() - started)

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=True)
        parser = self.new_stream(model, time.perf_counter())
        return self.stream_events(
            self.chat_path,
            body=body,
            model=model,
            deadline=deadline,
            parser=parser,
            lines=httpx2.Response.iter_lines,
        )

    def list_models(self) -> list[ModelInfo]:
        return self.to_models(self.request_json("GET", self.models_path))

    def health_check(self) -> Health:
        started = time.perf_counter()
        try:
            models = self.list_models()
        except Exception as exc:
            return self.health_from(None, exc, time.perf_counter() - started)
        return self.health_from(models, None, time.perf_counter() - started)


class AsyncOpenAIAdapter(OpenAIProtocol, AsyncHTTP, AsyncAdapter):
    """Asynchronous adapter for OpenAI-compatible servers."""

    def __init__(self, config: ProviderConfig) -> None:
        AsyncAdapter.__init__(self, config)
        self.open_http()

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=False)
        started = time.perf_counter()
        data = await self.request_json(
            "POST", self.chat_path, body=body, model=model, deadline=deadline
        )
        return self.to_response(data, model, time.perf_counter() - started)

    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=True)
        parser = self.new_stream(model, time.perf_counter())
        return self.stream_events(
            self.chat_path,
            body=body,
            model=model,
            deadline=deadline,
            parser=parser,
            lines=httpx2.Response.aiter_lines,
        )

    async def list_models(self) -> list[ModelInfo]:
        return self.to_models(await self.request_json("GET", self.models_path))

    async def health_check(self) -> Health:
        started = time.perf_counter()
        try:
            models = await self.list_models()
        except Exception as exc:
            return self.health_from(None, exc, time.perf_counter() - started)
        return self.health_from(models, None, time.perf_counter() - started)
