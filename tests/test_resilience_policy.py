"""RetryPolicy: retryable errors, backoff with injected randomness, Retry-After, deadline."""

from __future__ import annotations

import random

import pytest

from llm_core import errors as e
from llm_core.config import RetrySettings
from llm_core.resilience.retry import RetryPolicy

RETRYABLE = [
    e.ConnectionError("refused"),
    e.TimeoutError("connect", phase="connect"),
    e.TimeoutError("pool", phase="pool"),
    e.ServerError("500", status_code=500),
    e.ServerError("502", status_code=502),
    e.ServerError("503", status_code=503),
    e.ServerError("504", status_code=504),
    e.ServerError("busy, no status"),
    e.ProviderError("408", status_code=408),
    e.ProviderError("409", status_code=409),
    e.RateLimitError("429", status_code=429, retry_after=1.0),
    e.RateLimitError("no status"),
]
NOT_RETRYABLE = [
    e.TimeoutError("read", phase="read"),
    e.TimeoutError("write", phase="write"),
    e.TimeoutError("deadline", phase="deadline"),
    e.ValidationError("400", status_code=400),
    e.ValidationError("422", status_code=422),
    e.AuthenticationError("401", status_code=401),
    e.AuthenticationError("403", status_code=403),
    e.ModelNotFoundError("404", status_code=404),
    e.ServerError("501", status_code=501),
    e.InvalidResponseError("not json", status_code=200),
    e.GenerationError("broke off", partial_text="abc"),
    e.ConfigurationError("bad"),
    ValueError("a bug, not a provider failure"),
]


def _name(err: BaseException) -> str:
    return f"{type(err).__name__}-{getattr(err, 'status_code', None) or getattr(err, 'phase', '')}"


@pytest.mark.parametrize("error", RETRYABLE, ids=_name)
def test_transient_failures_are_retried(error: BaseException) -> None:
    assert RetryPolicy().is_retryable(error)


@pytest.mark.parametrize("error", NOT_RETRYABLE, ids=_name)
def test_permanent_failures_are_not_retried(error: BaseException) -> None:
    assert not RetryPolicy().is_retryable(error)


def test_read_timeouts_are_retried_only_when_configured() -> None:
    policy = RetryPolicy.from_settings(RetrySettings(retry_read_timeouts=True))
    assert policy.is_retryable(e.TimeoutError("read", phase="read"))
    assert not policy.is_retryable(e.TimeoutError("deadline", phase="deadline"))


def test_retry_statuses_come_from_settings() -> None:
    policy = RetryPolicy.from_settings(RetrySettings(retry_statuses=(503,)))
    assert policy.is_retryable(e.ServerError("503", status_code=503))
    assert not policy.is_retryable(e.ServerError("500", status_code=500))


def test_backoff_doubles_up_to_the_cap_without_jitter() -> None:
    policy = RetryPolicy(backoff_base=0.25, backoff_cap=2.0, jitter=False)
    assert [policy.backoff(n) for n in range(1, 7)] == [0.25, 0.5, 1.0, 2.0, 2.0, 2.0]


def test_jitter_scales_into_the_upper_half_with_the_injected_random() -> None:
    top = RetryPolicy(backoff_base=1.0, backoff_cap=100.0, random=lambda: 1.0)
    bottom = RetryPolicy(backoff_base=1.0, backoff_cap=100.0, random=lambda: 0.0)
    assert [top.backoff(n) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert [bottom.backoff(n) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]


def test_a_seeded_random_source_gives_the_same_waits_every_run() -> None:
    def waits() -> list[float]:
        policy = RetryPolicy(max_attempts=6, random=random.Random(7).random)
        return [policy.decide(n, e.ConnectionError("x"), None).wait for n in range(1, 6)]

    first = waits()
    assert first == waits()
    assert all(0.125 <= w <= 8.0 for w in first)


def test_decide_gives_up_with_the_error_when_attempts_are_exhausted() -> None:
    policy = RetryPolicy(max_attempts=3, jitter=False)
    err = e.ServerError("boom", status_code=500)
    assert policy.decide(1, err, None)[:2] == (True, 0.25)
    assert policy.decide(2, err, None)[:2] == (True, 0.5)
    decision = policy.decide(3, err, None)
    assert (decision.retry, decision.error, decision.reason) == (False, err, "attempts exhausted")


def test_decide_waits_what_the_server_asked() -> None:
    err = e.RateLimitError("slow down", status_code=429, retry_after=3.0)
    decision = RetryPolicy(max_retry_after=30.0).decide(1, err, None)
    assert decision.retry
    assert decision.wait == 3.0


def test_a_retry_after_above_the_cap_raises_at_once_instead_of_blocking() -> None:
    err = e.RateLimitError("slow down", status_code=429, retry_after=120.0)
    decision = RetryPolicy(max_retry_after=30.0).decide(1, err, None)
    assert not decision.retry
    assert decision.error is err
    assert decision.error.retry_after == 120.0


def test_no_wait_may_end_past_the_deadline() -> None:
    now = 1000.0
    policy = RetryPolicy(jitter=False, backoff_base=1.0, clock=lambda: now)
    err = e.ConnectionError("refused", provider="openai")
    assert policy.decide(1, err, deadline=now + 1.5).retry
    decision = policy.decide(1, err, deadline=now + 0.5)
    assert not decision.retry
    assert decision.reason == "deadline"
    assert isinstance(decision.error, e.TimeoutError)
    assert decision.error.phase == "deadline"
    assert decision.error.provider == "openai"
    assert "ConnectionError" in str(decision.error)
    assert "timeouts.total" in str(decision.error)


def test_settings_and_policy_have_the_same_fields() -> None:
    policy = RetryPolicy.from_settings(RetrySettings(max_attempts=5, backoff_cap=1.0))
    assert (policy.max_attempts, policy.backoff_cap) == (5, 1.0)
    assert policy.retry_statuses == frozenset(RetrySettings().retry_statuses)
