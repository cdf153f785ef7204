"""The response cache in Redis (``cache.shared``): a hit in one process is a hit in another,
sync and async; answers are JSON, never pickled."""

from __future__ import annotations

import subprocess
import sys

import anyio
import pytest
from support.ollama_emulator import OllamaEmulator

import llm_core
from llm_core.resilience.cache.shared import decode, encode
from llm_core.types import Response, Usage

CLIENT = """
import sys, llm_core
settings = {"cache": {"responses": True, "shared": True}, "state": {"url": sys.argv[2]}}
with llm_core.Client("ollama", base_url=sys.argv[1], model="llama3.2", **settings) as client:
    r = client.generate("Hi", temperature=0, max_tokens=8)
print(r.cached, r.content)
"""


@pytest.fixture
def ollama():
    with OllamaEmulator() as server:
        yield server


def test_a_hit_is_shared_across_processes(ollama, redis_server):
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()

    def one() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", CLIENT, ollama.url, redis_server.url],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout.split(maxsplit=1)

    first, second = one(), one()
    assert first[0] == "False" and second[0] == "True"  # the second process never asked
    assert first[1] == second[1]


def test_the_async_client_hits_what_the_sync_one_stored(ollama, redis_server):
    settings = {"cache": {"responses": True, "shared": True}, "state": {"url": redis_server.url}}
    with llm_core.Client("ollama", base_url=ollama.url, model="llama3.2", **settings) as client:
        stored = client.generate("Hello there", temperature=0, max_tokens=8)

    async def main():
        async with llm_core.AsyncClient(
            "ollama", base_url=ollama.url, model="llama3.2", **settings
        ) as client:
            return await client.generate("Hello there", temperature=0, max_tokens=8)

    hit = anyio.run(main)
    assert hit.cached and hit.content == stored.content


def test_values_round_trip_as_json_and_garbage_is_a_miss():
    response = Response("hi", "m", "ollama", "stop", Usage(3, 1), parsed={"a": 1})
    assert decode(encode(response)) == response
    assert decode(encode(("m", [0.5, 1.0]))) == ("m", (0.5, 1.0))
    assert decode(b"\x80\x04not json") is None
    assert decode(b'{"response": {"nope": 1}}') is None


def test_the_model_list_is_shared_and_outlives_the_server(redis_server):
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()
    settings = {
        "cache": {"shared": True, "models_ttl": 60},
        "state": {"url": redis_server.url, "sync_interval": 0},
    }
    with OllamaEmulator() as server:
        first = llm_core.Client("ollama", base_url=server.url, **settings)
        listed = [m.id for m in first.list_models()]
    second = llm_core.Client("ollama", base_url=server.url, **settings)  # server gone now
    assert [m.id for m in second.list_models()] == listed and listed
    second.adapter.invalidate_models()
    with pytest.raises(llm_core.ConnectionError):
        second.list_models()  # invalidated: asks the (stopped) server again
    first.close()
    second.close()
