"""The ``llm_core.rate_limit`` layer on a plain provider, over an Ollama emulator on a real
socket: rpm and tpm (with the real usage correcting the estimate) in every mode, the typed
error (not retried, no cooldown, a fallback link takes over), and the wait up to max_wait on a
fake clock. Counts only, never timings."""

from __future__ import annotations

import pytest
from support.fake_clock import FakeClock
from support.faults import Fault
from support.ollama_emulator import OllamaEmulator
from support.rate_limits import MODES, outcomes

import llm_core
from llm_core import errors as e
from llm_core.plugins import get_plugin_manager
from llm_core.resilience.ratelimit import RateLimitAdapter
from llm_core.resilience.state import MemoryState

MODEL = "llama3.2"


@pytest.fixture
def ollama():
    with OllamaEmulator() as server:
        yield server


def limited(server, tmp_path, **rate_limit) -> dict:
    """Client kwargs for ``server`` with ``rate_limit``, on a memory store of this test only."""
    return {
        "base_url": server.url,
        "model": MODEL,
        "rate_limit": {"max_wait": 0, **rate_limit},
        "state": {"prefix": f"{tmp_path.name}:"},
    }


@pytest.mark.parametrize("mode", MODES)
def test_rpm_serves_its_budget_then_raises_a_typed_error(ollama, tmp_path, mode) -> None:
    results = outcomes(mode, "ollama", 5, limited(ollama, tmp_path, rpm=3))
    served = [r for r in results if isinstance(r, llm_core.Response)]
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(served) == 3 and ollama.count("/api/chat") == 3
    assert len(errors) == 2 and all(type(err) is e.RateLimitedError for err in errors)
    err = errors[0]
    assert isinstance(err, e.RateLimitError) and err.limit == "rpm"
    assert err.provider == "ollama" and err.model == MODEL and err.url == ollama.url
    assert "rate_limit.rpm = 3 (requests per minute)" in err.message
    assert "LLM_CORE_RATE_LIMIT__RPM" in err.hint and "max_wait" in err.hint
    assert 0 < err.retry_after <= 20  # one request back every 60 / 3 s


@pytest.mark.parametrize("mode", MODES)
def test_tpm_is_corrected_by_the_real_usage(ollama, tmp_path, mode) -> None:
    # Each request is estimated at 1 + 50 = 51 tokens (its characters / 4, plus max_tokens) but
    # uses about 5 (prompt + "echo: hi N"): the refund lets every one of 8 through a budget of
    # 120, where charging the estimate alone would refuse the third.
    results = outcomes(mode, "ollama", 8, limited(ollama, tmp_path, tpm=120), max_tokens=50)
    assert all(isinstance(r, llm_core.Response) for r in results), results
    used = sum(r.usage.prompt_tokens + r.usage.completion_tokens for r in results)
    assert used < 120 < 8 * 51


@pytest.mark.parametrize("mode", MODES)
def test_tpm_charges_what_the_estimate_missed(ollama, tmp_path, mode) -> None:
    # 101 words of prompt are 201 characters (estimated 51 + max_tokens 1 = 52) but 102 prompt
    # tokens (the emulator counts words, plus one per message) plus 1 answered: 103 used. With
    # tpm 300 the debt after each answer leaves room for 3 requests (300 -> 197 -> 94 -> -9);
    # the estimate alone would have let 5 through.
    prompt = lambda i: "a " * 100 + str(i)  # noqa: E731 - a new prompt each time (no cache)
    results = outcomes(mode, "ollama", 6, limited(ollama, tmp_path, tpm=300), prompt, max_tokens=1)
    served = [r for r in results if isinstance(r, llm_core.Response)]
    assert [r.usage.prompt_tokens for r in served] == [102, 102, 102]
    assert all(isinstance(r, e.RateLimitedError) and r.limit == "tpm" for r in results[3:])
    assert "52 estimated tokens" in results[3].message


