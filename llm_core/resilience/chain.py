"""The sans-IO half of fallback: which errors fall back, and one call's trail of failures."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from llm_core import errors as e
from llm_core.resilience.common import label_of
from llm_core.resilience.observe import Observer
from llm_core.resilience.policy import error_text
from llm_core.types import Attempt, Health, Request, Response

__all__ = ["Chain", "FallbackRun", "should_fall_back"]


def should_fall_back(error: BaseException, on_auth_errors: bool = False) -> bool:
    """Whether the next provider of the chain should get the request after ``error``."""
    if isinstance(error, e.TimeoutError) and error.phase == "deadline":
        return False
    if isinstance(error, e.AuthenticationError):
        return on_auth_errors
    return isinstance(error, e.ProviderError)


class FallbackRun:
    """The fallback state of one call (sans-IO): which links failed, with what."""

    __slots__ = ("failures", "labels", "observer", "on_auth")

    def __init__(self, labels: list[str], on_auth: bool, obs: Observer) -> None:
        self.labels, self.on_auth, self.observer = labels, on_auth, obs
        self.failures: list[tuple[str, BaseException]] = []

    def failed(self, index: int, error: e.LLMError) -> None:
        """Record link ``index``'s failure; raise when the chain must stop or is exhausted."""
        if not should_fall_back(error, self.on_auth):
            raise error
        label = self.labels[index]
        self.failures.append((label, error))
        if index + 1 < len(self.labels):
            self.observer.on_fallback(label, error, self.labels[index + 1])
            return
        exhausted = e.FallbackExhaustedError(self.failures)
        exhausted.attempts = self._prior_attempts()  # type: ignore[attr-defined]
        raise exhausted from error

    def answered(self, response: Response) -> Response:
        """Fill ``response.fallbacks`` and prepend the failed links' attempts."""
        if self.failures:
            response.fallbacks = [
                Attempt(label, i, error_text(err), type(err).__name__)
                for i, (label, err) in enumerate(self.failures, 1)
            ]
            response.attempts = self._prior_attempts() + response.attempts
        return response

    def _prior_attempts(self) -> list[Attempt]:
        out: list[Attempt] = []
        for label, err in self.failures:
            out.extend(
                getattr(err, "attempts", None)
                or [Attempt(label, 1, error_text(err), type(err).__name__)]
            )
        return out


class Chain:
    """What the sync and async fallback adapters share: the links, built on first use."""

    def __init__(
        self, inner: Any, config: Any, settings: Any, obs: Observer, resolve: Callable[[Any], Any]
    ) -> None:
        self.inner = inner
        self.configs = [config, *settings.fallbacks]
        self.labels = [label_of(c) for c in self.configs]
        self.models = [None, *(c.model for c in settings.fallbacks)]
        self.on_auth, self.observer = settings.fallback_on_auth_errors, obs
        self._adapters: list[Any] = [inner] + [None] * len(settings.fallbacks)
        self._resolve, self._lock = resolve, threading.Lock()

    def link(self, index: int) -> Any:
        """The adapter of link ``index``, resolved through the hook on first use (a link that
        is never needed costs no connection pool)."""
        adapter = self._adapters[index]
        if adapter is None:
            with self._lock:
                adapter = self._adapters[index]
                if adapter is None:
                    adapter = self._adapters[index] = self._resolve(self.configs[index])
        return adapter

    def built(self) -> list[Any]:
        """The links resolved so far (to close)."""
        return [a for a in self._adapters if a is not None]

    def _run(self) -> FallbackRun:
        return FallbackRun(self.labels, self.on_auth, self.observer)

    def _request(self, request: Request, index: int) -> Request:
        model = self.models[index]
        return request if model is None or model == request.model else request.with_model(model)

    def _health(self, health: Health) -> Health:
        health.extra["fallbacks"] = [
            {
                "provider": self.labels[i],
                "cooldown": getattr(self.link(i), "cooldown_state", dict)(),
            }
            for i in range(1, len(self.labels))
        ]
        return health
