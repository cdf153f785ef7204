"""The cooldown breaker with a fake clock: opening, half-open single probe, thread safety."""

from __future__ import annotations

import threading

import pytest
from support.fake_clock import FakeClock

from llm_core import errors as e
from llm_core.config import CooldownSettings
from llm_core.resilience.cooldown import CooldownError, CooldownRegistry, counts_as_failure

S = CooldownSettings(failures=3, window=60.0, cooldown=30.0)
FAIL = e.ConnectionError("refused")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(start=0.0)


@pytest.fixture
def reg(clock: FakeClock) -> CooldownRegistry:
    return CooldownRegistry(clock=clock.now)


def fail(reg: CooldownRegistry, n: int = 1, key: str = "p") -> None:
    for _ in range(n):
        adm = reg.admit(key, S)
        assert adm.allowed
        reg.record(key, S, adm, FAIL)


def test_a_healthy_provider_keeps_no_state(reg: CooldownRegistry) -> None:
    adm = reg.admit("p", S)
    reg.record("p", S, adm, None)
    assert reg.keys() == []
    assert reg.state("p", S) == {"state": "closed", "failures": 0, "retry_in": 0.0}


def test_n_failures_within_the_window_open_the_breaker(
    reg: CooldownRegistry, clock: FakeClock
) -> None:
    fail(reg, 2)
    assert reg.state("p", S)["state"] == "closed"
    fail(reg, 1)
    assert reg.state("p", S) == {"state": "open", "failures": 3, "retry_in": 30.0}
    clock.advance(10)
    adm = reg.admit("p", S)
    assert not adm.allowed
    assert adm.retry_in == pytest.approx(20.0)


def test_failures_outside_the_window_do_not_add_up(reg: CooldownRegistry, clock: FakeClock) -> None:
    fail(reg, 2)
    clock.advance(61)
    fail(reg, 2)
    assert reg.state("p", S) == {"state": "closed", "failures": 2, "retry_in": 0.0}


def test_a_success_clears_the_count(reg: CooldownRegistry) -> None:
    fail(reg, 2)
    reg.record("p", S, reg.admit("p", S), None)
    fail(reg, 2)
    assert reg.state("p", S)["state"] == "closed"


def test_errors_that_mean_the_provider_answered_do_not_count(reg: CooldownRegistry) -> None:
    for err in (
        e.ValidationError("400"),
        e.AuthenticationError("401"),
        e.ModelNotFoundError("404"),
        e.TimeoutError("t", phase="deadline"),
    ):
        assert not counts_as_failure(err)
        reg.record("p", S, reg.admit("p", S), err)
    assert reg.state("p", S)["state"] == "closed"
    assert all(
        counts_as_failure(x)
        for x in (
            FAIL,
            e.TimeoutError("t", phase="read"),
            e.ServerError("500"),
            e.RateLimitError("429"),
            e.InvalidResponseError("html"),
            e.GenerationError("cut"),
        )
    )
    assert not counts_as_failure(CooldownError("skipped", retry_in=1.0))


def test_after_the_cooldown_exactly_one_probe_goes_through(
    reg: CooldownRegistry, clock: FakeClock
) -> None:
    fail(reg, 3)
    clock.advance(30)
    assert reg.state("p", S)["state"] == "half_open"
    probe = reg.admit("p", S)
    assert probe.allowed
    assert probe.probe
    others = [reg.admit("p", S) for _ in range(5)]
    assert not any(a.allowed for a in others)
    reg.record("p", S, probe, None)
    assert reg.state("p", S)["state"] == "closed"
    assert reg.admit("p", S).allowed


def test_a_failed_probe_opens_the_breaker_for_another_period(
    reg: CooldownRegistry, clock: FakeClock
) -> None:
    fail(reg, 3)
    clock.advance(30)
    probe = reg.admit("p", S)
    reg.record("p", S, probe, FAIL)
    assert reg.state("p", S) == {"state": "open", "failures": 3, "retry_in": 30.0}
    clock.advance(30)
    assert reg.admit("p", S).probe


def test_an_abandoned_probe_frees_the_slot_without_a_verdict(
    reg: CooldownRegistry, clock: FakeClock
) -> None:
    fail(reg, 3)
    clock.advance(30)
    probe = reg.admit("p", S)
    reg.record("p", S, probe, None, finished=False)
    assert reg.state("p", S)["state"] == "half_open"
    assert reg.admit("p", S).probe


def test_providers_are_independent_and_reset_works(reg: CooldownRegistry) -> None:
    fail(reg, 3, key="a")
    assert reg.state("a", S)["state"] == "open"
    assert reg.admit("b", S).allowed
    reg.reset("a")
    assert reg.admit("a", S).allowed
    fail(reg, 3, key="b")
    reg.reset()
    assert reg.keys() == []


def test_concurrent_probes_from_many_threads_admit_exactly_one(
    reg: CooldownRegistry, clock: FakeClock
) -> None:
    fail(reg, 3)
    clock.advance(30)
    barrier, admitted = threading.Barrier(16), []

    def worker() -> None:
        barrier.wait()
        admitted.append(reg.admit("p", S).allowed)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(admitted) == [False] * 15 + [True]


def test_concurrent_failures_count_each_one(reg: CooldownRegistry) -> None:
    big = CooldownSettings(failures=1000, window=60.0, cooldown=30.0)

    def worker() -> None:
        for _ in range(50):
            reg.record("p", big, reg.admit("p", big), FAIL)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert reg.state("p", big)["failures"] == 400


def test_refuses_says_what_admit_would_without_taking_the_probe(
    reg: CooldownRegistry, clock: FakeClock
) -> None:
    assert not reg.refuses("p", S)  # never failed
    fail(reg, 3)
    assert reg.refuses("p", S)  # open
    clock.advance(31)
    assert not reg.refuses("p", S)  # half-open, nobody probing: a call would be the probe
    assert not reg.refuses("p", S)  # asking took nothing
    probe = reg.admit("p", S)
    assert probe.probe and reg.refuses("p", S)  # its probe is in flight
    assert not reg.admit("p", S).allowed  # as admit says
    reg.record("p", S, probe, None)
    assert not reg.refuses("p", S)  # closed again
