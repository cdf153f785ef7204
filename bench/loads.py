"""In-process workloads, one implementation per side, doing the same request on the same server.

``core`` goes through ``llm_core.Client`` / ``llm_core.AsyncClient`` with the built-in
``openai`` provider, i.e. whatever adapter the plugin manager resolves (with the core's
resilience wrappers, when they are registered). ``raw`` is what a person would write with
httpx2 alone: post the same JSON body, check the status, pick the text out of the answer.
The raw pool gets the core's limits (64 connections, 32 kept alive) so both sides keep the same
number of connections open at 32 in flight.
"""

from __future__ import annotations

import asyncio
import gc
import json
import time
from collections.abc import Callable
from typing import Any

import httpx2

import llm_core

__all__ = [
    "SIDES",
    "CoreSide",
    "RawSide",
    "Side",
    "concurrent_rate",
    "interleaved",
    "sequential_latencies",
    "stream_rate",
]

PROMPT = "Say hello."
_LIMITS = httpx2.Limits(max_connections=64, max_keepalive_connections=32)


def _body(stream: bool, max_tokens: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "messages": [{"role": "user", "content": PROMPT}],
        "stream": stream,
        "model": "bench",
        "max_tokens": max_tokens,
    }
    if stream:
        body["stream_options"] = {"include_usage": True}
    return body


class Side:
    """One side of the comparison: how to build its clients and make each kind of call."""

    name = ""

    def __init__(self, url: str) -> None:
        self.url = url


class CoreSide(Side):
    """llm-core: Client / AsyncClient with the built-in ``openai`` provider."""

    name = "llm-core"

    def client(self) -> Any:
        return llm_core.Client("openai", base_url=self.url + "/v1", model="bench")

    def aclient(self) -> Any:
        return llm_core.AsyncClient("openai", base_url=self.url + "/v1", model="bench")

    def call(self, client: Any) -> str:
        return client.generate(PROMPT, max_tokens=8).content

    async def acall(self, client: Any) -> str:
        return (await client.generate(PROMPT, max_tokens=8)).content

    def stream(self, client: Any, n: int) -> int:
        count = 0
        with client.stream(PROMPT, max_tokens=n) as events:
            for event in events:
                if event.text:
                    count += 1
        return count

    def close(self, client: Any) -> None:
        client.close()

    async def aclose(self, client: Any) -> None:
        await client.aclose()


class RawSide(Side):
    """raw httpx2: the same requests written by hand."""

    name = "raw httpx2"

    def client(self) -> Any:
        return httpx2.Client(base_url=self.url + "/v1", timeout=60.0, limits=_LIMITS)

    def aclient(self) -> Any:
        return httpx2.AsyncClient(base_url=self.url + "/v1", timeout=60.0, limits=_LIMITS)

    def call(self, client: Any) -> str:
        r = client.post("/chat/completions", json=_body(False, 8))
        r.raise_for_status()
        return r.json()["choices"][0]["message"]["content"]

    async def acall(self, client: Any) -> str:
        r = await client.post("/chat/completions", json=_body(False, 8))
        r.raise_for_status()
        return r.json()["choices"][0]["message"]["content"]

    def stream(self, client: Any, n: int) -> int:
        count = 0
        with client.stream("POST", "/chat/completions", json=_body(True, n)) as r:
            r.raise_for_status()
            for line in r.iter_lines():
                if not line.startswith("data: "):
                    continue
                payload = line[6:]
                if payload == "[DONE]":
                    break
                choices = json.loads(payload)["choices"]
                if choices and choices[0]["delta"].get("content"):
                    count += 1
        return count

    def close(self, client: Any) -> None:
        client.close()

    async def aclose(self, client: Any) -> None:
        await client.aclose()


SIDES: tuple[type[Side], type[Side]] = (CoreSide, RawSide)


def sequential_latencies(side: Any, client: Any, n: int) -> tuple[list[float], float]:
    """Seconds per call for ``n`` calls one after another on a warm client; CPU s per call."""
    call, clock, out = side.call, time.perf_counter, []
    gc.collect()
    cpu = time.process_time()
    for _ in range(n):
        t = clock()
        call(client)
        out.append(clock() - t)
    return out, (time.process_time() - cpu) / n


def concurrent_rate(side: Any, n: int, in_flight: int = 32) -> tuple[float, float]:
    """Requests per second for ``n`` async calls with ``in_flight`` outstanding; CPU s per call."""

    async def run() -> tuple[float, float]:
        client = side.aclient()
        try:
            await asyncio.gather(*(side.acall(client) for _ in range(in_flight * 2)))  # warm pool
            todo = iter(range(n))

            async def worker() -> None:
                for _ in todo:
                    await side.acall(client)

            gc.collect()
            cpu, started = time.process_time(), time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(in_flight)))
            elapsed = time.perf_counter() - started
            return n / elapsed, (time.process_time() - cpu) / n
        finally:
            await side.aclose(client)

    return asyncio.run(run())


def stream_rate(side: Any, client: Any, streams: int, chunks: int) -> tuple[float, float]:
    """Content chunks per second over ``streams`` streams of ``chunks``; CPU s per chunk."""
    gc.collect()
    cpu, started = time.process_time(), time.perf_counter()
    for _ in range(streams):
        got = side.stream(client, chunks)
        if got != chunks:
            raise RuntimeError(f"{side.name}: expected {chunks} chunks, got {got}")
    elapsed = time.perf_counter() - started
    return streams * chunks / elapsed, (time.process_time() - cpu) / (streams * chunks)


def interleaved(sides: list[Any], rounds: int, measure: Callable[[Any], Any]) -> list[list[Any]]:
    """``measure(side)`` for every side, ``rounds`` times, alternating which side goes first."""
    results: list[list[Any]] = [[] for _ in sides]
    for i in range(rounds):
        order = list(range(len(sides)))
        if i % 2:
            order.reverse()
        for k in order:
            results[k].append(measure(sides[k]))
    return results
