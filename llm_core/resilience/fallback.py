"""The ``llm_core.fallback`` plugin: try the providers of ``settings.fallbacks`` in order.

It wraps only the primary (``role="primary"``); each link is resolved through the same hook
with ``role="fallback"`` the first time it is needed (an unknown provider name fails at once),
so every link gets its own retry and cooldown wrappers, and the chain moves on only once a
link's retries are exhausted. Without fallbacks it adds nothing.

- Falls back on any provider failure (connection, timeout, 5xx, 429, model not found, invalid
  answer, cooldown); not on a ValidationError or ConfigurationError (the request itself is
  wrong), not on the caller's total deadline, and not on an AuthenticationError unless
  ``settings.fallback_on_auth_errors``.
- A link with its own ``model`` runs the request on that model; a link without one keeps the
  request's model.
- Streams fall back only before their first event has reached the caller.
- ``Response.fallbacks`` lists the links that failed before one answered; ``Response.attempts``
  every attempt at every link. FallbackExhaustedError lists each link with its error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from llm_core import errors as e
from llm_core.adapter import AsyncWrappingAdapter, WrappingAdapter
from llm_core.hookspecs import hookimpl
from llm_core.resilience.chain import Chain
from llm_core.resilience.common import aclosing_events, closing_events, raise_broken
from llm_core.resilience.observe import observer
from llm_core.types import Health, Request, Response, StreamEvent

__all__ = ["AsyncFallbackAdapter", "FallbackAdapter", "FallbackPlugin"]


class FallbackAdapter(Chain, WrappingAdapter):
    """Tries each sync link in order until one answers."""

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        run = self._run()
        for i in range(len(self.labels)):
            try:
                response = self.link(i).generate(self._request(request, i), deadline=deadline)
            except e.LLMError as exc:
                run.failed(i, exc)
                continue
            return run.answered(response)
        raise AssertionError("unreachable: FallbackRun raises when the chain is exhausted")

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        return self._stream(request, deadline)

    def _stream(self, request: Request, deadline: float | None) -> Iterator[StreamEvent]:
        run = self._run()
        for i in range(len(self.labels)):
            events = None
            try:
                events = iter(self.link(i).stream(self._request(request, i), deadline=deadline))
                first = next(events, None)
            except e.LLMError as exc:
                getattr(events, "close", lambda: None)()
                run.failed(i, exc)
                continue
            break
        with closing_events(events):
            if first is None:
                return
            parts = [first.text]
            if first.done and first.response is not None:
                run.answered(first.response)
            yield first
            try:
                for event in events:
                    if event.done and event.response is not None:
                        run.answered(event.response)
                    else:
                        parts.append(event.text)
                    yield event
            except e.LLMError as exc:
                raise_broken(exc, parts)

    def health_check(self) -> Health:
        return self._health(self.inner.health_check())

    def close(self) -> None:
        for adapter in self.built():
            adapter.close()


class AsyncFallbackAdapter(Chain, AsyncWrappingAdapter):
    """The async twin of :class:`FallbackAdapter`."""

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        run = self._run()
        for i in range(len(self.labels)):
            try:
                response = await self.link(i).generate(self._request(request, i), deadline=deadline)
            except e.LLMError as exc:
                run.failed(i, exc)
                continue
            return run.answered(response)
        raise AssertionError("unreachable: FallbackRun raises when the chain is exhausted")

    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        return self._stream(request, deadline)

    async def _stream(self, request: Request, deadline: float | None) -> AsyncIterator[StreamEvent]:
        run = self._run()
        for i in range(len(self.labels)):
            events = None
            try:
                events = aiter(self.link(i).stream(self._request(request, i), deadline=deadline))
                first = await anext(events, None)
            except e.LLMError as exc:
                if hasattr(events, "aclose"):
                    await events.aclose()
                run.failed(i, exc)
                continue
            break
        async with aclosing_events(events):
            if first is None:
                return
            parts = [first.text]
            if first.done and first.response is not None:
                run.answered(first.response)
            yield first
            try:
                async for event in events:
                    if event.done and event.response is not None:
                        run.answered(event.response)
                    else:
                        parts.append(event.text)
                    yield event
            except e.LLMError as exc:
                raise_broken(exc, parts)

    async def health_check(self) -> Health:
        return self._health(await self.inner.health_check())

    async def aclose(self) -> None:
        for adapter in self.built():
            await adapter.aclose()


class FallbackPlugin:
    """``llm_core.fallback``: wraps the primary in a chain with ``settings.fallbacks``."""

    @hookimpl(wrapper=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Chain the fallback links (each resolved with ``role="fallback"`` on first use)."""
        adapter = yield
        if adapter is None or role != "primary" or not settings.fallbacks:
            return adapter
        from llm_core.plugins import get_plugin_manager, get_provider

        for link in settings.fallbacks:
            get_provider(link.provider)  # an unknown provider fails now, not at the first fallback
        hook = get_plugin_manager().hook.llm_core_resolve_adapter

        def resolve(link: Any) -> Any:
            return hook(config=link, settings=settings, is_async=is_async, role="fallback")

        cls = AsyncFallbackAdapter if is_async else FallbackAdapter
        return cls(adapter, config, settings, observer(), resolve)
