"""The router over scripted deployments, in every mode: routing, failing over (streams only
before their first event), the attempt trail naming deployments, a fallback after the router,
cooldowns, health and model lists. Real sockets, limits, several processes:
test_router_sockets.py."""

from __future__ import annotations

import anyio
import pytest
from support.resilience import MODES, ask, down, e, resilience_env, script
from support.scripted import SCRIPTS, Step

import llm_core
from llm_core.router import DeploymentsExhaustedError


def deployments(*names: str, **extra) -> list[dict]:
    return [{"provider": "scripted", "base_url": f"http://{n}", **extra} for n in names]


def router(*names: str, **settings) -> dict:
    return {
        "router": {"deployments": deployments(*names), **settings.pop("router", {})},
        **settings,
    }


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


def calls(name: str) -> int:
    return len(SCRIPTS[name].calls) if name in SCRIPTS else 0


def ask_many(mode: str, n: int, kwargs: dict) -> list:
    """``n`` requests through one Client / AsyncClient in ``mode``."""
    if mode in ("sync", "stream"):
        with llm_core.Client("router", **kwargs) as client:
            if mode == "sync":
                return [client.generate("hi") for _ in range(n)]
            return [client.stream("hi").until_done() for _ in range(n)]

    async def main() -> list:
        async with llm_core.AsyncClient("router", **kwargs) as client:
            if mode == "async":
                return [await client.generate("hi") for _ in range(n)]
            return [await client.stream("hi").until_done() for _ in range(n)]

    return anyio.run(main)


@pytest.mark.parametrize("mode", MODES)
def test_round_robin_spreads_requests_and_names_the_deployment(env, mode) -> None:
    for n in "abc":
        script(n, f"from {n}")
    answers = ask_many(mode, 3, router("a", "b", "c"))
    assert [r.content for r in answers] == ["from a", "from b", "from c"]
    assert [r.attempts[0].label for r in answers] == ["scripted@a", "scripted@b", "scripted@c"]
    assert [r.provider for r in answers] == ["scripted"] * 3


@pytest.mark.parametrize("mode", MODES)
def test_a_failing_deployment_moves_the_request_on(env, mode) -> None:
    script("a", *down(1))
    script("b", "from b")
    response = ask(mode, client_kwargs=router("a", "b"), provider="router")
    assert response.content == "from b"
    assert [a.label for a in response.attempts] == ["scripted@a", "scripted@b"]
    assert [(f.label, f.error_type) for f in response.fallbacks] == [
        ("scripted@a", "ConnectionError")
    ]
    assert ("fallback", "scripted@a", "ConnectionError", "scripted@b") in env.recorder.events


@pytest.mark.parametrize("mode", MODES)
def test_every_deployment_failing_lists_each_and_a_fallback_link_serves(env, mode) -> None:
    script("a", *down(1))
    script("b", *down(1))
    with pytest.raises(DeploymentsExhaustedError) as info:
        ask(mode, client_kwargs=router("a", "b"), provider="router")
    assert [name for name, _ in info.value.failures] == ["scripted@a", "scripted@b"]
    assert isinstance(info.value, e.ProviderError)  # so a fallback chain moves on
    script("a", *down(1))
    script("b", *down(1))
    script("z", "from the fallback")
    kwargs = router("a", "b", fallbacks=[{"provider": "scripted", "base_url": "http://z"}])
    assert ask(mode, client_kwargs=kwargs, provider="router").content == "from the fallback"


@pytest.mark.parametrize("mode", ["stream", "astream"])
def test_a_stream_moves_on_only_before_its_first_event(env, mode) -> None:
    script("a", Step(error=e.ConnectionError("refused")))
    script("b", "two words")
    assert ask(mode, client_kwargs=router("a", "b"), provider="router").content == "two words"
    script("a", Step("one two three", error=e.ServerError("broke"), after=1))
    script("b", "unused")
    with pytest.raises(e.GenerationError) as info:
        ask(mode, client_kwargs=router("a", "b"), provider="router")
    assert info.value.partial_text == "one" and calls("b") == 0  # text had reached the caller


def test_a_bad_request_is_not_sent_to_the_next_deployment(env) -> None:
    script("a", Step(error=e.ValidationError("bad image")))
    with pytest.raises(e.ValidationError):
        ask("sync", client_kwargs=router("a", "b"), provider="router")
    assert calls("b") == 0


def test_a_cooling_deployment_goes_last(env) -> None:
    script("a", *down(3), "a is back")
    script("b", *["from b"] * 6)
    kwargs = router("a", "b", cooldown={"failures": 2, "cooldown": 30})
    with llm_core.Client("router", **kwargs) as client:
        served = [client.generate("hi").attempts[-1].deployment for _ in range(6)]
    assert served == ["b"] * 6
    assert calls("a") == 2  # after two failures a cools down and is not asked again


def test_health_shows_each_deployment(env) -> None:
    script("a", "ok")
    with llm_core.Client("router", **router("a", "b")) as client:
        client.generate("hi")
        health = client.health_check()
    rows = health.extra["deployments"]
    assert [(r["name"], r["state"], r["in_flight"]) for r in rows] == [
        ("a", "up", 0),
        ("b", "up", 0),
    ]
    assert rows[0]["latency_ms"] is not None and rows[1]["latency_ms"] is None
    assert health.ok and health.provider == "router"


def test_models_come_from_the_first_deployment_that_answers(env) -> None:
    script("a").models_error = e.ConnectionError("refused")
    script("b")
    with llm_core.Client("router", **router("a", "b")) as client:
        assert [m.id for m in client.list_models()] == ["m"]
    assert calls("a") == calls("b") == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_failing_state_store_never_fails_a_request(env, mode, tmp_path, monkeypatch) -> None:
    from llm_core.resilience.state import SQLiteState, StateStoreWarning

    def broken(self, *args):
        raise OSError("disk gone")

    for name in ("acquire", "release", "counts", "set", "get"):
        monkeypatch.setattr(SQLiteState, name, broken)
    script("a", "from a")
    script("b", "from b")
    kwargs = router("a", "b", state={"url": f"sqlite:///{tmp_path / 's.db'}", "sync_interval": 0})
    kwargs["router"]["deployments"][0]["max_in_flight"] = 1
    with pytest.warns(StateStoreWarning, match="disk gone"):
        answers = ask_many(mode, 2, kwargs)
    assert [r.content for r in answers] == ["from a", "from b"]
