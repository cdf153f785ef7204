"""``invalidate_cache()`` reaches every process sharing the cache (``cache.shared`` on SQLite and
on a real Redis): process A caches, process B invalidates, A's next call goes to the server.

Each process is a real one (``support.cache_worker``) talking to one Ollama emulator, which
counts what reaches it. A reads the shared epoch on every call (``state.sync_interval = 0``);
with the default interval it notices within that many seconds (specs/scaling.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.ollama_emulator import OllamaEmulator
from support.routing import STATE_STORES, state_settings

from llm_core.flow import run
from llm_core.resilience.cache.epoch import Epoch
from llm_core.resilience.state import MemoryState, SyncStateIO

TESTS = Path(__file__).resolve().parent


@pytest.fixture(params=STATE_STORES)
def state(request, tmp_path):
    if request.param == "redis":  # skips with the reason when no redis-server is installed
        return state_settings("redis", tmp_path, request.getfixturevalue("redis_server").url)
    return state_settings(request.param, tmp_path)


class Worker:
    """One worker process: ``worker("generate")`` sends a command and returns its answer."""

    def __init__(self, kwargs: dict, mode: str) -> None:
        env = {**os.environ, "PYTHONPATH": str(TESTS)}
        cmd = [sys.executable, "-m", "support.cache_worker", json.dumps(kwargs), mode]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )

    def __call__(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline().strip()
        assert line, f"worker ended on {command!r} (exit {self.proc.poll()})"
        return line

    def close(self) -> None:
        self.proc.communicate("\n", timeout=60)
        assert self.proc.returncode == 0


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_one_process_invalidates_what_another_cached(state, mode) -> None:
    with OllamaEmulator() as server:
        kwargs = {
            "base_url": server.url,
            "model": "llama3.2",
            "cache": {"responses": True, "shared": True, "models_ttl": 60},
            "state": {**state, "sync_interval": 0},
        }
        a, b = Worker(kwargs, mode), Worker(kwargs, mode)
        try:
            assert [a("generate"), a("generate"), b("generate")] == ["False", "True", "True"]
            a("models"), b("models")
            assert (server.count("/api/chat"), server.count("/api/tags")) == (1, 1)
            assert b("invalidate") == "True"
            assert a("generate") == "False"  # A asked the server again ...
            assert server.count("/api/chat") == 2
            assert b("generate") == "True"  # ... and stored the new answer for everyone
            a("models")
            assert server.count("/api/tags") == 2
            b("invalidate_models")  # the model list alone
            a("models")
            assert server.count("/api/tags") == 3
            assert a("generate") == "True" and server.count("/api/chat") == 2
        finally:
            a.close()
            b.close()


def test_an_epoch_reads_the_shared_token_at_most_every_interval() -> None:
    store, io = MemoryState(), SyncStateIO.io
    mine, other = Epoch(store, "e", 0.0, 60), Epoch(store, "e", 3600.0, 60)
    assert run(mine.suffix(io)) == "" and run(other.suffix(io)) == ""
    run(mine.bump(io))
    token = store.get("e").decode()
    assert run(mine.suffix(io)) == f".{token}"  # its own bump at once
    assert other.cached() == ""  # read less than an interval ago: stale, as documented
    fresh = Epoch(store, "e", 3600.0, 60)
    assert run(fresh.suffix(io)) == f".{token}"  # a new reader sees the bump
    run(fresh.bump(io))
    assert run(mine.suffix(io)) == f".{store.get('e').decode()}" != f".{token}"


def test_a_local_epoch_needs_no_store() -> None:
    epoch = Epoch()
    assert epoch.cached() == ""
    run(epoch.bump(SyncStateIO.io))
    first = epoch.cached()
    run(epoch.bump(SyncStateIO.io))
    assert first and epoch.cached() and first != epoch.cached()


def test_a_foreign_epoch_value_is_a_short_suffix() -> None:
    store = MemoryState()
    store.set("e", b"x" * 10_000 + b"\xff", 60)
    assert run(Epoch(store, "e", 0.0, 60).suffix(SyncStateIO.io)) == "." + "x" * 32
