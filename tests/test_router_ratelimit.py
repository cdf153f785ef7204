"""A router's per-deployment budgets over Ollama emulators on real sockets, in every mode: a
deployment with ``rpm = N`` gets N requests and the rest go to the other one (or, with every
budget spent, ``NoCapacityError``); ``tpm`` is charged an estimate and corrected by the real
usage, both ways. Counts only, never timings."""

from __future__ import annotations

import pytest
from support.rate_limits import MODES, outcomes
from support.routing import MODEL, chats, deployments, emulators

import llm_core
from llm_core.router import NoCapacityError


def routed(servers, budgets: list[dict], tmp_path, **router) -> dict:
    """Router kwargs: one deployment per server, each with its budget keys, on a memory store
    of this test only."""
    items = [d | b for d, b in zip(deployments(servers), budgets, strict=True)]
    return {
        "model": MODEL,
        "router": {"deployments": items, **router},
        "state": {"prefix": f"{tmp_path.name}:"},
    }


@pytest.mark.parametrize("mode", MODES)
def test_a_deployment_gets_its_rpm_and_the_rest_goes_to_the_other(tmp_path, mode) -> None:
    with emulators(0, 0) as servers:
        results = outcomes(mode, "router", 10, routed(servers, [{"rpm": 3}, {}], tmp_path))
        served = [chats(s) for s in servers]
    assert all(isinstance(r, llm_core.Response) for r in results), results
    assert served == [3, 7]
    assert [r.attempts[-1].deployment for r in results].count("d0") == 3


@pytest.mark.parametrize("mode", MODES)
def test_every_budget_spent_is_no_capacity(tmp_path, mode) -> None:
    with emulators(0, 0) as servers:
        kwargs = routed(servers, [{"rpm": 2}, {"rpm": 1}], tmp_path, queue_timeout=0)
        results = outcomes(mode, "router", 5, kwargs)
        served = [chats(s) for s in servers]
    assert served == [2, 1]
    assert [type(r) for r in results[3:]] == [NoCapacityError] * 2
    assert "rpm or tpm" in results[3].hint


@pytest.mark.parametrize("mode", MODES)
def test_tpm_refunds_what_a_request_did_not_use(tmp_path, mode) -> None:
    # estimated 1 + 50 = 51 tokens each, about 5 used: d0 (tpm 120) serves every turn it gets,
    # where the estimate alone would have refused its third
    with emulators(0, 0) as servers:
        kwargs = routed(servers, [{"tpm": 120}, {}], tmp_path)
        results = outcomes(mode, "router", 10, kwargs, max_tokens=50)
        served = [chats(s) for s in servers]
    assert all(isinstance(r, llm_core.Response) for r in results), results
    assert served == [5, 5]


@pytest.mark.parametrize("mode", MODES)
def test_tpm_charges_what_the_estimate_missed(tmp_path, mode) -> None:
    # 52 estimated, 103 used (see test_ratelimit_layer.py): tpm 300 holds 3 such requests
    # (300 -> 197 -> 94 -> -9), then d0's turns go to d1
    with emulators(0, 0) as servers:
        kwargs = routed(servers, [{"tpm": 300}, {}], tmp_path)
        prompt = lambda i: "a " * 100 + str(i)  # noqa: E731 - a new prompt each time
        results = outcomes(mode, "router", 10, kwargs, prompt, max_tokens=1)
        served = [chats(s) for s in servers]
    assert all(isinstance(r, llm_core.Response) for r in results), results
    assert served == [3, 7]
    by_d0 = [r for r in results if r.attempts[-1].deployment == "d0"]
    assert sum(r.usage.prompt_tokens + r.usage.completion_tokens for r in by_d0) == 3 * 103


def test_deployments_without_budgets_of_their_own_take_rate_limit(tmp_path) -> None:
    with emulators(0, 0, 0) as servers:
        kwargs = routed(servers, [{}, {"rpm": None}, {"rpm": 1}], tmp_path)
        results = outcomes("sync", "router", 9, kwargs | {"rate_limit": {"rpm": 2}})
        served = [chats(s) for s in servers]
    assert all(isinstance(r, llm_core.Response) for r in results), results
    assert served == [2, 6, 1]  # rate_limit's 2, no limit ("rpm": None), its own 1
