"""Cancellation: closing a stream or cancelling a task stops generation within a token or two,
and the worker is free for the next request at once. Deadlines stop it the same way."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

pytest.importorskip("mlx_vlm", reason="mlx-vlm runs the model (pip install 'mlx-vlm[cpu]')")

import mlx_vlm

import llm_core
from llm_core import AsyncClient, Client
from llm_core_mlx._engine import get_engine

pytestmark = pytest.mark.engine
LONG = 20_000  # far more tokens than any test waits for
_BROKE_OFF = (llm_core.TimeoutError, llm_core.GenerationError)


def _finished_run(client):
    """The record of the previous generation, once the worker has finished it."""
    client.adapter.load()  # queued behind the cancelled job: returns when that one ended
    return client.adapter.last_run


def _assert_stopped_promptly(run) -> None:
    assert run.finish_reason == "cancelled"
    assert run.cancelled_at is not None
    assert run.generated_tokens < LONG
    assert run.tokens_after_cancel <= 2, run


async def _until_generating(min_tokens: int = 3) -> None:
    while (job := get_engine().worker.current) is None or job.progress < min_tokens:
        await asyncio.sleep(0.002)


def test_closing_a_stream_stops_generation(client) -> None:
    with client.stream("Talk forever.", max_tokens=LONG) as stream:
        for i, _event in enumerate(stream):
            if i == 3:
                break
    _assert_stopped_promptly(_finished_run(client))
    after = client.generate("Next request", max_tokens=8)  # the worker is free
    assert after.usage.completion_tokens == 8


def test_dropping_an_unfinished_stream_stops_generation(client) -> None:
    stream = client.stream("Talk forever.", max_tokens=LONG)
    next(iter(stream))
    del stream
    gc.collect()  # the generator's finaliser cancels the job
    _assert_stopped_promptly(_finished_run(client))


@pytest.mark.anyio
async def test_cancelling_an_async_generate_stops_generation(tiny_vlm: Path) -> None:
    async with AsyncClient("mlx", model=str(tiny_vlm)) as client:
        task = asyncio.create_task(client.generate("Talk forever.", max_tokens=LONG))
        await _until_generating()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await client.adapter.load()
        _assert_stopped_promptly(client.adapter.last_run)
        assert (await client.generate("Next", max_tokens=4)).usage.completion_tokens == 4


@pytest.mark.anyio
async def test_leaving_an_async_stream_stops_generation(tiny_vlm: Path) -> None:
    async with AsyncClient("mlx", model=str(tiny_vlm)) as client:
        async with client.stream("Talk forever.", max_tokens=LONG) as stream:
            async for _chunk in stream.text_chunks():
                break
        await client.adapter.load()
        _assert_stopped_promptly(client.adapter.last_run)


@pytest.mark.anyio
async def test_a_request_cancelled_while_queued_never_runs(tiny_vlm: Path, monkeypatch) -> None:
    started: list[str] = []
    real = mlx_vlm.stream_generate

    def spy(model, processor, prompt, *args, **kwargs):
        started.append(prompt)
        yield from real(model, processor, prompt, *args, **kwargs)

    monkeypatch.setattr(mlx_vlm, "stream_generate", spy)
    async with AsyncClient("mlx", model=str(tiny_vlm)) as client:
        first = asyncio.create_task(client.generate("first", max_tokens=LONG))
        await _until_generating()
        queued = asyncio.create_task(client.generate("second", max_tokens=5))
        await asyncio.sleep(0.05)
        queued.cancel()
        first.cancel()
        for task in (first, queued):
            with pytest.raises(asyncio.CancelledError):
                await task
        await client.generate("third", max_tokens=2)
    assert len(started) == 2
    assert "second" not in "".join(started)


def test_a_total_deadline_stops_a_long_generation(tiny_vlm: Path) -> None:
    with Client("mlx", model=str(tiny_vlm), timeouts={"total": 0.5}) as client:
        client.generate("warm up", max_tokens=2)
        with pytest.raises(llm_core.TimeoutError) as info:
            client.generate("Talk forever.", max_tokens=LONG)
        assert info.value.phase == "deadline"
        # a stream that already sent text breaks off (the core wraps the timeout)
        with pytest.raises(_BROKE_OFF) as broke, client.stream("Talk", max_tokens=LONG) as s:
            s.until_done()
        assert "deadline" in str(broke.value)
        run = _finished_run(client)
        assert run.generated_tokens < LONG
        assert client.generate("Next", max_tokens=3).usage.completion_tokens == 3


@pytest.mark.anyio
async def test_an_async_deadline(tiny_vlm: Path) -> None:
    async with AsyncClient("mlx", model=str(tiny_vlm), timeouts={"total": 0.5}) as client:
        await client.generate("warm up", max_tokens=2)
        with pytest.raises(llm_core.TimeoutError):
            await client.generate("Talk forever.", max_tokens=LONG)
        with pytest.raises(_BROKE_OFF) as broke:
            await client.stream("Talk forever.", max_tokens=LONG).until_done()
        assert "deadline" in str(broke.value)
        assert (await client.generate("Next", max_tokens=3)).usage.completion_tokens == 3
