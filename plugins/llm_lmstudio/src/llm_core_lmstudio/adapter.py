"""The LM Studio adapters: the core's OpenAI-compatible adapters plus LM Studio's native API.

- ``generate`` uses ``POST /api/v0/chat/completions`` (same body as ``/v1``; the answer adds
  ``stats``: tokens per second, time to first token, generation time, stop reason) and falls
  back to ``/v1/chat/completions`` for good when the native route is absent.
- ``stream`` uses ``/v1/chat/completions`` (v0 streams carry no stats, so nothing is lost).
- ``list_models`` uses ``GET /api/v0/models`` (type, load state, arch, quantization, format,
  context length) and falls back to ``/v1/models`` (ids only) when it is absent.
- ``health_check`` lists models: no model needs to be loaded and nothing generates.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from llm_core import errors as e
from llm_core.openai_compat import AsyncOpenAIAdapter, OpenAIAdapter
from llm_core.types import ModelInfo, Request, Response
from llm_core_lmstudio.native import is_native_model_list, parse_native_model, parse_native_models
from llm_core_lmstudio.protocol import LMStudioProtocol

__all__ = ["AsyncLMStudioAdapter", "LMStudioAdapter"]

CHAT_V0 = "/api/v0/chat/completions"
MODELS_V0 = "/api/v0/models"
_PASS_THROUGH = (e.AuthenticationError, e.ConnectionError, e.TimeoutError)


def _one(name: str) -> str:
    return f"{MODELS_V0}/{quote(name, safe='')}"


def _find(models: list[ModelInfo], name: str, provider: str) -> ModelInfo:
    for info in models:
        if info.id == name:
            return info
    raise e.ModelNotFoundError(
        f"{provider} has no model {name!r}",
        provider=provider,
        model=name,
        hint=f"Known models: {', '.join(m.id for m in models) or 'none'}. "
        f"Download one with `lms get {name}`.",
    )


class LMStudioAdapter(LMStudioProtocol, OpenAIAdapter):
    """Synchronous LM Studio adapter."""

    def _native(
        self,
        method: str,
        path: str,
        body: Any = None,
        model: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """The native route's JSON answer, or None when this server has no such route."""
        try:
            data = self.request_json(
                method, self.native_url(path), body=body, model=model, deadline=deadline
            )
        except e.LLMError as exc:
            if self.native_absent(exc):
                self.native_known = False
                return None
            raise
        data = self.native_answer(data)
        self.native_known = data is not None
        return data

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        if self.native_known is False:
            return super().generate(request, deadline=deadline)
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=False)
        started = time.perf_counter()
        data = self._native("POST", CHAT_V0, body, model, deadline)
        if data is None:
            data = self.request_json(
                "POST", self.chat_path, body=body, model=model, deadline=deadline
            )
        return self.to_response(data, model, time.perf_counter() - started)

    def list_models(self) -> list[ModelInfo]:
        if self.native_known is not False:
            data = self._native("GET", MODELS_V0)
            if is_native_model_list(data):
                return parse_native_models(data, self.provider)
        return super().list_models()

    def model_info(self, name: str) -> ModelInfo:
        """One model's details (``GET /api/v0/models/{name}``, else searched in the list)."""
        if self.native_known is not False:
            try:
                data = self.request_json("GET", self.native_url(_one(name)), model=name)
            except _PASS_THROUGH:
                raise
            except e.LLMError:  # unknown id, or no such route: the list says which
                data = None
            if isinstance(data, dict) and data.get("id") == name and "type" in data:
                return parse_native_model(data, self.provider)
        return _find(self.list_models(), name, self.provider)


class AsyncLMStudioAdapter(LMStudioProtocol, AsyncOpenAIAdapter):
    """Asynchronous LM Studio adapter (the twin of :class:`LMStudioAdapter`)."""

    async def _native(
        self,
        method: str,
        path: str,
        body: Any = None,
        model: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """The native route's JSON answer, or None when this server has no such route."""
        try:
            data = await self.request_json(
                method, self.native_url(path), body=body, model=model, deadline=deadline
            )
        except e.LLMError as exc:
            if self.native_absent(exc):
                self.native_known = False
                return None
            raise
        data = self.native_answer(data)
        self.native_known = data is not None
        return data

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        if self.native_known is False:
            return await super().generate(request, deadline=deadline)
        model = self.model_for(request)
        body = self.build_body(request, self.options_for(request), stream=False)
        started = time.perf_counter()
        data = await self._native("POST", CHAT_V0, body, model, deadline)
        if data is None:
            data = await self.request_json(
                "POST", self.chat_path, body=body, model=model, deadline=deadline
            )
        return self.to_response(data, model, time.perf_counter() - started)

    async def list_models(self) -> list[ModelInfo]:
        if self.native_known is not False:
            data = await self._native("GET", MODELS_V0)
            if is_native_model_list(data):
                return parse_native_models(data, self.provider)
        return await super().list_models()

    async def model_info(self, name: str) -> ModelInfo:
        """One model's details (``GET /api/v0/models/{name}``, else searched in the list)."""
        if self.native_known is not False:
            try:
                data = await self.request_json("GET", self.native_url(_one(name)), model=name)
            except _PASS_THROUGH:
                raise
            except e.LLMError:  # unknown id, or no such route: the list says which
                data = None
            if isinstance(data, dict) and data.get("id") == name and "type" in data:
                return parse_native_model(data, self.provider)
        return _find(await self.list_models(), name, self.provider)
