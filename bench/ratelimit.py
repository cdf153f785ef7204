"""The rate limiter's per-request cost with a budget that never runs out, against no limiter.

    python bench/ratelimit.py            # against the OpenAI fake (tests/support/openai_fake.py)
    python bench/ratelimit.py --server bench --quick --json out.json

Variants on one server (in its own process): ``none`` is ``Client("openai", base_url=URL)``;
``memory`` the same with ``rate_limit = {rpm: 10**9, tpm: 10**12}`` on the in-process store
(two ``take`` calls before and one correction after each request); ``sqlite`` the same budget
in a SQLite state store (what several processes on one machine share). Each round measures
every variant once, starting from a different one; figures are medians of rounds, by wall time
and by this process's CPU time. Rows: sync and async ``generate`` (us per request); ratios
against ``none``, and the added microseconds per request. Last, the budget alone on the
in-process store (estimate, charge, correction: what the limiter adds without any I/O).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import timeit
from pathlib import Path
from typing import Any

from resilience import Server  # the server child process and the clocks
from timed_requests import timer

import llm_core
from llm_core import Request
from llm_core.flow import run
from llm_core.resilience.ratelimit import Budget, estimate_tokens
from llm_core.resilience.state import MemoryState, SyncStateIO
from llm_core.types import Response, Usage

VARIANTS = ("none", "memory", "sqlite")
NEVER = {"rpm": 10**9, "tpm": 10**12, "max_wait": 0}


def kwargs(variant: str, url: str, db: str) -> dict[str, Any]:
    out: dict[str, Any] = {"base_url": url, "model": "bench"}
    if variant != "none":
        out["rate_limit"] = NEVER
    if variant == "sqlite":
        out["state"] = {"url": f"sqlite:///{db}"}
    return out


def measure(url: str, plan: dict, db: str) -> list[dict]:
    sync = {v: llm_core.Client("openai", **kwargs(v, url, db)) for v in VARIANTS}
    loop = asyncio.new_event_loop()
    make = {v: llm_core.AsyncClient("openai", **kwargs(v, url, db)) for v in VARIANTS}
    n, req = plan["requests"], Request("hi", max_tokens=8)

    per_request = timer(sync, make, loop, req, n)

    rows = []
    for label, is_async in (("sync generate, us/request", False), ("async generate", True)):
        samples: dict[str, list] = {v: [] for v in VARIANTS}
        for v in VARIANTS:
            per_request(v, is_async)  # warm-up: connections open, buckets made
        for r in range(plan["rounds"]):
            for v in VARIANTS[r % 3 :] + VARIANTS[: r % 3]:
                samples[v].append(per_request(v, is_async))
        rows.append(row(label, samples))
    for client in sync.values():
        client.close()
    for aclient in make.values():
        loop.run_until_complete(aclient.aclose())
    loop.close()
    return rows


def alone(n: int = 20000) -> float:
    """Microseconds per request of the budget's own work on the in-process store."""
    store, io = MemoryState(), SyncStateIO.io
    budget = Budget("bench:", "openai:bench@-", NEVER["rpm"], NEVER["tpm"])
    req, answer = Request("hi", max_tokens=8), Response("x", "bench", "openai", usage=Usage(3, 4))

    def once() -> None:
        cost = budget.cost(estimate_tokens(req))
        run(budget.charge(io, store, cost))
        run(budget.settle(io, store, cost, answer))

    return min(timeit.repeat(once, number=n, repeat=5)) / n * 1e6


def row(label: str, samples: dict[str, list]) -> dict:
    out: dict[str, Any] = {"label": label, "samples": samples}
    for clock, i in (("wall", 1), ("cpu", 2)):
        med = {v: statistics.median(s[i] / s[0] * 1e6 for s in ss) for v, ss in samples.items()}
        out[clock] = med
        out[clock + "_ratio"] = {v: med[v] / med["none"] for v in VARIANTS[1:]}
        out[clock + "_added_us"] = {v: med[v] - med["none"] for v in VARIANTS[1:]}
    return out


def render(rows: list[dict]) -> str:
    head = (
        f"{'median of rounds':26} {'none':>8} {'memory':>8} {'sqlite':>8}  "
        f"{'wall: memory':>12} {'sqlite':>7} {'cpu: memory':>11} {'sqlite':>7}  {'added us':>14}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        m, w, c, a = r["wall"], r["wall_ratio"], r["cpu_ratio"], r["wall_added_us"]
        lines.append(
            f"{r['label']:26} {m['none']:8.1f} {m['memory']:8.1f} {m['sqlite']:8.1f}  "
            f"{w['memory']:11.3f}x {w['sqlite']:6.3f}x {c['memory']:10.3f}x {c['sqlite']:6.3f}x"
            f"  {a['memory']:6.1f} {a['sqlite']:7.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table (and write it as JSON with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=["fake", "bench"], default="fake")
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    plan = {"rounds": 5, "requests": 100} if args.quick else {"rounds": 21, "requests": 200}
    server = Server(args.server)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            rows = measure(server.url, plan, str(Path(tmp) / "state.db"))
    finally:
        server.close()
    print(f"server: {args.server}; {plan}; python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(render(rows))
    own = alone()
    print(f"the budget alone (memory store: estimate, 2 takes, 1 correction): {own:.1f} us")
    if args.json:
        out = {"plan": plan, "rows": rows, "alone_us": own}
        Path(args.json).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
