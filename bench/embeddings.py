"""Embedding throughput through llm-core vs raw httpx2 batching the same inputs, side by side.

    python bench/embeddings.py            # 10,000 short texts, 3 rounds
    python bench/embeddings.py --quick    # 2,000 texts, 1 round
    python bench/embeddings.py --check    # exit status 1 if a target is missed

The server is llama.cpp's real one (xllamacpp) on the tiny GGUF with embeddings on
(tests/support/llamacpp.py). Both sides send the same batches of ``--batch`` texts to
``/v1/embeddings``: sync one batch after the other, async up to ``--concurrency`` at once; the
raw side posts the JSON, checks the status and puts the vectors in order by ``index``, as a
person would by hand. Rounds alternate which side goes first; figures are medians over rounds.
The cache row times ``embed`` of one text answered by the embedding cache against the floor of
the same lookup done by hand (the key's sha256 and a dict ``get``); its target is absolute.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the llama.cpp server helper

import httpx2  # noqa: E402
from report import Row, render  # noqa: E402

import llm_core  # noqa: E402

HIT_TARGET_US = 20.0


def _raw_sync(http: httpx2.Client, url: str, texts: list[str], size: int) -> list[list[float]]:
    out: list[list[float]] = []
    for i in range(0, len(texts), size):
        r = http.post(url, json={"input": texts[i : i + size], "encoding_format": "float"})
        r.raise_for_status()
        out.extend(d["embedding"] for d in sorted(r.json()["data"], key=lambda d: d["index"]))
    return out


async def _raw_async(
    http: httpx2.AsyncClient, url: str, texts: list[str], size: int, limit: int
) -> list[list[float]]:
    gate = asyncio.Semaphore(limit)

    async def one(i: int) -> list[list[float]]:
        async with gate:
            r = await http.post(
                url, json={"input": texts[i : i + size], "encoding_format": "float"}
            )
        r.raise_for_status()
        return [d["embedding"] for d in sorted(r.json()["data"], key=lambda d: d["index"])]

    parts = await asyncio.gather(*(one(i) for i in range(0, len(texts), size)))
    return [v for part in parts for v in part]


def _timed(fn) -> float:
    start = time.perf_counter()
    result = fn()
    assert len(result) > 0
    return time.perf_counter() - start


def throughput_rows(url: str, texts: list[str], size: int, limit: int, rounds: int) -> list[Row]:
    """Sync and async texts/s on both sides."""
    n = len(texts)
    client = llm_core.Client("openai", base_url=url, model="tiny")
    http = httpx2.Client(base_url=url)
    sync = {"core": [], "raw": []}
    asy = {"core": [], "raw": []}

    async def both_async(first: str) -> None:
        ac = llm_core.AsyncClient("openai", base_url=url, model="tiny")
        async with ac, httpx2.AsyncClient(base_url=url) as ah:
            sides = {
                "core": lambda: ac.embed(texts, batch_size=size, concurrency=limit),
                "raw": lambda: _raw_async(ah, "/embeddings", texts, size, limit),
            }
            for side in (first, "raw" if first == "core" else "core"):
                start = time.perf_counter()
                assert len(await sides[side]()) == n
                asy[side].append(n / (time.perf_counter() - start))

    for r in range(rounds):
        order = ("core", "raw") if r % 2 == 0 else ("raw", "core")
        for side in order:
            run = (
                (lambda: client.embed(texts, batch_size=size))
                if side == "core"
                else (lambda: _raw_sync(http, "/embeddings", texts, size))
            )
            sync[side].append(n / _timed(run))
        asyncio.run(both_async(order[0]))
    client.close()
    http.close()
    med = statistics.median
    return [
        Row("sync", f"sync embed {n} texts", "texts/s", med(sync["core"]), med(sync["raw"]),
            True, 0.95, rounds, sync),
        Row("async", f"async embed, {limit} batches in flight", "texts/s", med(asy["core"]),
            med(asy["raw"]), True, 0.95, rounds, asy),
    ]  # fmt: skip


def cache_row(url: str, calls: int) -> Row:
    """One text answered by the embedding cache, per call, vs the same lookup by hand."""
    client = llm_core.Client("openai", base_url=url, model="tiny", cache={"embeddings": True})
    client.embed("a cached text")
    start = time.perf_counter()
    for _ in range(calls):
        client.embed("a cached text")
    core = (time.perf_counter() - start) / calls * 1e6
    store = {hashlib.sha256(b"openai\0tiny\0a cached text").hexdigest(): [0.0] * 64}
    start = time.perf_counter()
    for _ in range(calls):
        list(store[hashlib.sha256(b"openai\0tiny\0a cached text").hexdigest()])
    raw = (time.perf_counter() - start) / calls * 1e6
    client.close()
    return Row("cache_hit", "embedding-cache hit (floor: sha256 + dict)", "us", core, raw,
               samples=calls)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 texts, 1 round")
    parser.add_argument("--texts", type=int, help="how many texts (default 10,000)")
    parser.add_argument("--batch", type=int, default=64, help="texts per request")
    parser.add_argument("--concurrency", type=int, default=4, help="async batches in flight")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    from support.llamacpp import LlamaCppServer

    count = args.texts or (2000 if args.quick else 10_000)
    texts = [f"short text number {i}" for i in range(count)]
    with LlamaCppServer(embeddings=True) as server:
        url = server.openai_url
        rows = throughput_rows(url, texts, args.batch, args.concurrency, 1 if args.quick else 3)
        rows.append(cache_row(url, 2000 if args.quick else 20_000))
    print(render(rows))
    hit = rows[-1].core
    verdict = "ok" if hit <= HIT_TARGET_US else "MISSED"
    print(
        f"\nembedding-cache hit: {hit:.1f} us per call (target <= {HIT_TARGET_US:.0f} us) {verdict}"
    )
    missed = [r for r in rows if r.ok is False] or ([] if hit <= HIT_TARGET_US else rows[-1:])
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
