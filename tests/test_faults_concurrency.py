"""Many callers at once through retry + fallback + cache with faults injected on real sockets:
200 concurrent async requests, and 16 threads sharing one Client and its caches."""

from __future__ import annotations

import threading
import time

import anyio
import pytest
from support.fault_table import CHAT
from support.faults import Fault
from support.openai_fake import OpenAIFake
from support.resilience import install_no_wait, open_sockets

import llm_core
from llm_core.resilience.cooldown import CooldownError

DOCUMENTED = (llm_core.FallbackExhaustedError, CooldownError)


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch):
    return install_no_wait(monkeypatch)


@pytest.fixture
def fallback_fake():
    with OpenAIFake() as fake:
        yield fake


def settle(baseline: int, fakes: list[OpenAIFake]) -> int:
    """Open sockets once the servers have seen the client's connections close (their threads
    close their ends a moment after the client's FIN)."""
    for _ in range(500):
        if all(f.open_connections() == 0 for f in fakes) and open_sockets() <= baseline:
            break
        time.sleep(0.01)
    return open_sockets()


def inject(primary: OpenAIFake, fallback: OpenAIFake, fallback_faults: int) -> None:
    """More primary faults (420) than two waves of attempts: some callers exhaust their three
    attempts and fall back, the others get through on a retry."""
    for fault, times in (
        (Fault.error(500), 300),
        (Fault.reset(), 60),
        (Fault.rate_limited(1), 40),
        (Fault.drop_mid_stream(after=1), 20),
    ):
        primary.faults.push(fault, times=times, path=CHAT)
    if fallback_faults:
        fallback.faults.push(Fault.error(503), times=fallback_faults, path=CHAT)


def expected(i: int) -> tuple[str, dict]:
    """Request i: a quarter are the same deterministic request (cache and single-flight)."""
    if i % 4 == 0:
        return "same", {"temperature": 0}
    return f"q{i}", {}


def check(results: list, n: int) -> list:
    assert len(results) == n
    answers = [r for r in results if isinstance(r[1], llm_core.Response)]
    for i, r in answers:
        assert r.content == "echo: " + expected(i)[0]
    errors = [r for _, r in results if not isinstance(r, llm_core.Response)]
    assert all(isinstance(err, DOCUMENTED) for err in errors), errors
    same = [r for i, r in answers if expected(i)[0] == "same"]
    assert sum(not r.cached for r in same) <= 1  # once it succeeded, the cache answers it
    return [r for _, r in answers]


def test_200_concurrent_async_requests_with_faults(openai_fake, fallback_fake, fake_time):
    inject(openai_fake, fallback_fake, fallback_faults=10)
    baseline = open_sockets()
    results: list = []
    after: list[llm_core.Response] = []

    async def one(client: llm_core.AsyncClient, i: int) -> None:
        prompt, fields = expected(i)
        try:
            if i % 2:
                results.append((i, await client.stream(prompt, **fields).until_done()))
            else:
                results.append((i, await client.generate(prompt, **fields)))
        except llm_core.LLMError as exc:
            results.append((i, exc))

    async def main() -> None:
        async with llm_core.AsyncClient(
            "openai",
            base_url=openai_fake.url,
            cache={"responses": True},
            fallbacks=[{"provider": "openai", "base_url": fallback_fake.url}],
            timeouts={"connect": 5, "read": 10, "total": 60},
        ) as client:
            with anyio.fail_after(120):  # a hang fails the test instead of blocking the suite
                async with anyio.create_task_group() as tg:
                    for i in range(200):
                        tg.start_soon(one, client, i)
            openai_fake.faults.clear()
            await client.generate("same", temperature=0)  # the storm is over: one more call
            after.append(await client.generate("same", temperature=0))

    anyio.run(main)
    answers = check(results, 200)
    assert any(len(r.attempts) > 1 for r in answers)  # the faults really happened ...
    assert any(r.fallbacks for r in answers)  # ... some went to the fallback ...
    assert after[0].cached  # ... and the cache works once the storm is over
    assert settle(baseline, [openai_fake, fallback_fake]) == baseline


def test_16_threads_share_one_client_and_its_caches(openai_fake, fallback_fake, fake_time):
    inject(openai_fake, fallback_fake, fallback_faults=0)  # every request can be answered
    baseline = open_sockets()
    barrier, results, model_lists = threading.Barrier(16), [], []
    lock = threading.Lock()
    client = llm_core.Client(
        "openai",
        base_url=openai_fake.url,
        cache={"responses": True},
        fallbacks=[{"provider": "openai", "base_url": fallback_fake.url}],
        timeouts={"connect": 5, "read": 10, "total": 60},
    )

    def worker(t: int) -> None:
        barrier.wait()
        models = client.list_models()  # all 16 at once on a cold cache
        with lock:
            model_lists.append([m.id for m in models])
        for k in range(12):
            i = t * 12 + k
            prompt, fields = expected(i)
            try:
                if i % 2:
                    result = client.stream(prompt, **fields).until_done()
                else:
                    result = client.generate(prompt, **fields)
            except llm_core.LLMError as exc:
                result = exc
            with lock:
                results.append((i, result))

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    client.close()
    assert openai_fake.count("/v1/models") == 1  # one fetch for 16 cold callers
    assert model_lists == [["fake-model"]] * 16
    answers = check(results, 16 * 12)
    assert len(answers) == 16 * 12
    assert sum(r.cached for r in answers) >= 16 * 3 - 1  # "same" was fetched once
    assert settle(baseline, [openai_fake, fallback_fake]) == baseline
