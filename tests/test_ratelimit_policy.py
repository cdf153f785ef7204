"""The rate-limit budget alone (sans-IO flows over a MemoryState on a fake clock), the token
estimate, how the retry and cooldown layers classify RateLimitedError, and bad settings: each
a ConfigurationError naming the field and the fix."""

from __future__ import annotations

import pytest

import llm_core
from llm_core import errors as e
from llm_core.config import RetrySettings
from llm_core.embeddings.types import Embeddings, EmbedRequest
from llm_core.flow import run
from llm_core.request import Request
from llm_core.resilience.cooldown import counts_as_failure
from llm_core.resilience.ratelimit import COMPLETION_ESTIMATE, Budget, estimate_tokens, used_tokens
from llm_core.resilience.retry import RetryPolicy
from llm_core.resilience.state import MemoryState, SyncStateIO
from llm_core.types import Response, Usage

io = SyncStateIO.io


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(clock) -> MemoryState:
    return MemoryState(clock=clock)


def answer(prompt: int | None, completion: int | None) -> Response:
    return Response("ok", "m", "p", usage=Usage(prompt, completion))


def test_rpm_takes_one_per_request_and_refills_at_rpm_per_minute(store, clock) -> None:
    budget = Budget("t:", "ollama:m@-", rpm=2, tpm=None)
    assert [run(budget.charge(io, store, 0)) for _ in range(2)] == [(0.0, "")] * 2
    wait, limit = run(budget.charge(io, store, 0))
    assert limit == "rpm" and wait == pytest.approx(30.0)
    clock.now += 30
    assert run(budget.charge(io, store, 0)) == (0.0, "")


def test_a_token_refusal_gives_the_request_back(store) -> None:
    budget = Budget("t:", "k", rpm=10, tpm=100)
    assert run(budget.charge(io, store, 90)) == (0.0, "")
    wait, limit = run(budget.charge(io, store, 50))
    assert limit == "tpm" and wait == pytest.approx(40 / (100 / 60))
    # the refused request took no request token: 9 more fit, then the rpm bucket is empty
    assert [run(budget.charge(io, store, 0))[1] for _ in range(10)] == [""] * 9 + ["rpm"]


def test_settle_refunds_charges_and_caps_at_the_burst(store) -> None:
    budget = Budget("t:", "k", rpm=None, tpm=100)
    cost = budget.cost(60)
    run(budget.charge(io, store, cost))  # 40 left
    run(budget.settle(io, store, cost, answer(5, 5)))  # used 10: 50 refunded, 90 left
    assert run(budget.charge(io, store, 90)) == (0.0, "")
    run(budget.settle(io, store, 90, None))  # failed: all 90 back, 90 left (10 still used)
    assert run(budget.charge(io, store, 91))[1] == "tpm"
    run(budget.settle(io, store, 500, answer(0, 0)))  # a refund of 500: full, never more
    assert run(budget.charge(io, store, 100)) == (0.0, "")
    assert run(budget.charge(io, store, 1))[1] == "tpm"
    run(budget.settle(io, store, 0, answer(0, 0)))  # nothing to correct
    run(budget.settle(io, store, 100, answer(150, 30)))  # 80 more than charged: a debt
    wait, _ = run(budget.charge(io, store, 1))
    assert wait == pytest.approx(81 / (100 / 60))


def test_an_answer_without_usage_keeps_the_estimate(store) -> None:
    budget = Budget("t:", "k", rpm=None, tpm=100)
    run(budget.charge(io, store, 70))
    run(budget.settle(io, store, 70, answer(None, None)))
    assert run(budget.charge(io, store, 31))[1] == "tpm"


def test_a_request_larger_than_the_bucket_costs_the_whole_bucket() -> None:
    budget = Budget("t:", "k", rpm=None, tpm=100)
    assert budget.cost(5000) == 100 and budget.cost(7) == 7
    assert Budget("t:", "k", rpm=5, tpm=None).cost(5000) == 0


