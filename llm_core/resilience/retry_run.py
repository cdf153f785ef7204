"""The sans-IO half of retry: one call's attempt trail and decisions, shared by both twins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from llm_core.errors import LLMError
from llm_core.resilience.observe import Observer
from llm_core.resilience.policy import RetryPolicy, error_text
from llm_core.types import Attempt, Request, Response

__all__ = ["RetryBase", "RetryRun"]


class RetryRun:
    """The retry state of one call: which attempt this is, what failed, what to do next."""

    __slots__ = ("attempts", "deadline", "label", "model", "observer", "policy", "provider")

    def __init__(
        self,
        policy: RetryPolicy,
        obs: Observer,
        label: str,
        provider: str,
        model: str | None,
        deadline: float | None,
    ) -> None:
        self.policy, self.observer, self.label = policy, obs, label
        self.provider, self.model, self.deadline = provider, model, deadline
        self.attempts: list[Attempt] = []

    @property
    def number(self) -> int:
        """The attempt about to run (from 1)."""
        return len(self.attempts) + 1

    def failed(self, error: LLMError) -> float:
        """Record a failed attempt; return the wait before the next one, or raise to give up."""
        number = self.number
        decision = self.policy.decide(number, error, self.deadline)
        self.attempts.append(
            Attempt(self.label, number, error_text(error), type(error).__name__, decision.wait)
        )
        if not decision.retry:
            final = decision.error
            final.attempts = error.attempts = list(self.attempts)  # type: ignore[attr-defined]
            if final is error:
                raise error
            raise final from error
        self.observer.on_retry(self.provider, self.model, number, error, decision.wait)
        return decision.wait

    def succeeded(self, response: Response) -> Response:
        """Record the successful attempt on ``response.attempts``."""
        self.attempts.append(Attempt(self.label, self.number))
        response.attempts = self.attempts
        return response


class RetryBase:
    """What the sync and async retrying adapters share."""

    inner: Any
    label: str

    def __init__(
        self,
        inner: Any,
        policy: RetryPolicy,
        obs: Observer,
        label: str,
        sleep: Callable[[float], Any],
    ) -> None:
        self.inner, self.policy, self.observer = inner, policy, obs
        self.label, self.sleep = label, sleep

    def _run(self, request: Request | None, deadline: float | None) -> RetryRun:
        model = None if request is None else self.inner.model_for(request)
        return RetryRun(
            self.policy, self.observer, self.label, self.inner.provider, model, deadline
        )

    def _done(self, response: Response, run: RetryRun | None) -> Response:
        if run is None:  # answered at the first attempt: the hot path keeps no run
            response.attempts = [Attempt(self.label, 1)]
            return response
        return run.succeeded(response)
