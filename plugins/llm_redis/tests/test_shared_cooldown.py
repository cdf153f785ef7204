"""A cooldown put by one process is seen by every process sharing the Redis (sync and async),
and a process whose Redis is gone still cools down on its own."""

from __future__ import annotations

import subprocess
import sys

import redis

from llm_core.testing import RefusedPort

CALL = """
import sys, anyio, llm_core
url, state, mode = sys.argv[1], sys.argv[2], sys.argv[3]
settings = {"retry": {"max_attempts": 1}, "cooldown": {"failures": 1, "cooldown": 60},
            "state": {"url": state, "sync_interval": 0}}
def sync():
    with llm_core.Client("openai", base_url=url, model="m", **settings) as client:
        client.generate("Hi", max_tokens=2)
async def main():
    async with llm_core.AsyncClient("openai", base_url=url, model="m", **settings) as client:
        await client.generate("Hi", max_tokens=2)
try:
    sync() if mode == "sync" else anyio.run(main)
except llm_core.LLMError as exc:
    print(type(exc).__name__)
"""


def call(url: str, state: str, mode: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CALL, url, state, mode], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_cooldown_opened_in_one_process_is_seen_by_the_others(redis_server):
    redis.Redis.from_url(redis_server.url).flushdb()
    with RefusedPort() as refused:
        assert call(refused.url, redis_server.url, "sync") == "ConnectionError"  # opens it
        # Fresh processes never connect: they adopt the published cooldown first.
        assert call(refused.url, redis_server.url, "sync") == "CooldownError"
        assert call(refused.url, redis_server.url, "async") == "CooldownError"
        assert call(refused.url, "memory", "sync") == "ConnectionError"  # unshared: its own
    keys = redis.Redis.from_url(redis_server.url).keys("llm_core:cooldown:*")
    assert len(keys) == 1 and b"openai" in keys[0]
