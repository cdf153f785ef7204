"""The ``llm_core.retry`` plugin: retry the same provider per :class:`~.policy.RetryPolicy`.

It is the innermost core wrapper but observation (``trylast``), so it retries one target before
the fallback layer moves on. The layer is written once (:class:`Retry`); its flows only call,
sleep and loop, and a :class:`RetryRun` per failing call keeps the attempt trail.

- ``Response.attempts`` lists every try with its error and the wait before the next; an error
  that gives up carries the same list as ``error.attempts``.
- ``Call.attempt`` is set before each try, so every layer and observer below sees its number.
- A wait never runs past the call's deadline: the retry gives up at once with
  ``TimeoutError(phase="deadline")`` raised from the last error.
- A stream is retried only until its first event has reached the caller; a failure after that
  raises :class:`~llm_core.errors.GenerationError` carrying the text received so far.

Replace the policy by registering your own plugin under the same name, or inject the clock,
sleep and random source for tests: ``RetryPlugin(sleep=fake.sleep, clock=fake.now, ...)``.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio

from llm_core.call import Call
from llm_core.errors import LLMError
from llm_core.hookspecs import hookimpl
from llm_core.layers import AsyncLayerAdapter, Flow, Layer, LayerAdapter, Opened, broke_off
from llm_core.request import Request
from llm_core.resilience.observe import Observer
from llm_core.resilience.retry.policy import RetryPolicy, error_text
from llm_core.types import Attempt, ModelInfo, Response

__all__ = ["AsyncRetryingAdapter", "Retry", "RetryPlugin", "RetryRun", "RetryingAdapter"]


class RetryRun:
    """The retry state of one call: which attempt this is, what failed, what to do next."""

    __slots__ = ("attempts", "call", "link", "model", "observer", "policy", "provider")

    def __init__(self, retry: Retry, model: str | None, call: Call) -> None:
        self.policy, self.observer, self.link = retry.policy, retry.observer, retry.link
        self.provider, self.model, self.call = retry.provider, model, call
        self.attempts: list[Attempt] = []

    def failed(self, error: LLMError) -> float:
        """Record a failed attempt; return the wait before the next one, or raise to give up."""
        number = len(self.attempts) + 1
        decision = self.policy.decide(number, error, self.call.deadline)
        self.attempts.append(
            Attempt(
                self.link[0],
                number,
                error_text(error),
                type(error).__name__,
                decision.wait,
                self.link[1],
            )
        )
        if not decision.retry:
            final = decision.error
            final.attempts = error.attempts = list(self.attempts)  # type: ignore[attr-defined]
            if final is error:
                raise error
            raise final from error
        self.observer.emit(
            "llm_core_on_retry",
            call=self.call,
            provider=self.provider,
            model=self.model,
            attempt=number,
            error=error,
            wait=decision.wait,
        )
        self.call.attempt = number + 1
        return decision.wait

    def succeeded(self, response: Response) -> Response:
        """Record the successful attempt on ``response.attempts``."""
        self.attempts.append(Attempt(self.link[0], len(self.attempts) + 1, model=self.link[1]))
        response.attempts = self.attempts
        return response


class Retry(Layer):
    """Retries the wrapped adapter per its policy."""

    def __init__(
        self, inner: Any, policy: RetryPolicy, observer: Observer, config: Any, sleep: Any
    ) -> None:
        super().__init__(inner)
        self.policy, self.observer, self.sleep = policy, observer, sleep
        self.link = (config.provider, config.model)  # what each Attempt names

    def _done(self, response: Response, run: RetryRun | None) -> Response:
        if run is None:  # answered at the first attempt: the hot path keeps no run
            response.attempts = [Attempt(self.link[0], 1, model=self.link[1])]
            return response
        return run.succeeded(response)

    def _again(self, attempt: Callable[[], Any], call: Call, model: Any, error: LLMError) -> Flow:
        """After a failed first attempt: wait, try again, until success or the policy gives up."""
        run = RetryRun(self, model, call)
        wait = run.failed(error)
        while True:
            if wait > 0:
                yield self.sleep(wait)
            try:
                return (yield from attempt()), run
            except LLMError as exc:
                wait = run.failed(exc)

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        call.attempt = 1
        try:  # the first attempt inline: the hot path
            return self._done((yield from self.generate_of(self.inner, request, call)), None)
        except LLMError as exc:
            failed = exc

        def attempt() -> Flow[Response]:
            return (yield from self.inner_generate(request, call))

        model = self.inner.model_for(request)
        return self._done(*(yield from self._again(attempt, call, model, failed)))

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        call.attempt, run = 1, None
        try:
            opened = yield from self.open_inner(request, call)
        except LLMError as exc:
            model = self.inner.model_for(request)
            attempt = lambda: self.open_inner(request, call)  # noqa: E731
            opened, run = yield from self._again(attempt, call, model, exc)
        opened.watch(
            done=lambda response: self._done(response, run),
            failed=lambda error: broke_off(error, opened.text),
        )
        return opened

    def list_models_flow(self, call: Call) -> Flow[list[ModelInfo]]:
        try:
            return (yield from self.inner_list_models(call))
        except LLMError as exc:
            failed = exc

        def attempt() -> Flow[list[ModelInfo]]:
            return (yield from self.inner_list_models(call))

        return (yield from self._again(attempt, call, None, failed))[0]


class RetryingAdapter(Retry, LayerAdapter):
    """Sync shell of :class:`Retry`."""


class AsyncRetryingAdapter(Retry, AsyncLayerAdapter):
    """Async shell of :class:`Retry`."""


class RetryPlugin:
    """``llm_core.retry``: wraps every resolved adapter (primary and each fallback link)."""

    def __init__(
        self,
        observer: Observer,
        *,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        clock: Callable[[], float] = time.monotonic,
        random: Callable[[], float] = _random.random,
    ) -> None:
        """Real sleeping and time by default; tests inject fakes."""
        self.observer = observer
        self.sleep, self.async_sleep, self.clock, self.random = sleep, async_sleep, clock, random

    @hookimpl(wrapper=True, trylast=True)
    def llm_core_resolve_adapter(self, config: Any, settings: Any, is_async: bool) -> Any:
        """Wrap the adapter below in a retrying one built from ``settings.retry``."""
        adapter = yield
        if adapter is None:
            return None
        policy = RetryPolicy.from_settings(settings.retry, clock=self.clock, random=self.random)
        if is_async:
            return AsyncRetryingAdapter(adapter, policy, self.observer, config, self.async_sleep)
        return RetryingAdapter(adapter, policy, self.observer, config, self.sleep)
