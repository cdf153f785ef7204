"""The ``llm_core.retry`` plugin: retry the same provider per :class:`RetryPolicy`.

It is the innermost core wrapper (``trylast``), so it retries one target before the fallback
layer moves on. Every call gets a :class:`RetryRun` (sans-IO: the attempt trail and the
decisions, in :mod:`.retry_run`); the sync and async adapters only call, sleep and loop.

- ``Response.attempts`` lists every try with its error and the wait before the next; an error
  that gives up carries the same list as ``error.attempts``.
- A wait never runs past the call's ``deadline``: the retry gives up at once with
  ``TimeoutError(phase="deadline")`` raised from the last error.
- A stream is retried only until its first event has reached the caller; a failure after that
  raises :class:`~llm_core.errors.GenerationError` carrying the text received so far.

Replace the policy by registering your own plugin under the same name, or inject the clock,
sleep and random source for tests: ``RetryPlugin(sleep=fake.sleep, clock=fake.now, ...)``.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeVar

import anyio

from llm_core.adapter import AsyncWrappingAdapter, WrappingAdapter
from llm_core.errors import LLMError
from llm_core.hookspecs import hookimpl
from llm_core.resilience.common import aclosing_events, closing_events, label_of, raise_broken
from llm_core.resilience.observe import ATTEMPT, observer
from llm_core.resilience.policy import RetryPolicy
from llm_core.resilience.retry_run import RetryBase, RetryRun
from llm_core.types import ModelInfo, Request, Response, StreamEvent

__all__ = ["AsyncRetryingAdapter", "RetryPlugin", "RetryingAdapter"]

T = TypeVar("T")


class RetryingAdapter(RetryBase, WrappingAdapter):
    """Retries the wrapped sync adapter per its policy."""

    def _retry(
        self,
        call: Callable[[], T],
        request: Request | None,
        deadline: float | None,
        failed: LLMError | None = None,
    ) -> tuple[T, RetryRun | None]:
        if failed is None:
            try:
                return call(), None
            except LLMError as exc:
                failed = exc
        run = self._run(request, deadline)
        wait = run.failed(failed)
        while True:
            if wait > 0:
                self.sleep(wait)
            token = ATTEMPT.set(run.number)
            try:
                return call(), run
            except LLMError as exc:
                wait = run.failed(exc)
            finally:
                ATTEMPT.reset(token)

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        try:  # the first attempt inline: the hot path
            return self._done(self.inner.generate(request, deadline=deadline), None)
        except LLMError as exc:
            failed = exc
        call = lambda: self.inner.generate(request, deadline=deadline)  # noqa: E731
        return self._done(*self._retry(call, request, deadline, failed))

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        return self._stream(request, deadline)

    def _stream(self, request: Request, deadline: float | None) -> Iterator[StreamEvent]:
        def first_event() -> tuple[Iterator[StreamEvent], StreamEvent | None]:
            events = iter(self.inner.stream(request, deadline=deadline))
            try:
                return events, next(events, None)
            except BaseException:
                getattr(events, "close", lambda: None)()
                raise

        (events, first), run = self._retry(first_event, request, deadline)
        if first is None:
            return
        with closing_events(events):
            parts = [first.text]
            if first.done and first.response is not None:
                self._done(first.response, run)
            yield first
            try:
                for event in events:
                    if event.done and event.response is not None:
                        self._done(event.response, run)
                    else:
                        parts.append(event.text)
                    yield event
            except LLMError as exc:
                raise_broken(exc, parts)

    def list_models(self) -> list[ModelInfo]:
        return self._retry(self.inner.list_models, None, None)[0]


class AsyncRetryingAdapter(RetryBase, AsyncWrappingAdapter):
    """The async twin of :class:`RetryingAdapter`."""

    async def _retry(
        self,
        call: Callable[[], Awaitable[T]],
        request: Request | None,
        deadline: float | None,
        failed: LLMError | None = None,
    ) -> tuple[T, RetryRun | None]:
        if failed is None:
            try:
                return await call(), None
            except LLMError as exc:
                failed = exc
        run = self._run(request, deadline)
        wait = run.failed(failed)
        while True:
            if wait > 0:
                await self.sleep(wait)
            token = ATTEMPT.set(run.number)
            try:
                return await call(), run
            except LLMError as exc:
                wait = run.failed(exc)
            finally:
                ATTEMPT.reset(token)

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        try:  # the first attempt inline: the hot path
            return self._done(await self.inner.generate(request, deadline=deadline), None)
        except LLMError as exc:
            failed = exc
        call = lambda: self.inner.generate(request, deadline=deadline)  # noqa: E731
        return self._done(*await self._retry(call, request, deadline, failed))

    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        return self._stream(request, deadline)

    async def _stream(self, request: Request, deadline: float | None) -> AsyncIterator[StreamEvent]:
        async def first_event() -> tuple[AsyncIterator[StreamEvent], StreamEvent | None]:
            events = aiter(self.inner.stream(request, deadline=deadline))
            try:
                return events, await anext(events, None)
            except BaseException:
                aclose = getattr(events, "aclose", None)
                if aclose is not None:
                    await aclose()
                raise

        (events, first), run = await self._retry(first_event, request, deadline)
        if first is None:
            return
        async with aclosing_events(events):
            parts = [first.text]
            if first.done and first.response is not None:
                self._done(first.response, run)
            yield first
            try:
                async for event in events:
                    if event.done and event.response is not None:
                        self._done(event.response, run)
                    else:
                        parts.append(event.text)
                    yield event
            except LLMError as exc:
                raise_broken(exc, parts)

    async def list_models(self) -> list[ModelInfo]:
        return (await self._retry(self.inner.list_models, None, None))[0]


class RetryPlugin:
    """``llm_core.retry``: wraps every resolved adapter (primary and each fallback link)."""

    def __init__(
        self,
        *,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = _random.random,
    ) -> None:
        """Real sleeping and time by default; tests inject fakes."""
        self.sleep, self.async_sleep, self.clock, self.random = sleep, async_sleep, clock, random

    @hookimpl(wrapper=True, trylast=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Wrap the adapter below in a retrying one built from ``settings.retry``."""
        adapter = yield
        if adapter is None:
            return None
        policy = RetryPolicy.from_settings(settings.retry, clock=self.clock, random=self.random)
        if is_async:
            return AsyncRetryingAdapter(
                adapter, policy, observer(), label_of(config), self.async_sleep
            )
        return RetryingAdapter(adapter, policy, observer(), label_of(config), self.sleep)
