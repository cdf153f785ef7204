"""The fallback chain and the cooldown breaker through the clients, on scripted providers."""

from __future__ import annotations

import pytest
from support.resilience import MODES, ask, down, e, resilience_env, script

import llm_core
from llm_core.resilience.cooldown import CooldownError

B = {"provider": "scripted", "base_url": "http://b"}
C = {"provider": "scripted", "base_url": "http://c", "model": "c-model"}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


@pytest.mark.parametrize("mode", MODES)
def test_the_next_provider_answers_once_retries_are_exhausted(env, mode: str) -> None:
    a, b = script("a", *down()), script("b", "from b")
    response = ask(mode, client_kwargs={"fallbacks": [B]})
    assert response.content == "from b"
    assert (len(a.calls), len(b.calls)) == (3, 1)
    assert [(f.provider, f.error_type) for f in response.fallbacks] == [
        ("scripted", "ConnectionError")
    ]
    assert [(x.provider, x.number) for x in response.attempts] == [
        ("scripted", 1),
        ("scripted", 2),
        ("scripted", 3),
        ("scripted", 1),
    ]
    assert env.recorder.of("fallback") == [("fallback", "scripted", "ConnectionError", "scripted")]


@pytest.mark.parametrize("mode", MODES)
def test_an_exhausted_chain_lists_every_provider_tried(env, mode: str) -> None:
    script("a", *down())
    script("b", e.ModelNotFoundError("no such model", status_code=404))
    script("c", *[e.ServerError("boom", status_code=500) for _ in range(3)])
    with pytest.raises(llm_core.FallbackExhaustedError) as info:
        ask(mode, client_kwargs={"fallbacks": [B, C]})
    err = info.value
    assert [(name, type(x).__name__) for name, x in err.failures] == [
        ("scripted", "ConnectionError"),
        ("scripted", "ModelNotFoundError"),
        ("scripted:c-model", "ServerError"),
    ]
    assert "all 3 providers failed" in str(err)
    assert len(err.attempts) == 3 + 1 + 3
    assert isinstance(err.__cause__, e.ServerError)


@pytest.mark.parametrize("mode", MODES)
def test_a_link_with_its_own_model_runs_the_request_on_it(env, mode: str) -> None:
    script("a", *down())
    script("c", "from c")
    response = ask(mode, client_kwargs={"model": "a-model", "fallbacks": [C]})
    assert (response.content, response.model) == ("from c", "c-model")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "error",
    [e.ValidationError("bad", status_code=422), e.AuthenticationError("no key", status_code=401)],
)
def test_the_requests_own_faults_do_not_fall_back(env, mode: str, error: Exception) -> None:
    a, b = script("a", error), script("b", "from b")
    with pytest.raises(type(error)):
        ask(mode, client_kwargs={"fallbacks": [B]})
    assert (len(a.calls), b.calls) == (1, [])


@pytest.mark.parametrize("mode", MODES)
def test_auth_errors_fall_back_when_configured(env, mode: str) -> None:
    script("a", e.AuthenticationError("no key", status_code=401))
    script("b", "from b")
    kwargs = {"fallbacks": [B], "fallback_on_auth_errors": True}
    assert ask(mode, client_kwargs=kwargs).content == "from b"


@pytest.mark.parametrize("mode", MODES)
def test_the_total_deadline_stops_the_whole_chain(env, mode: str) -> None:
    script("a", *down())
    b = script("b", "from b")
    kwargs = {"fallbacks": [B], "timeouts": {"total": 0.1}}
    with pytest.raises(e.TimeoutError) as info:
        ask(mode, client_kwargs=kwargs)
    assert (info.value.phase, b.calls) == ("deadline", [])


@pytest.mark.parametrize("mode", MODES)
def test_a_cooling_down_provider_is_skipped_then_probed(env, mode: str) -> None:
    kwargs = {
        "retry": {"max_attempts": 1},
        "cooldown": {"failures": 2, "window": 60, "cooldown": 30},
    }
    a = script("a", *down(2))
    for _ in range(2):
        with pytest.raises(e.ConnectionError):
            ask(mode, client_kwargs=kwargs)
    with pytest.raises(CooldownError) as info:
        ask(mode, client_kwargs=kwargs)
    assert len(a.calls) == 2  # the third call never reached the provider
    assert info.value.retry_in == pytest.approx(30.0)
    assert "failed 2 times within 60 s" in str(info.value)
    env.clock.advance(30)
    assert ask(mode, client_kwargs=kwargs).content == "ok"  # the half-open probe
    assert ask(mode, client_kwargs=kwargs).content == "ok"  # closed again
    assert len(a.calls) == 4


@pytest.mark.parametrize("mode", MODES)
def test_the_chain_skips_a_cooling_down_provider(env, mode: str) -> None:
    kwargs = {"retry": {"max_attempts": 1}, "cooldown": {"failures": 1}, "fallbacks": [B]}
    a = script("a", *down(1))
    script("b", "b1", "b2")
    assert ask(mode, client_kwargs=kwargs).content == "b1"
    response = ask(mode, client_kwargs=kwargs)
    assert response.content == "b2"
    assert len(a.calls) == 1
    assert [f.error_type for f in response.fallbacks] == ["CooldownError"]


def test_health_shows_the_cooldown_state_of_every_link(env) -> None:
    kwargs = {"retry": {"max_attempts": 1}, "cooldown": {"failures": 1}, "fallbacks": [B]}
    script("a", *down(1))
    script("b", "b1")
    with llm_core.Client("scripted", base_url="http://a", **kwargs) as client:
        client.generate("hi")
        health = client.health_check()
    assert health.extra["cooldown"]["state"] == "open"
    assert health.extra["cooldown"]["retry_in"] == pytest.approx(30.0)
    assert health.extra["fallbacks"] == [
        {"provider": "scripted", "cooldown": {"state": "closed", "failures": 0, "retry_in": 0.0}}
    ]


def test_cooldown_zero_disables_the_breaker(env) -> None:
    kwargs = {"retry": {"max_attempts": 1}, "cooldown": {"failures": 1, "cooldown": 0}}
    a = script("a", *down(3))
    for _ in range(3):
        with pytest.raises(e.ConnectionError):
            ask("sync", client_kwargs=kwargs)
    assert len(a.calls) == 3
