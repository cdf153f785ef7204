"""The ``llm_core.observe`` plugin: reports every attempt at the bare adapter.

It wraps each bare adapter (innermost, below retry) and calls ``on_request`` before an attempt
is sent, ``on_response`` when it finished (a stream: at its final event) and ``on_error`` when
it failed, with the attempt number the retry layer sets in :data:`~.observe.ATTEMPT`. When no
plugin observes those hooks, a call passes straight through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from llm_core.adapter import AsyncWrappingAdapter, WrappingAdapter
from llm_core.errors import LLMError
from llm_core.hookspecs import hookimpl
from llm_core.resilience.common import aclosing_events, closing_events
from llm_core.resilience.observe import ATTEMPT, Observer, observer
from llm_core.types import ModelInfo, Request, Response, StreamEvent

__all__ = ["AsyncObservingAdapter", "ObservePlugin", "ObservingAdapter"]


class ObservingAdapter(WrappingAdapter):
    """Reports every call to the wrapped (bare) adapter to the observation hooks."""

    def __init__(self, inner: Any, obs: Observer) -> None:
        super().__init__(inner)
        self.observer = obs

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        obs = self.observer
        if not obs.watching_calls:
            return self.inner.generate(request, deadline=deadline)
        provider, model = self.inner.provider, self.inner.model_for(request)
        obs.on_request(provider, model, request, ATTEMPT.get())
        try:
            response = self.inner.generate(request, deadline=deadline)
        except LLMError as exc:
            obs.on_error(provider, model, exc)
            raise
        obs.on_response(provider, model, response)
        return response

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        if not self.observer.watching_calls:
            return self.inner.stream(request, deadline=deadline)
        return self._observed(request, deadline, ATTEMPT.get())

    def _observed(
        self, request: Request, deadline: float | None, attempt: int
    ) -> Iterator[StreamEvent]:
        obs, provider, model = self.observer, self.inner.provider, self.inner.model_for(request)
        obs.on_request(provider, model, request, attempt)
        try:
            with closing_events(iter(self.inner.stream(request, deadline=deadline))) as events:
                for event in events:
                    if event.done and event.response is not None:
                        obs.on_response(provider, model, event.response)
                    yield event
        except LLMError as exc:
            obs.on_error(provider, model, exc)
            raise

    def list_models(self) -> list[ModelInfo]:
        try:
            return self.inner.list_models()
        except LLMError as exc:
            self.observer.on_error(self.inner.provider, None, exc)
            raise


class AsyncObservingAdapter(AsyncWrappingAdapter):
    """The async twin of :class:`ObservingAdapter`."""

    def __init__(self, inner: Any, obs: Observer) -> None:
        super().__init__(inner)
        self.observer = obs

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        obs = self.observer
        if not obs.watching_calls:
            return await self.inner.generate(request, deadline=deadline)
        provider, model = self.inner.provider, self.inner.model_for(request)
        obs.on_request(provider, model, request, ATTEMPT.get())
        try:
            response = await self.inner.generate(request, deadline=deadline)
        except LLMError as exc:
            obs.on_error(provider, model, exc)
            raise
        obs.on_response(provider, model, response)
        return response

    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        if not self.observer.watching_calls:
            return self.inner.stream(request, deadline=deadline)
        return self._observed(request, deadline, ATTEMPT.get())

    async def _observed(
        self, request: Request, deadline: float | None, attempt: int
    ) -> AsyncIterator[StreamEvent]:
        obs, provider, model = self.observer, self.inner.provider, self.inner.model_for(request)
        obs.on_request(provider, model, request, attempt)
        try:
            events = aiter(self.inner.stream(request, deadline=deadline))
            async with aclosing_events(events):
                async for event in events:
                    if event.done and event.response is not None:
                        obs.on_response(provider, model, event.response)
                    yield event
        except LLMError as exc:
            obs.on_error(provider, model, exc)
            raise

    async def list_models(self) -> list[ModelInfo]:
        try:
            return await self.inner.list_models()
        except LLMError as exc:
            self.observer.on_error(self.inner.provider, None, exc)
            raise


class ObservePlugin:
    """``llm_core.observe``: wraps each bare adapter to report its calls (block it to stop)."""

    @hookimpl(wrapper=True, trylast=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Wrap the bare adapter that resolution built."""
        adapter = yield
        if adapter is None:
            return None
        cls = AsyncObservingAdapter if is_async else ObservingAdapter
        return cls(adapter, observer())
