"""The retry wrapper through Client and AsyncClient, generate and stream, on a scripted
in-process provider with fake time: attempts, waits, observation, deadline, stream rules."""

from __future__ import annotations

import anyio
import pytest
from support.resilience import MODES, Step, ask, e, resilience_env, script

import llm_core


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


@pytest.mark.parametrize("mode", MODES)
def test_transient_failures_are_retried_with_backoff_and_recorded(env, mode: str) -> None:
    s = script("a", e.ServerError("busy", status_code=503), e.ConnectionError("reset"), "fine")
    response = ask(mode)
    assert response.content == "fine"
    assert len(s.calls) == 3
    assert env.clock.sleeps == [0.25, 0.5]  # base 0.25 doubling; the random source says 1.0
    trail = [(a.number, a.error_type, a.wait) for a in response.attempts]
    assert trail == [(1, "ServerError", 0.25), (2, "ConnectionError", 0.5), (3, None, 0.0)]
    rec = env.recorder
    assert [ev[2] for ev in rec.of("request")] == [1, 2, 3]
    assert rec.of("retry") == [
        ("retry", "scripted", 1, "ServerError", 0.25),
        ("retry", "scripted", 2, "ConnectionError", 0.5),
    ]
    assert [ev[2] for ev in rec.of("error")] == ["ServerError", "ConnectionError"]
    assert rec.of("response") == [("response", "scripted", "fine")]


@pytest.mark.parametrize("mode", MODES)
def test_a_permanent_failure_is_raised_after_one_attempt(env, mode: str) -> None:
    s = script("a", e.ValidationError("bad request", status_code=400))
    with pytest.raises(e.ValidationError) as info:
        ask(mode)
    assert len(s.calls) == 1
    assert env.clock.sleeps == []
    assert [a.error_type for a in info.value.attempts] == ["ValidationError"]


@pytest.mark.parametrize("mode", MODES)
def test_exhausted_retries_raise_the_last_error_with_the_trail(env, mode: str) -> None:
    s = script("a", *[e.ServerError(f"down {i}", status_code=500) for i in range(5)])
    with pytest.raises(e.ServerError, match="down 2") as info:
        ask(mode, client_kwargs={"retry": {"max_attempts": 3}})
    assert len(s.calls) == 3
    assert [a.number for a in info.value.attempts] == [1, 2, 3]


@pytest.mark.parametrize("mode", MODES)
def test_a_long_retry_after_is_raised_at_once(env, mode: str) -> None:
    s = script("a", e.RateLimitError("slow down", status_code=429, retry_after=90.0))
    with pytest.raises(e.RateLimitError) as info:
        ask(mode, client_kwargs={"retry": {"max_retry_after": 30}})
    assert (len(s.calls), env.clock.sleeps, info.value.retry_after) == (1, [], 90.0)


@pytest.mark.parametrize("mode", MODES)
def test_a_short_retry_after_is_waited_exactly(env, mode: str) -> None:
    script("a", e.RateLimitError("slow down", status_code=429, retry_after=2.5), "ok")
    assert ask(mode).content == "ok"
    assert env.clock.sleeps == [2.5]


@pytest.mark.parametrize("mode", MODES)
def test_no_retry_sleeps_past_the_total_deadline(env, mode: str) -> None:
    s = script("a", *[e.ConnectionError("refused") for _ in range(3)])
    kwargs = {"timeouts": {"total": 1.0}, "retry": {"backoff_base": 2.0}}
    with pytest.raises(e.TimeoutError) as info:
        ask(mode, client_kwargs=kwargs)
    assert info.value.phase == "deadline"
    assert isinstance(info.value.__cause__, e.ConnectionError)
    assert (len(s.calls), env.clock.sleeps) == (1, [])


@pytest.mark.parametrize("mode", MODES)
def test_read_timeouts_are_not_retried_unless_configured(env, mode: str) -> None:
    script("a", e.TimeoutError("slow", phase="read"), "late")
    with pytest.raises(e.TimeoutError):
        ask(mode)
    s = script("a", e.TimeoutError("slow", phase="read"), "late")
    assert ask(mode, client_kwargs={"retry": {"retry_read_timeouts": True}}).content == "late"
    assert len(s.calls) == 2


@pytest.mark.parametrize("mode", ["stream", "astream"])
def test_a_stream_that_fails_before_its_first_event_is_retried(env, mode: str) -> None:
    s = script("a", Step("never seen", e.ConnectionError("dropped"), after=0), "one two")
    response = ask(mode)
    assert (response.content, len(s.calls)) == ("one two", 2)


@pytest.mark.parametrize("mode", ["stream", "astream"])
def test_a_stream_that_fails_after_an_event_raises_generation_error_with_the_text(
    env, mode: str
) -> None:
    a = script("a", Step("one two three", e.ConnectionError("dropped"), after=2), "again")
    b = script("b", "fallback answer")
    kwargs = {"fallbacks": [{"provider": "scripted", "base_url": "http://b"}]}
    with pytest.raises(e.GenerationError) as info:
        ask(mode, client_kwargs=kwargs)
    assert info.value.partial_text == "one two"
    assert isinstance(info.value.__cause__, e.ConnectionError)
    assert (len(a.calls), b.calls) == (1, [])  # neither retried nor fallen back


def test_the_events_a_caller_sees_are_exactly_the_providers(env) -> None:
    script("a", Step(error=e.ServerError("x", status_code=500)), "alpha beta gamma")
    with llm_core.Client("scripted", base_url="http://a") as client:
        stream = client.stream("hi")
        texts = [ev.text for ev in stream if not ev.done]
    assert texts == ["alpha", " beta", " gamma"]
    assert stream.response.attempts[0].error_type == "ServerError"


def test_closing_a_stream_early_closes_the_providers_stream(env) -> None:
    script("a", "a b c d e f")
    with llm_core.Client("scripted", base_url="http://a") as client, client.stream("hi") as s:
        first = next(iter(s))
    assert first.text == "a"


def test_list_models_is_retried(env) -> None:
    s = script("a")
    s.models_error = e.ConnectionError("refused")
    with llm_core.Client("scripted", base_url="http://a", cache={"models_ttl": 0}) as client:
        with pytest.raises(e.ConnectionError):
            client.list_models()
        assert s.calls == ["models"] * 3
        s.models_error = None
        assert [m.id for m in client.list_models()] == ["m"]


def test_async_cancellation_is_not_retried(env) -> None:
    async def main() -> None:
        script("a", "ok")
        async with llm_core.AsyncClient("scripted", base_url="http://a") as client:
            with anyio.CancelScope() as scope:
                scope.cancel()
                await client.generate("hi")
            assert scope.cancelled_caught

    anyio.run(main)
    assert env.clock.sleeps == []
