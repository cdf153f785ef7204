"""The ``llm_core.observe`` plugin: wraps each bare adapter (innermost) and reports every attempt
to the :class:`~llm_core.resilience.observe.dispatch.Observer` -- ``on_request`` before it is
sent, ``on_response`` when it answered (a stream: at its final event), ``on_error`` when it
failed, with the attempt number the retry layer keeps on the :class:`~llm_core.types.Call`.
Retry, fallback and cache report their own events.
"""

from __future__ import annotations

from typing import Any

from llm_core.call import Call
from llm_core.errors import LLMError
from llm_core.hookspecs import hookimpl
from llm_core.layers import AsyncLayerAdapter, Flow, Layer, LayerAdapter, Opened
from llm_core.request import Request
from llm_core.resilience.observe.dispatch import Observer
from llm_core.types import Response

__all__ = ["AsyncObservingAdapter", "ObservePlugin", "Observing", "ObservingAdapter"]


class Observing(Layer):
    """Reports every attempt at the wrapped (bare) adapter."""

    def __init__(self, inner: Any, observer: Observer) -> None:
        super().__init__(inner)
        self.observer = observer

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        obs = self.observer
        if not (call.observed and obs.watching_calls):  # nobody watched the call as it began
            return (yield from self.generate_of(self.inner, request, call))
        provider, model = self.provider, self.inner.model_for(request)
        obs.on_request(call, provider, model, request)
        try:
            response = yield from self.inner_generate(request, call)
        except LLMError as exc:
            obs.on_error(call, provider, model, exc)
            raise
        obs.on_response(call, provider, model, response)
        return response

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        obs = self.observer
        if not (call.observed and obs.watching_calls):
            return (yield from self.open_inner(request, call))
        provider, model = self.provider, self.inner.model_for(request)
        obs.on_request(call, provider, model, request)
        try:
            opened = yield from self.open_inner(request, call)
        except LLMError as exc:
            obs.on_error(call, provider, model, exc)
            raise
        opened.watch(
            done=lambda response: obs.on_response(call, provider, model, response),
            failed=lambda error: obs.on_error(call, provider, model, error),
        )
        return opened

    def list_models_flow(self, call: Call) -> Flow[Any]:
        try:
            return (yield from self.inner_list_models(call))
        except LLMError as exc:
            self.observer.on_error(call, self.provider, None, exc)
            raise


class ObservingAdapter(Observing, LayerAdapter):
    """Sync shell of :class:`Observing`."""


class AsyncObservingAdapter(Observing, AsyncLayerAdapter):
    """Async shell of :class:`Observing`."""


class ObservePlugin:
    """``llm_core.observe``: wraps each bare adapter to report its attempts (block it to stop)."""

    def __init__(self, observer: Observer) -> None:
        self.observer = observer

    @hookimpl(wrapper=True, trylast=True)
    def llm_core_resolve_adapter(self, is_async: bool) -> Any:
        """Wrap the bare adapter that resolution built."""
        adapter = yield
        if adapter is None:
            return None
        cls = AsyncObservingAdapter if is_async else ObservingAdapter
        return cls(adapter, self.observer)
