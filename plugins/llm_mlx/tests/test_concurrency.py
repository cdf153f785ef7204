"""Many threads and tasks at once: every call runs on the one MLX worker, none crash or mix."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("mlx_vlm", reason="mlx-vlm runs the model (pip install 'mlx-vlm[cpu]')")

import mlx_vlm

from llm_core import AsyncClient, Client

pytestmark = pytest.mark.engine
PROMPTS = [f"Prompt number {i}: describe item {i * 7}." for i in range(6)]


@pytest.fixture
def mlx_threads(monkeypatch) -> list[str]:
    """Names of the threads that ran mlx-vlm's generation (the real function, wrapped)."""
    seen: list[str] = []
    real = mlx_vlm.stream_generate

    def spy(*args, **kwargs):
        seen.append(threading.current_thread().name)
        yield from real(*args, **kwargs)

    monkeypatch.setattr(mlx_vlm, "stream_generate", spy)
    return seen


@pytest.fixture
def baselines(client) -> dict[str, str]:
    return {p: client.generate(p, max_tokens=30).content for p in PROMPTS}


def test_many_threads_share_one_client(client, baselines, mlx_threads) -> None:
    def work(i: int) -> tuple[str, str]:
        prompt = PROMPTS[i % len(PROMPTS)]
        if i % 2:
            with client.stream(prompt, max_tokens=30) as stream:
                return prompt, "".join(stream.text_chunks())
        return prompt, client.generate(prompt, max_tokens=30).content

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(24)))
    for prompt, text in results:
        assert text == baselines[prompt]  # no crash, no interleaved text
    assert len(mlx_threads) == 24  # (the spy is installed after the baselines ran)
    assert set(mlx_threads) == {"llm-core-mlx"}  # never the callers' threads


def test_separate_clients_in_separate_threads(tiny_vlm: Path, baselines) -> None:
    def work(prompt: str) -> str:
        with Client("mlx", model=str(tiny_vlm)) as own:
            return own.generate(prompt, max_tokens=30).content

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(work, PROMPTS)) == [baselines[p] for p in PROMPTS]


@pytest.mark.anyio
async def test_many_tasks_share_one_async_client(tiny_vlm: Path, baselines, mlx_threads) -> None:
    async with AsyncClient("mlx", model=str(tiny_vlm)) as client:

        async def generate(prompt: str) -> tuple[str, str]:
            return prompt, (await client.generate(prompt, max_tokens=30)).content

        async def stream(prompt: str) -> tuple[str, str]:
            parts = [c async for c in client.stream(prompt, max_tokens=30).text_chunks()]
            return prompt, "".join(parts)

        jobs = [(generate if i % 2 else stream)(PROMPTS[i % len(PROMPTS)]) for i in range(18)]
        results = await asyncio.gather(*jobs)
    for prompt, text in results:
        assert text == baselines[prompt]
    assert set(mlx_threads) == {"llm-core-mlx"}


@pytest.mark.anyio
async def test_the_event_loop_keeps_running_during_generation(tiny_vlm: Path) -> None:
    ticks = 0
    done = asyncio.Event()

    async def heartbeat() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            await asyncio.sleep(0)

    async with AsyncClient("mlx", model=str(tiny_vlm)) as client:
        await client.generate("warm up", max_tokens=2)
        beat = asyncio.create_task(heartbeat())
        response = await client.generate("A long answer, please.", max_tokens=600)
        done.set()
        await beat
    assert response.usage.completion_tokens == 600
    assert ticks > 100  # the loop ran other tasks the whole time, it was never blocked


def test_sync_and_async_callers_at_once(tiny_vlm: Path, client, baselines) -> None:
    async def async_side() -> list[str]:
        async with AsyncClient("mlx", model=str(tiny_vlm)) as aclient:
            calls = [aclient.generate(p, max_tokens=30) for p in PROMPTS]
            return [r.content for r in await asyncio.gather(*calls)]

    with ThreadPoolExecutor(max_workers=4) as pool:
        sync_side = [pool.submit(client.generate, p, max_tokens=30) for p in PROMPTS]
        async_results = asyncio.run(async_side())
        sync_results = [f.result().content for f in sync_side]
    expected = [baselines[p] for p in PROMPTS]
    assert async_results == expected
    assert sync_results == expected
