"""What the sync and async Ollama adapters share: settings, body building, capability cache.

No I/O here. The adapters in :mod:`llm_core_ollama.adapter` call these helpers around their
requests, so the protocol knowledge is written once.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import httpx2

from llm_core import errors as e
from llm_core.config import ProviderConfig
from llm_core.http import HTTPBase
from llm_core.http_errors import redact_url
from llm_core.types import Health, ModelInfo, Request
from llm_core_ollama.catalog import normalise_name
from llm_core_ollama.host import DEFAULT_BASE_URL, OLLAMA_HOST_ENV, base_url_from_env
from llm_core_ollama.options import OllamaOptions
from llm_core_ollama.status import ollama_error, pull_hint
from llm_core_ollama.wire import chat_body

__all__ = ["OllamaProtocol"]


class OllamaProtocol(HTTPBase):
    """Ollama's native API as seen by both adapters (paths, hints, errors, caches)."""

    provider: ClassVar[str] = "ollama"
    default_base_url: ClassVar[str] = DEFAULT_BASE_URL
    options_model = OllamaOptions
    chat_path: ClassVar[str] = "/api/chat"
    not_found_hint = pull_hint(None)
    down_hint = (
        "Is Ollama running? Start it with `ollama serve` (or open the Ollama app). "
        f"It listens on {DEFAULT_BASE_URL} unless {OLLAMA_HOST_ENV} or base_url say "
        "otherwise."
    )

    config: ProviderConfig

    def setup(self) -> None:
        """Resolve the base URL once and start with empty caches."""
        self._base_url = self.config.base_url or base_url_from_env()
        self._lock = threading.Lock()
        self._digests: dict[str, str] = {}  # normalised name -> digest, from /api/tags
        self._capabilities: dict[str, tuple[str, ...]] = {}  # normalised name -> capabilities
        self._shown: dict[str, ModelInfo] = {}  # digest (or "name:<name>") -> /api/show info

    def base_url(self) -> str:
        """``base_url`` from the config, else ``OLLAMA_HOST`` (Ollama's rules), else the default."""
        return self._base_url

    def status_error(self, response: httpx2.Response, body: bytes, model: str | None) -> e.LLMError:
        """Ollama's error answers, including its plain-text 404/405 pages."""
        return ollama_error(
            response.status_code,
            body,
            response.headers,
            model=model,
            url=str(response.url),
            provider=self.provider,
        )

    # ------------------------------------------------------------------ requests

    def require_model(self, request: Request) -> str:
        """The model to run; Ollama has no default model, so one must be named."""
        model = self.model_for(request)
        if not model:
            raise e.ValidationError(
                "no model given: Ollama needs a model name for every request",
                provider=self.provider,
                hint="Pass model='llama3.2' (or set LLM_CORE_MODEL); `ollama list` shows "
                "what is installed.",
            )
        return model

    def prepare(self, request: Request, *, stream: bool) -> tuple[str, dict[str, Any]]:
        """Validate a request and build its ``/api/chat`` body."""
        model = self.require_model(request)
        options = self.options_for(request)
        if any(m.images for m in request.messages):
            self.check_vision(model)
        return model, chat_body(request, model, options, stream=stream)

    def check_vision(self, model: str) -> None:
        """Refuse images early when the model's capabilities are known and lack ``vision``."""
        caps = self._capabilities.get(normalise_name(model))
        if caps and "vision" not in caps:
            raise e.ValidationError(
                f"model {model!r} cannot read images (its capabilities: {', '.join(caps)})",
                provider=self.provider,
                model=model,
                hint="Use a vision model (e.g. llava, gemma3, qwen2.5vl) or send text only.",
            )

    def pull_body(self, model: str, insecure: bool) -> dict[str, Any]:
        """The ``/api/pull`` body (streamed progress)."""
        body: dict[str, Any] = {"model": model, "stream": True}
        if insecure:
            body["insecure"] = True
        return body

    # ------------------------------------------------------------------ caches

    def remember(self, models: list[ModelInfo]) -> list[ModelInfo]:
        """Note digests (and capabilities, on servers that list them) from a model list."""
        with self._lock:
            for m in models:
                key = normalise_name(m.id)
                digest = m.raw.get("digest")
                if isinstance(digest, str) and self._digests.get(key) != digest:
                    self._digests[key] = digest
                    self._capabilities.pop(key, None)  # a new digest: capabilities may differ
                if m.capabilities:
                    self._capabilities[key] = m.capabilities
        return models

    def knows_digest(self, model: str) -> bool:
        """True when the model's digest is known from a model list."""
        return normalise_name(model) in self._digests

    def _show_key(self, model: str) -> str:
        key = normalise_name(model)
        return self._digests.get(key) or f"name:{key}"

    def cached_show(self, model: str) -> ModelInfo | None:
        """The cached ``/api/show`` info for the model's current digest, if any."""
        return self._shown.get(self._show_key(model))

    def store_show(self, model: str, info: ModelInfo) -> ModelInfo:
        """Cache ``/api/show`` info under the model's digest; note its capabilities."""
        with self._lock:
            self._shown[self._show_key(model)] = info
            if info.capabilities:
                self._capabilities[normalise_name(model)] = info.capabilities
        return info

    def forget(self, model: str) -> None:
        """Drop what is known about a model (after a pull, its digest may have changed)."""
        key = normalise_name(model)
        with self._lock:
            self._digests.pop(key, None)
            self._capabilities.pop(key, None)

    # ------------------------------------------------------------------ health

    @staticmethod
    def is_ollama(banner: str | None) -> bool:
        """Whether ``GET /`` answered with Ollama's banner (``Ollama is running``)."""
        return banner is not None and "ollama is running" in banner.lower()

    def health_from(
        self, banner: str | None, version: Any, error: BaseException | None, latency: float
    ) -> Health:
        """Health from ``GET /`` (``Ollama is running``) and ``GET /api/version``."""
        url = redact_url(self.base_url())
        if error is not None:
            detail = getattr(error, "message", None) or str(error)
            hint = getattr(error, "hint", None)
            return Health(
                False,
                self.provider,
                latency,
                detail=detail,
                url=url,
                extra={"hint": hint} if hint else {},
            )
        if not self.is_ollama(banner):
            return Health(
                False,
                self.provider,
                latency,
                url=url,
                detail=f"the server at {url} is not Ollama (GET / said {banner!r:.60})",
            )
        ver = version.get("version") if isinstance(version, dict) else None
        return Health(True, self.provider, latency, version=ver, detail=banner.strip(), url=url)
