"""The ``ollama`` provider: Ollama's native API, written once as an HTTP protocol.

Every operation is a flow (``yield self.request_json(...)`` is a request), which the core's
shells run blocking (:class:`~llm_core_ollama.adapter.OllamaAdapter`) or awaiting
(:class:`~llm_core_ollama.adapter.AsyncOllamaAdapter`). Beyond the adapter contract, the flows
named ``*_flow`` are Ollama's extras on both adapters: ``show`` (details and capabilities,
cached by digest), ``capabilities``, ``loaded_models`` (``/api/ps``), ``version``,
``pull_stream`` / ``pull``, ``load`` and ``unload``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from llm_core import Health, LLMError, ProviderConfig, Request, ValidationError
from llm_core.embeddings import Embeddings, EmbedRequest, embed_error, ollama_body, parse_ollama
from llm_core.http import HTTPProtocol, StreamSpec
from llm_core_ollama.catalog import ModelFacts, parse_ps, parse_show, parse_tags
from llm_core_ollama.chat_stream import ChatStream
from llm_core_ollama.errors import ollama_error, pull_hint
from llm_core_ollama.host import DEFAULT_BASE_URL, OLLAMA_HOST_ENV, base_url_from_env
from llm_core_ollama.options import OllamaOptions
from llm_core_ollama.pull import PullProgress, PullStream
from llm_core_ollama.wire import chat_body, parse_chat

__all__ = ["OllamaProtocol", "ProgressCallback"]

ProgressCallback = Callable[[PullProgress], Any]


class OllamaProtocol(HTTPProtocol):
    """Ollama's native API (``/api/chat``, ``/api/tags``, ``/api/show``, ``/api/ps``, ...)."""

    provider: ClassVar[str] = "ollama"
    default_base_url: ClassVar[str] = DEFAULT_BASE_URL
    options_model = OllamaOptions
    chat_path: ClassVar[str] = "/api/chat"
    #: Tools go out as ``tools``; calls come back with object arguments (wire.py). A model
    #: without the ``tools`` capability answers 400, a NotSupportedError (fallback moves on).
    supports_tools: ClassVar[bool] = True
    not_found_hint = pull_hint(None)
    down_hint = (
        "Is Ollama running? Start it with `ollama serve` (or open the Ollama app). "
        f"It listens on {DEFAULT_BASE_URL} unless {OLLAMA_HOST_ENV} or base_url say "
        "otherwise."
    )

    def __init__(self, config: ProviderConfig) -> None:
        self.facts = ModelFacts()
        self._base_url = config.base_url or base_url_from_env()
        super().__init__(config)

    def base_url(self) -> str:
        """``base_url`` from the config, else ``OLLAMA_HOST`` (Ollama's rules), else the default."""
        return self._base_url

    def status_error(
        self, status: int, body: bytes, headers: Mapping[str, str], model: str | None, url: str
    ) -> LLMError:
        """Ollama's error answers, including its plain-text 404/405 pages."""
        return ollama_error(status, body, headers, model=model, url=url, provider=self.provider)

    # ------------------------------------------------------------------ chat

    def prepare(self, request: Request, *, stream: bool) -> tuple[str, dict[str, Any]]:
        """Validate a request and build its ``/api/chat`` body (Ollama needs a model name)."""
        model = self.model_for(request)
        if not model:
            raise ValidationError(
                "no model given: Ollama needs a model name for every request",
                provider=self.provider,
                hint="Pass model='llama3.2' (or set LLM_CORE_MODEL); `ollama list` shows "
                "what is installed.",
            )
        options = self.options_for(request)
        caps = self.facts.capabilities(model) if any(m.images for m in request.messages) else ()
        if caps and "vision" not in caps:  # refuse images early when the model cannot see
            raise ValidationError(
                f"model {model!r} cannot read images (its capabilities: {', '.join(caps)})",
                provider=self.provider,
                model=model,
                hint="Use a vision model (e.g. llava, gemma3, qwen2.5vl) or send text only.",
            )
        return model, chat_body(request, model, options, stream=stream)

    def generate_flow(self, request: Request, deadline: float | None) -> Any:
        """``POST /api/chat`` with ``stream: false``."""
        model, body = self.prepare(request, stream=False)
        started = time.perf_counter()
        data = yield self.request_json(
            "POST", self.chat_path, body=body, model=model, deadline=deadline
        )
        latency = time.perf_counter() - started
        return parse_chat(data, provider=self.provider, model=model, latency=latency)

    def stream_flow(self, request: Request, deadline: float | None) -> StreamSpec:
        """``POST /api/chat``, streamed as NDJSON."""
        model, body = self.prepare(request, stream=True)
        parser = ChatStream(self.provider, model, time.perf_counter())
        return self.ndjson(self.chat_path, body, parser, model=model, deadline=deadline)

    def embed_flow(self, request: EmbedRequest, deadline: float | None) -> Any:
        """``POST /api/embed`` for one batch (``dimensions``, ``truncate``, ``keep_alive``)."""
        model = self.model_for(request)  # type: ignore[arg-type]
        if not model:
            raise ValidationError(
                "no model given: Ollama needs an embedding model name",
                provider=self.provider,
                hint="Pass model='nomic-embed-text' (or set LLM_CORE_MODEL).",
            )
        body = ollama_body(request, model)
        try:
            data = yield self.request_json(
                "POST", "/api/embed", body=body, model=model, deadline=deadline
            )
        except LLMError as exc:
            raise embed_error(exc, request) from None
        result: Embeddings = parse_ollama(data, request, self.provider, model)
        return result

    def load_flow(self, model: str, *, keep_alive: str | int | None = None) -> Any:
        """Load a model into memory without generating (``finish_reason`` is ``load``)."""
        body: dict[str, Any] = {"model": model, "messages": [], "stream": False}
        if keep_alive is not None:
            body["keep_alive"] = keep_alive
        data = yield self.request_json("POST", self.chat_path, body=body, model=model)
        return parse_chat(data, provider=self.provider, model=model, latency=0.0)

    def unload_flow(self, model: str) -> Any:
        """Unload a model now (``finish_reason`` is ``unload``)."""
        return (yield from self.load_flow(model, keep_alive=0))

    # ------------------------------------------------------------------ models

    def list_models_flow(self) -> Any:
        """``GET /api/tags``: the installed models."""
        data = yield self.request_json("GET", "/api/tags")
        return self.facts.remember(parse_tags(data, self.provider))

    def show_flow(self, model: str, *, refresh: bool = False) -> Any:
        """Details and capabilities (``POST /api/show``), cached by the model's digest."""
        if not self.facts.knows_digest(model):
            yield from self.list_models_flow()
        cached = None if refresh else self.facts.shown(model)
        if cached is not None:
            return cached
        data = yield self.request_json("POST", "/api/show", body={"model": model}, model=model)
        return self.facts.keep_shown(model, parse_show(data, model, self.provider))

    def capabilities_flow(self, model: str) -> Any:
        """The model's capabilities (``completion``, ``vision``, ``tools``, ``thinking``, ...)."""
        return (yield from self.show_flow(model)).capabilities

    def loaded_models_flow(self) -> Any:
        """Models loaded in memory right now (``GET /api/ps``)."""
        return parse_ps((yield self.request_json("GET", "/api/ps")), self.provider)

    def version_flow(self) -> Any:
        """The server's version (``GET /api/version``)."""
        data = yield self.request_json("GET", "/api/version")
        return data.get("version") if isinstance(data, dict) else None

    # ------------------------------------------------------------------ pulls

    def pull_stream_flow(self, model: str, *, insecure: bool = False) -> StreamSpec:
        """Download a model (``POST /api/pull``), yielding progress reports; the last is done."""
        body: dict[str, Any] = {"model": model, "stream": True}
        if insecure:
            body["insecure"] = True
        parser = PullStream(model, self.url_of("/api/pull"), lambda: self.facts.forget(model))
        spec = self.ndjson("/api/pull", body, parser, model=model)
        spec.capped = False  # progress lines for as long as the download takes; none is kept
        return spec

    def pull_flow(
        self, model: str, *, on_progress: ProgressCallback | None = None, insecure: bool = False
    ) -> Any:
        """Download a model, calling ``on_progress`` for each report; returns the last one."""
        return (yield self.consume(self.pull_stream_flow(model, insecure=insecure), on_progress))

    # ------------------------------------------------------------------ health

    def health_check_flow(self) -> Any:
        """``GET /`` must say ``Ollama is running``; ``/api/version`` gives the version."""
        started, banner, version, error = time.perf_counter(), None, None, None
        try:
            banner = yield self.request_text("/")
            if self.is_ollama(banner):
                version = yield self.request_json("GET", "/api/version")
        except Exception as exc:
            error = exc
        return self.ollama_health(banner, version, error, time.perf_counter() - started)

    @staticmethod
    def is_ollama(banner: str | None) -> bool:
        """Whether ``GET /`` answered with Ollama's banner (``Ollama is running``)."""
        return banner is not None and "ollama is running" in banner.lower()

    def ollama_health(
        self, banner: str | None, version: Any, error: BaseException | None, latency: float
    ) -> Health:
        """Health from the banner and the version answer."""
        url = self.base_url()
        if error is not None:
            hint = getattr(error, "hint", None)
            detail = getattr(error, "message", None) or str(error)
            extra = {"hint": hint} if hint else {}
            return Health(False, self.provider, latency, detail=detail, url=url, extra=extra)
        if not self.is_ollama(banner):
            detail = f"the server at {url} is not Ollama (GET / said {banner!r:.60})"
            return Health(False, self.provider, latency, url=url, detail=detail)
        ver = version.get("version") if isinstance(version, dict) else None
        detail = (banner or "").strip()
        return Health(True, self.provider, latency, version=ver, detail=detail, url=url)
