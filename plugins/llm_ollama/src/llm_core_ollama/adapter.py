"""The ``ollama`` provider: the synchronous adapter for Ollama's native API.

Thin I/O shells over :class:`~llm_core_ollama.protocol.OllamaProtocol` and the sans-IO modules
(:mod:`~llm_core_ollama.wire`, :mod:`~llm_core_ollama.catalog`, :mod:`~llm_core_ollama.pull`).
Beyond the adapter contract they offer Ollama's extras: :meth:`OllamaAdapter.show` (details and
capabilities, cached by digest), :meth:`~OllamaAdapter.loaded_models` (``/api/ps``),
:meth:`~OllamaAdapter.version`, :meth:`~OllamaAdapter.pull` / :meth:`~OllamaAdapter.pull_stream`,
:meth:`~OllamaAdapter.load` and :meth:`~OllamaAdapter.unload`. The async twin is
:class:`~llm_core_ollama.async_adapter.AsyncOllamaAdapter`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx2

from llm_core.adapter import Adapter
from llm_core.config import ProviderConfig
from llm_core.http import SyncHTTP
from llm_core.types import Health, ModelInfo, Request, Response, StreamEvent
from llm_core_ollama.catalog import parse_ps, parse_show, parse_tags
from llm_core_ollama.chat_stream import ChatStream
from llm_core_ollama.ndjson import iter_ndjson
from llm_core_ollama.protocol import OllamaProtocol
from llm_core_ollama.pull import PullProgress, PullState
from llm_core_ollama.wire import parse_chat

__all__ = ["OllamaAdapter", "ProgressCallback"]

ProgressCallback = Callable[[PullProgress], Any]


def _records(response: httpx2.Response) -> Iterator[bytes]:
    return iter_ndjson(response.iter_bytes())


class OllamaAdapter(OllamaProtocol, SyncHTTP, Adapter):
    """Synchronous adapter for Ollama's native API."""

    def __init__(self, config: ProviderConfig) -> None:
        Adapter.__init__(self, config)
        self.setup()
        self.open_http()

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        model, body = self.prepare(request, stream=False)
        started = time.perf_counter()
        data = self.request_json("POST", self.chat_path, body=body, model=model, deadline=deadline)
        return parse_chat(
            data, provider=self.provider, model=model, latency=time.perf_counter() - started
        )

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        model, body = self.prepare(request, stream=True)
        parser = ChatStream(self.provider, model, time.perf_counter())
        return self.stream_events(
            self.chat_path, body=body, model=model, deadline=deadline, parser=parser, lines=_records
        )

    def list_models(self) -> list[ModelInfo]:
        return self.remember(parse_tags(self.request_json("GET", "/api/tags"), self.provider))

    def show(self, model: str, *, refresh: bool = False) -> ModelInfo:
        """Details and capabilities (``POST /api/show``), cached by the model's digest."""
        if not self.knows_digest(model):
            self.list_models()
        cached = None if refresh else self.cached_show(model)
        if cached is not None:
            return cached
        data = self.request_json("POST", "/api/show", body={"model": model}, model=model)
        return self.store_show(model, parse_show(data, model, self.provider))

    def capabilities(self, model: str) -> tuple[str, ...]:
        """The model's capabilities (``completion``, ``vision``, ``tools``, ``thinking``, ...)."""
        return self.show(model).capabilities

    def loaded_models(self) -> list[ModelInfo]:
        """Models loaded in memory right now (``GET /api/ps``)."""
        return parse_ps(self.request_json("GET", "/api/ps"), self.provider)

    def version(self) -> str | None:
        """The server's version (``GET /api/version``)."""
        data = self.request_json("GET", "/api/version")
        return data.get("version") if isinstance(data, dict) else None

    def load(self, model: str, *, keep_alive: str | int | None = None) -> Response:
        """Load a model into memory without generating (``done_reason`` is ``load``)."""
        body: dict[str, Any] = {"model": model, "messages": [], "stream": False}
        if keep_alive is not None:
            body["keep_alive"] = keep_alive
        data = self.request_json("POST", self.chat_path, body=body, model=model)
        return parse_chat(data, provider=self.provider, model=model, latency=0.0)

    def unload(self, model: str) -> Response:
        """Unload a model now (``done_reason`` is ``unload``)."""
        return self.load(model, keep_alive=0)

    def pull_stream(self, model: str, *, insecure: bool = False) -> Iterator[PullProgress]:
        """Download a model, yielding progress reports; the last one has ``done`` True."""
        body = self.pull_body(model, insecure)
        state = PullState(model, self.base_url() + "/api/pull")
        with self.open_stream(
            "POST", "/api/pull", body=body, model=model, deadline=None
        ) as response:
            try:
                for line in iter_ndjson(response.iter_bytes()):
                    progress = state.feed(line)
                    if progress is not None:
                        yield progress
            except httpx2.HTTPError as exc:
                raise self.transport_error(exc, model, str(response.url)) from None
        state.finish()
        self.forget(model)

    def pull(
        self, model: str, *, on_progress: ProgressCallback | None = None, insecure: bool = False
    ) -> PullProgress:
        """Download a model, calling ``on_progress`` for each report; returns the last one."""
        last = None
        for progress in self.pull_stream(model, insecure=insecure):
            if on_progress is not None:
                on_progress(progress)
            last = progress
        assert last is not None  # pull_stream raises unless it ended with 'success'
        return last

    def health_check(self) -> Health:
        started = time.perf_counter()
        try:
            banner = self._get_text("/")
            version = self.request_json("GET", "/api/version") if self.is_ollama(banner) else None
        except Exception as exc:
            return self.health_from(None, None, exc, time.perf_counter() - started)
        return self.health_from(banner, version, None, time.perf_counter() - started)

    def _get_text(self, path: str) -> str:
        try:
            r = self.http.get(path)
        except httpx2.HTTPError as exc:
            raise self.transport_error(exc, None, self.base_url() + path) from None
        if r.status_code >= 400:
            raise self.status_error(r, r.content, None)
        return r.text[:200]
