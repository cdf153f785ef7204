"""The async client's transports side by side: llm-core on httpx2 and on aiohttp, against raw
httpx2 and raw aiohttp, on the same local servers (bench/server.py for SSE, bench/ollama_server.py
for NDJSON), each in its own process.

    python bench/transports.py            # 3 rounds, medians
    python bench/transports.py --quick    # 1 round, fewer calls

Rows: req/s with 32 in flight over one shared client, sequential p50 (awaited one after
another), stream chunks/s over SSE (openai) and NDJSON (ollama). Needs aiohttp
(``pip install 'llm-core[aiohttp]'``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import httpx2
from loads import _LIMITS, concurrent_rate, interleaved

import llm_core

PROMPT = "Say hello."
CHAT = {"messages": [{"role": "user", "content": PROMPT}], "model": "bench"}


class Server:
    """One bench server script in its own process."""

    def __init__(self, script: str) -> None:
        path = Path(__file__).with_name(script)
        self.proc = subprocess.Popen(
            [sys.executable, str(path), "--port", "0"], stdout=subprocess.PIPE, text=True
        )
        self.url = self.proc.stdout.readline().strip() if self.proc.stdout else ""
        if not self.url.startswith("http://"):
            self.close()
            raise RuntimeError(f"{script} did not start (said {self.url!r})")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)


class Core:
    """llm-core's AsyncClient on one transport."""

    def __init__(self, url: str, wire: str, transport: str) -> None:
        self.name = f"llm-core {transport}"
        self.kwargs = {"model": "bench", "transport": transport}
        if wire == "sse":
            self.kwargs.update(provider="openai", base_url=url + "/v1")
        else:
            self.kwargs.update(provider="ollama", base_url=url)

    def aclient(self) -> Any:
        return llm_core.AsyncClient(**self.kwargs)

    async def acall(self, client: Any) -> str:
        return (await client.generate(PROMPT, max_tokens=8)).content

    async def astream(self, client: Any, n: int) -> int:
        count = 0
        async for event in client.stream(PROMPT, max_tokens=n):
            count += bool(event.text)
        return count

    async def aclose(self, client: Any) -> None:
        await client.aclose()


class Raw:
    """The same requests by hand on httpx2 or aiohttp (pool of 64, as llm-core's)."""

    def __init__(self, url: str, wire: str, library: str) -> None:
        self.name, self.wire, self.library = f"raw {library}", wire, library
        self.url = url + ("/v1/chat/completions" if wire == "sse" else "/api/chat")

    def aclient(self) -> Any:
        if self.library == "httpx2":
            return httpx2.AsyncClient(timeout=60.0, limits=_LIMITS)
        return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=64))

    def body(self, stream: bool, n: int) -> dict[str, Any]:
        if self.wire == "sse":
            return {**CHAT, "stream": stream, "max_tokens": n}
        return {**CHAT, "stream": stream, "options": {"num_predict": n}}

    async def acall(self, client: Any) -> str:
        if self.library == "httpx2":
            r = await client.post(self.url, json=self.body(False, 8))
            r.raise_for_status()
            data = r.json()
        else:
            async with client.post(self.url, json=self.body(False, 8)) as r:
                r.raise_for_status()
                data = await r.json(content_type=None)
        return data["choices"][0]["message"]["content"] if self.wire == "sse" else data["message"]

    async def astream(self, client: Any, n: int) -> int:
        if self.library == "httpx2":
            async with client.stream("POST", self.url, json=self.body(True, n)) as r:
                return await self.count(r.aiter_lines())
        async with client.post(self.url, json=self.body(True, n)) as r:
            return await self.count(line.decode() async for line in r.content)

    async def count(self, lines: Any) -> int:
        count = 0
        async for line in lines:
            if self.wire == "ndjson":
                count += bool(line.strip() and json.loads(line)["message"]["content"])
            elif line.startswith("data: ") and line[6:].strip() != "[DONE]":
                choices = json.loads(line[6:])["choices"]
                count += bool(choices and choices[0]["delta"].get("content"))
        return count

    async def aclose(self, client: Any) -> None:
        await (client.aclose() if self.library == "httpx2" else client.close())


def sequential_p50(side: Any, n: int) -> float:
    """Median seconds per awaited call, one after another on a warm client."""

    async def run() -> float:
        client = side.aclient()
        try:
            for _ in range(20):
                await side.acall(client)
            out = []
            for _ in range(n):
                t = time.perf_counter()
                await side.acall(client)
                out.append(time.perf_counter() - t)
            return statistics.median(out)
        finally:
            await side.aclose(client)

    return asyncio.run(run())


def stream_rate(side: Any, streams: int, chunks: int) -> float:
    """Content chunks per second over ``streams`` streams of ``chunks``."""

    async def run() -> float:
        client = side.aclient()
        try:
            await side.astream(client, chunks)
            started = time.perf_counter()
            for _ in range(streams):
                got = await side.astream(client, chunks)
                if got != chunks:
                    raise RuntimeError(f"{side.name}: {got} chunks, expected {chunks}")
            return streams * chunks / (time.perf_counter() - started)
        finally:
            await side.aclose(client)

    return asyncio.run(run())


def sides(url: str, wire: str) -> list[Any]:
    return [
        Raw(url, wire, "aiohttp"),
        Core(url, wire, "aiohttp"),
        Raw(url, wire, "httpx2"),
        Core(url, wire, "httpx2"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    rounds, calls, streams = (1, 500, 5) if args.quick else (3, 3000, 20)
    rows: list[tuple[str, str, float, float]] = []
    for wire, script in (("sse", "server.py"), ("ndjson", "ollama_server.py")):
        server = Server(script)
        try:
            group = sides(server.url, wire)
            measures = {"stream chunks/s": lambda s: stream_rate(s, streams, 200)}
            if wire == "sse":  # the request rows once: the wire hardly matters for them
                measures["req/s @32"] = lambda s: concurrent_rate(s, calls)[0]
                measures["sequential p50 us"] = lambda s: sequential_p50(s, calls // 5) * 1e6
            for row, measure in measures.items():
                results = interleaved(group, rounds, measure)
                floor = statistics.median(results[0])
                for side, got in zip(group, results, strict=True):
                    rows.append((f"{row} ({wire})", side.name, statistics.median(got), floor))
        finally:
            server.close()
    print(f"{'row':28} {'side':18} {'value':>10} {'x raw aiohttp':>14}")
    for row, name, value, floor in rows:
        print(f"{row:28} {name:18} {value:10.0f} {value / floor:14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