def test_every_process_on_one_provider_key_shares_the_keys() -> None:
    budget = Budget("llm_core:", "ollama:llama3.2@http://gpu-a:11434", rpm=1, tpm=1)
    assert budget.rpm_key == "llm_core:ratelimit:rpm:ollama:llama3.2@http://gpu-a:11434"
    assert budget.tpm_key == "llm_core:ratelimit:tpm:ollama:llama3.2@http://gpu-a:11434"


def test_the_estimate_is_characters_over_four_plus_the_answer() -> None:
    assert estimate_tokens(Request("x" * 9, max_tokens=20)) == 3 + 20
    assert estimate_tokens(Request("hello")) == 2 + COMPLETION_ESTIMATE
    assert estimate_tokens(EmbedRequest(texts=("abcd", "abcdefgh"), model="m")) == 3
    assert used_tokens(answer(3, None)) == 3 and used_tokens(answer(None, None)) is None
    assert used_tokens(Embeddings(vectors=[[0.0]], model="m", prompt_tokens=4)) == 4


def test_rate_limited_is_not_retried_and_not_a_provider_failure() -> None:
    err = e.RateLimitedError("spent", limit="tpm", retry_after=3.0, provider="ollama")
    assert isinstance(err, e.RateLimitError) and isinstance(err, llm_core.RateLimitedError)
    assert not RetryPolicy.from_settings(RetrySettings()).is_retryable(err)
    assert RetryPolicy.from_settings(RetrySettings()).is_retryable(e.RateLimitError("429"))
    assert not counts_as_failure(err)
    assert err.limit == "tpm" and err.retry_after == 3.0


BAD = [
    ("rpm", 0),
    ("rpm", -5),
    ("rpm", "sixty"),
    ("rpm", True),
    ("rpm", {"n": 1}),
    ("rpm", 2.5),
    ("tpm", 0),
    ("tpm", False),
    ("tpm", [100]),
    ("max_wait", None),
    ("max_wait", -1),
    ("max_wait", "soon"),
    ("max_wait", True),
    ("max_wait", {}),
    ("max_wait", float("inf")),
]


@pytest.mark.parametrize(("field", "value"), BAD, ids=[f"{f}={v!r}" for f, v in BAD])
def test_bad_rate_limit_settings_name_the_field_and_the_fix(field, value) -> None:
    with pytest.raises(e.ConfigurationError) as info:
        llm_core.Client("openai", rate_limit={field: value})
    assert f"rate_limit.{field}" in info.value.message
    assert f"LLM_CORE_RATE_LIMIT__{field.upper()}" in info.value.hint
    assert ("whole number >= 1" if field != "max_wait" else "seconds >= 0") in info.value.message


@pytest.mark.parametrize(("field", "value"), [b for b in BAD if b[0] != "max_wait"])
def test_bad_deployment_budgets_name_the_deployment(field, value) -> None:
    deployment = {"provider": "openai", "base_url": "http://a:1/v1", field: value}
    with pytest.raises(e.ConfigurationError) as info:
        llm_core.Client("router", router={"deployments": [deployment]})
    assert f"deployments[0].{field} must be a whole number >= 1" in info.value.message
    assert "LLM_CORE_ROUTER__DEPLOYMENTS" in info.value.hint


def test_budgets_come_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("LLM_CORE_RATE_LIMIT__RPM", "60")
    monkeypatch.setenv("LLM_CORE_RATE_LIMIT__TPM", "20000")
    monkeypatch.setenv("LLM_CORE_RATE_LIMIT__MAX_WAIT", "2.5")
    with llm_core.Client("openai") as client:
        assert client.settings.rate_limit.model_dump() == {
            "rpm": 60,
            "tpm": 20000,
            "max_wait": 2.5,
        }
        assert "RateLimitAdapter" in repr(client.adapter)
    monkeypatch.setenv("LLM_CORE_RATE_LIMIT__RPM", "0")
    with pytest.raises(e.ConfigurationError, match=r"rate_limit\.rpm"):
        llm_core.Client("openai")
