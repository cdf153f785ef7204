"""RetryPolicy: which failures are worth another try, and how long to wait first (sans-IO).

The policy only decides; the retry wrappers do the sleeping. The clock and the random source
are injectable, so tests get deterministic backoff without real sleeping::

    policy = RetryPolicy.from_settings(RetrySettings(), clock=fake.now, random=lambda: 1.0)
    decision = policy.decide(attempt=1, error=err, deadline=None)
    if decision.retry: sleep(decision.wait)
    else: raise decision.error

Retried: connection errors, connect and pool timeouts, and the statuses in ``retry_statuses``
(408, 409, 429, 500, 502, 503, 504 by default; 501 and 505 are permanent), plus a busy server
or rate limit without a status. A read or write timeout is retried only with
``retry_read_timeouts`` (a slow local model is not a transient fault). Never retried: 400, 401,
403, 404, 422, an invalid answer, a stream that broke off, the total deadline.
"""

from __future__ import annotations

import random as _random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from llm_core import errors as e
from llm_core.config import RetrySettings

__all__ = ["RetryDecision", "RetryPolicy", "deadline_error", "error_text"]

_RETRIED_PHASES = frozenset({"connect", "pool"})
_SLOW_PHASES = frozenset({"read", "write"})


def error_text(error: BaseException) -> str:
    """An error's message without its hint (for attempt trails and logs)."""
    return getattr(error, "message", None) or str(error) or type(error).__name__


class RetryDecision(NamedTuple):
    """What to do after a failed attempt: wait ``wait`` s and retry, or raise ``error``."""

    retry: bool
    wait: float
    error: BaseException
    reason: str


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Max attempts, exponential backoff with jitter, Retry-After handling, retryable errors."""

    max_attempts: int = 3
    backoff_base: float = 0.25
    backoff_cap: float = 8.0
    jitter: bool = True
    retry_read_timeouts: bool = False
    max_retry_after: float = 30.0
    retry_statuses: frozenset[int] = frozenset({408, 409, 429, 500, 502, 503, 504})
    clock: Callable[[], float] = time.monotonic
    random: Callable[[], float] = _random.random

    @classmethod
    def from_settings(cls, settings: RetrySettings, **overrides: object) -> RetryPolicy:
        """A policy from ``RetrySettings``; ``overrides`` may set ``clock`` and ``random``."""
        fields = settings.model_dump()
        fields["retry_statuses"] = frozenset(fields["retry_statuses"])
        fields.update(overrides)
        return cls(**fields)  # type: ignore[arg-type]

    def is_retryable(self, error: BaseException) -> bool:
        """Whether another try at the same provider may succeed."""
        if not isinstance(error, e.LLMError) or isinstance(error, e.GenerationError):
            return False
        if isinstance(error, e.RateLimitedError):  # our own budget: the limiter already waited
            return False
        if isinstance(error, e.TimeoutError):
            if error.phase in _RETRIED_PHASES:
                return True
            return self.retry_read_timeouts and error.phase in _SLOW_PHASES
        if isinstance(error, e.ConnectionError):
            return True
        if error.status_code is not None:
            return error.status_code in self.retry_statuses
        return isinstance(error, e.RateLimitError | e.ServerError)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt ``attempt`` (from 1): ``base * 2**(n-1)``,
        capped, then scaled into [50 %, 100 %] by the random source when ``jitter`` is on."""
        delay = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        if self.jitter:
            delay *= 0.5 + 0.5 * self.random()
        return delay

    def decide(self, attempt: int, error: BaseException, deadline: float | None) -> RetryDecision:
        """After failed attempt ``attempt``: retry after a wait, or give up raising ``error``.

        A ``retry_after`` above ``max_retry_after`` gives up at once with the error itself (it
        carries ``retry_after``). A wait that would end past ``deadline`` (a ``clock()``
        instant) gives up with ``TimeoutError(phase="deadline")``, to be raised from ``error``.
        """
        if not self.is_retryable(error):
            return RetryDecision(False, 0.0, error, "not retryable")
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None and retry_after > self.max_retry_after:
            return RetryDecision(False, 0.0, error, "retry_after above max_retry_after")
        if attempt >= self.max_attempts:
            return RetryDecision(False, 0.0, error, "attempts exhausted")
        wait = retry_after if retry_after is not None else self.backoff(attempt)
        if deadline is not None:
            left = deadline - self.clock()
            if wait >= left:
                return RetryDecision(
                    False, 0.0, deadline_error(error, attempt, wait, left), "deadline"
                )
        return RetryDecision(True, wait, error, "retry")


def deadline_error(error: BaseException, attempt: int, wait: float, left: float) -> e.TimeoutError:
    """The error for a retry that the total deadline leaves no time for."""
    return e.TimeoutError(
        f"total deadline leaves {max(left, 0.0):.3g} s, retry {attempt + 1} needs a wait of "
        f"{wait:.3g} s first (attempt {attempt} failed: {type(error).__name__}: "
        f"{error_text(error)})",
        phase="deadline",
        provider=getattr(error, "provider", None),
        model=getattr(error, "model", None),
        url=getattr(error, "url", None),
        hint="Raise timeouts.total, or leave it unset to bound only each phase.",
    )
