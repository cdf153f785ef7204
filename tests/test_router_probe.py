"""A half-open deployment whose one probe is in flight is not picked: its breaker would refuse
the request unsent (a wasted pick, a CooldownError on the trail). Ollama emulators on real
sockets; the probe is a real stream held open."""

from __future__ import annotations

import anyio
import pytest
from support.routing import MODEL, chats, deployments, emulators

import llm_core
from llm_core.config import CooldownSettings
from llm_core.resilience.cooldown import COOLDOWNS

COOLDOWN = {"failures": 2, "window": 10, "cooldown": 30}


def half_open(config_key: str) -> None:
    """As if deployment ``config_key`` had failed and its cooldown had just run out."""
    COOLDOWNS.adopt(config_key, CooldownSettings(**COOLDOWN), 1e-9, 2)


@pytest.fixture
def servers():
    with emulators(0.0, 0.0) as found:
        yield found
    COOLDOWNS.reset()


def router_kwargs(servers) -> dict:
    return {"model": MODEL, "router": {"deployments": deployments(servers)}, "cooldown": COOLDOWN}


def test_a_deployment_probing_already_is_skipped_sync(servers) -> None:
    with llm_core.Client("router", **router_kwargs(servers)) as client:
        key = client.adapter.deployments[0].key
        half_open(key)
        with client.stream("probe") as probe:  # round robin: d0, the half-open one, probes
            next(iter(probe))
            assert COOLDOWNS.refuses(key, CooldownSettings(**COOLDOWN))
            answers = [client.generate("hi") for _ in range(3)]  # turns d1, d0, d1
            assert list(probe)[-1].done  # the probe answers to its end
        after = client.generate("hi")  # the probe answered: d0 is closed and in the rotation
    for response in answers:
        assert [a.deployment for a in response.attempts] == ["d1"]
        assert response.fallbacks == []  # no CooldownError attempt
    assert chats(servers[0]) == 2 and chats(servers[1]) == 3
    assert after.attempts[-1].deployment in ("d0", "d1")
    assert COOLDOWNS.state(key)["state"] == "closed"


def test_a_deployment_probing_already_is_skipped_async(servers) -> None:
    async def main() -> list:
        async with llm_core.AsyncClient("router", **router_kwargs(servers)) as client:
            half_open(client.adapter.deployments[0].key)
            async with client.stream("probe") as probe:
                await probe.__anext__()
                return [await client.generate("hi") for _ in range(3)]

    answers = anyio.run(main)
    assert [r.attempts[-1].deployment for r in answers] == ["d1"] * 3
    assert all(r.fallbacks == [] and len(r.attempts) == 1 for r in answers)
    assert chats(servers[0]) == 1  # the probe only


def test_a_probing_deployment_is_still_tried_when_nothing_else_is_healthy(servers) -> None:
    with llm_core.Client("router", **router_kwargs(servers)) as client:
        one, two = (d.key for d in client.adapter.deployments)
        half_open(one)
        COOLDOWNS.adopt(two, CooldownSettings(**COOLDOWN), 30, 2)  # d1 open for 30 s
        with client.stream("probe") as probe:
            next(iter(probe))
            with pytest.raises(llm_core.ServerError) as info:
                client.generate("hi")
    assert "deployments of the router failed" in info.value.message  # both refused: typed
    assert chats(servers[0]) == 1 and chats(servers[1]) == 0
