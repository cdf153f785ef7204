"""The router over Ollama emulators on real sockets: concurrency limits with a queue timeout,
the latency strategy avoiding a 5x slower deployment, least-in-flight keeping the spread."""

from __future__ import annotations

import json
import threading

import anyio
import pytest
from support.routing import MODEL, chats, deployments, emulators

import llm_core
from llm_core import errors as e
from llm_core.cli import main
from llm_core.router import NoCapacityError


def routed(servers, **router) -> dict:
    return {"model": MODEL, "router": {"deployments": deployments(servers), **router}}


@pytest.mark.parametrize(("queue_timeout", "served"), [(0.05, 2), (5.0, 3)])
def test_limits_queue_then_fail_with_no_capacity(queue_timeout, served) -> None:
    with emulators(0.3, 0.3) as servers:
        router = {"deployments": deployments(servers, max_in_flight=1)}
        kwargs = {"model": MODEL, "router": {**router, "queue_timeout": queue_timeout}}
        results: list = []
        with llm_core.Client("router", **kwargs) as client:

            def one() -> None:
                try:
                    results.append(client.generate("hi").content)
                except NoCapacityError as exc:
                    results.append(exc)

            threads = [threading.Thread(target=one) for _ in range(3)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(10)
        assert len(results) == 3 and sum(isinstance(r, str) for r in results) == served
        assert max(chats(s) for s in servers) <= 2  # never two at once on one deployment
    if served == 2:
        error = next(r for r in results if isinstance(r, NoCapacityError))
        assert isinstance(error, e.RateLimitError) and "max_in_flight" in (error.hint or "")


def test_lowest_latency_sends_a_5x_slower_deployment_at_most_10_percent() -> None:
    with emulators(0.004, 0.004, 0.02) as servers:
        kwargs = routed(servers, strategy="lowest_latency")
        with llm_core.Client("router", **kwargs) as client:
            for _ in range(10):  # warm-up: every deployment measured
                client.generate("hi")
            before = [chats(s) for s in servers]
            for _ in range(80):
                client.generate("hi")
        shares = [chats(s) - b for s, b in zip(servers, before, strict=True)]
    assert sum(shares) == 80
    assert shares[2] / 80 <= 0.10, shares


def test_least_in_flight_keeps_the_spread_within_one_under_load() -> None:
    with emulators(0.01, 0.01, 0.03) as servers:
        kwargs = routed(servers, strategy="least_in_flight")
        spreads: list[int] = []

        async def main() -> None:
            async with llm_core.AsyncClient("router", **kwargs) as client:
                router = _router(client.adapter)
                started = router.policy.started

                def watched(i: int) -> None:
                    started(i)
                    loads = [s.in_flight for s in router.policy.stats]
                    if sum(loads) == 9:  # under full load (not while the workers wind down)
                        spreads.append(max(loads) - min(loads))

                router.policy.started = watched

                async def worker() -> None:
                    for _ in range(8):
                        await client.generate("hi")

                async with anyio.create_task_group() as tg:
                    for _ in range(9):
                        tg.start_soon(worker)
                assert [s.in_flight for s in router.policy.stats] == [0, 0, 0]

        anyio.run(main)
        served = [chats(s) for s in servers]
    assert sum(served) == 72 and len(spreads) > 36
    assert max(spreads) <= 1, [(n, s) for n, s in enumerate(spreads) if s > 1]
    assert served[2] < served[0]  # the slower one holds its requests longer, so gets fewer


def _router(adapter):
    while type(adapter).__name__ not in ("RouterAdapter", "AsyncRouterAdapter"):
        adapter = adapter.__dict__["inner"]
    return adapter


def test_cli_health_shows_each_deployment(capsys, monkeypatch, tmp_path) -> None:
    with emulators(0, 0) as servers:
        servers[1].stop()
        monkeypatch.setenv("LLM_CORE_ROUTER__DEPLOYMENTS", json.dumps(deployments(servers)))
        monkeypatch.setenv("LLM_CORE_STATE__URL", f"sqlite:///{tmp_path / 'state.db'}")
        monkeypatch.setenv("LLM_CORE_STATE__SYNC_INTERVAL", "0")
        with llm_core.Client("router", model=MODEL) as client:
            for _ in range(3):  # d0 measured and written to the shared store
                client.generate("hi")
        code = main(["health", "-p", "router", "-m", MODEL])
    out = capsys.readouterr().out
    assert code == 0  # one deployment up is enough
    lines = out.splitlines()
    assert lines[0].startswith("router: ok") and "1/2 deployments up" in lines[0]
    assert lines[1].split() == ["DEPLOYMENT", "PROVIDER", "STATE", "IN", "FLIGHT", "LATENCY", "URL"]
    d0, d1 = lines[2].split(), lines[3].split()
    assert d0[:4] == ["d0", "ollama", "up", "0"] and d0[5:7] == ["ms", "(EWMA)"]
    assert d1[:4] == ["d1", "ollama", "down", "0"] and d1[4] == servers[1].url
