"""Several real processes sharing one Redis: one lease budget, one token bucket, values seen by
all, and every in-flight lease back to 0 at the end."""

from __future__ import annotations

import subprocess
import sys

import redis

WORKER = """
import sys
from llm_core.config import Settings
from llm_core.resilience.state.plugin import StatePlugin, StateStores
url, n = sys.argv[1], sys.argv[2]
stores = StateStores(StatePlugin().llm_core_state_store)
store = stores.get(Settings(provider="ollama", state={"url": url, "timeout": 2.0}))
held = [f"{n}-{i}" for i in range(20) if store.acquire("slots", f"{n}-{i}", 10, 60)]
store.set(f"seen:{n}", b"yes", 60)
taken = sum(store.take("rpm", 0.001, 30.0) == 0.0 for _ in range(20))
print(len(held), taken, store.get("seen:0") is not None or n == "0", flush=True)
sys.stdin.readline()  # every worker holds its leases until told to go on
for member in held:
    store.release("slots", member)
stores.reset()
"""


def test_processes_share_one_budget_and_release_every_lease(redis_server):
    direct = redis.Redis.from_url(redis_server.url)
    direct.flushdb()
    direct.set("seen:0", b"yes")  # as if worker 0 had written first
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, redis_server.url, str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    lines = [p.stdout.readline().split() for p in procs]
    held = [int(line[0]) for line in lines]
    taken = [int(line[1]) for line in lines]
    assert sum(held) == 10  # one lease budget across processes (atomic script)
    assert sum(taken) == 30  # one token bucket: its burst, whoever takes
    assert all(line[2] == "True" for line in lines)  # a value one process set, all see
    for p in procs:
        p.communicate("go\n", timeout=60)
        assert p.returncode == 0
    assert all(direct.get(f"seen:{n}") == b"yes" for n in range(4))
    assert direct.zcard("slots") == 0  # in flight back to 0
    direct.close()