@pytest.mark.parametrize("mode", ["sync", "astream"])
def test_a_spent_budget_falls_back_and_is_neither_retried_nor_a_cooldown(tmp_path, mode) -> None:
    with OllamaEmulator() as primary, OllamaEmulator() as spare:
        kwargs = limited(primary, tmp_path, rpm=2)
        kwargs |= {"fallbacks": [{"provider": "ollama", "base_url": spare.url}]}
        kwargs |= {"cooldown": {"failures": 1}, "retry": {"max_attempts": 3}}
        results = outcomes(mode, "ollama", 4, kwargs)
        with llm_core.Client("ollama", **kwargs) as client:
            cooldown = client.health_check().extra["cooldown"]
            with pytest.raises(e.FallbackExhaustedError) as info:  # each link: its own budget
                client.generate("one too many")
        assert (primary.count("/api/chat"), spare.count("/api/chat")) == (2, 2)  # no retries
    assert all(isinstance(r, llm_core.Response) for r in results)
    assert [len(r.fallbacks) for r in results] == [0, 0, 1, 1]
    assert {f.error_type for r in results for f in r.fallbacks} == {"RateLimitedError"}
    assert [type(err) for _, err in info.value.failures] == [e.RateLimitedError] * 2
    assert cooldown["state"] == "closed" and cooldown["failures"] == 0


@pytest.mark.parametrize("mode", ["sync", "astream"])
def test_a_call_is_charged_once_whatever_its_retries(ollama, tmp_path, monkeypatch, mode) -> None:
    monkeypatch.setattr(get_plugin_manager().get_plugin("llm_core.retry"), "sleep", lambda s: None)
    monkeypatch.setattr(get_plugin_manager().get_plugin("llm_core.retry"), "async_sleep", _no_wait)
    ollama.faults.push(Fault.error(503), times=2, path="/api/chat")
    kwargs = limited(ollama, tmp_path, rpm=2) | {"retry": {"max_attempts": 3}}
    results = outcomes(mode, "ollama", 3, kwargs)
    assert [len(r.attempts) for r in results[:2]] == [3, 1]  # 3 requests sent, 1 charged
    assert isinstance(results[2], e.RateLimitedError) and ollama.count("/api/chat") == 4


async def _no_wait(seconds: float) -> None:
    return None


def test_a_request_waits_up_to_max_wait_for_its_budget(ollama, tmp_path, monkeypatch) -> None:
    clock = FakeClock(start=1000.0)
    store = MemoryState(clock=clock.now)  # the bucket refills on the fake clock
    plugin = get_plugin_manager().get_plugin("llm_core.rate_limit")
    monkeypatch.setattr(plugin.states, "get", lambda settings: store)
    monkeypatch.setattr(RateLimitAdapter, "sleep", staticmethod(clock.sleep))
    kwargs = limited(ollama, tmp_path, rpm=2)
    with llm_core.Client("ollama", **{**kwargs, "rate_limit": {"rpm": 2, "max_wait": 45}}) as c:
        answers = [c.generate(f"hi {i}") for i in range(3)]  # the third waits for one refill
    assert [a.content for a in answers] == ["echo: hi 0", "echo: hi 1", "echo: hi 2"]
    assert clock.sleeps == [pytest.approx(30.0)]  # 60 / rpm
    impatient = {**kwargs, "rate_limit": {"rpm": 2, "max_wait": 10}}
    with llm_core.Client("ollama", **impatient) as c, pytest.raises(e.RateLimitedError) as info:
        c.generate("again")  # the same budget, 30 s away: past this client's max_wait
    assert info.value.retry_after == pytest.approx(30.0) and len(clock.sleeps) == 1
    assert ollama.count("/api/chat") == 3


def test_without_limits_no_layer_is_added(ollama, tmp_path) -> None:
    with llm_core.Client("ollama", base_url=ollama.url, model=MODEL) as client:
        assert "RateLimit" not in repr(client.adapter)
    with llm_core.Client("ollama", **limited(ollama, tmp_path, rpm=5)) as client:
        assert "RateLimitAdapter(CooldownAdapter(" in repr(client.adapter)


def test_embedding_batches_are_charged_too(ollama, tmp_path) -> None:
    kwargs = limited(ollama, tmp_path, rpm=2, tpm=1000) | {"model": "nomic-embed-text"}
    with llm_core.Client("ollama", **kwargs) as client:
        done = [client.embed([f"text {i}", "more"]) for i in range(2)]
        with pytest.raises(e.RateLimitedError) as info:
            client.embed(["one too many"])
    assert [len(r) for r in done] == [2, 2] and ollama.count("/api/embed") == 2
    assert info.value.limit == "rpm"
