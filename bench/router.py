"""The router's per-request overhead on a healthy path, against a single deployment.

    python bench/router.py            # against the OpenAI fake (tests/support/openai_fake.py)
    python bench/router.py --server bench --quick --json out.json

Variants on one server (in its own process): ``single`` is ``Client("openai", base_url=URL)``;
``router`` is ``Client("router")`` with that server as its one deployment; ``router3`` the same
server as three deployments (round robin). Each round measures every variant once, starting
from a different one; figures are medians of rounds, by wall time and by this process's CPU
time. Rows: sync and async ``generate`` (us per request) and a sync stream (chunks/s).
Target: router / single <= 1.03 per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

from resilience import Server, clocks, since  # the server child process and the clocks
from timed_requests import timer

import llm_core
from llm_core import Request

VARIANTS = ("single", "router", "router3")
TARGET = 1.03


def kwargs(variant: str, url: str) -> tuple[str, dict[str, Any]]:
    if variant == "single":
        return "openai", {"base_url": url, "model": "bench"}
    n = 1 if variant == "router" else 3
    deployments = [{"provider": "openai", "base_url": url, "name": f"d{i}"} for i in range(n)]
    return "router", {"model": "bench", "router": {"deployments": deployments}}


def measure(url: str, plan: dict) -> list[dict]:
    sync = {v: llm_core.Client(kwargs(v, url)[0], **kwargs(v, url)[1]) for v in VARIANTS}
    loop = asyncio.new_event_loop()
    make = {v: llm_core.AsyncClient(kwargs(v, url)[0], **kwargs(v, url)[1]) for v in VARIANTS}
    n, req = plan["requests"], Request("hi")
    sreq = Request(
        "go", max_tokens=plan["chunks"], options={"extra_body": {"words": plan["chunks"]}}
    )

    per_request = timer(sync, make, loop, req, n)

    def chunk_rate(v: str) -> tuple[int, float, float]:
        start = clocks()
        return since(sum(bool(ev.text) for ev in sync[v].stream(sreq)), start)

    rows = []
    for label, fn, unit in (
        ("sync generate, us per request", lambda v: per_request(v, False), "us"),
        ("async generate, us per request", lambda v: per_request(v, True), "us"),
        ("sync stream, chunks per second", chunk_rate, "rate"),
    ):
        samples: dict[str, list] = {v: [] for v in VARIANTS}
        for v in VARIANTS:
            fn(v)  # warm-up: connections open, EWMAs measured
        for r in range(plan["rounds"]):
            for v in VARIANTS[r % 3 :] + VARIANTS[: r % 3]:
                samples[v].append(fn(v))
        rows.append(row(label, samples, unit))
    for client in sync.values():
        client.close()
    for aclient in make.values():
        loop.run_until_complete(aclient.aclose())
    loop.close()
    return rows


def row(label: str, samples: dict[str, list], unit: str) -> dict:
    def figure(units: int, seconds: float) -> float:
        return seconds / units * 1e6 if unit == "us" else units / seconds

    out: dict[str, Any] = {"label": label, "unit": unit, "samples": samples}
    for clock, i in (("wall", 1), ("cpu", 2)):
        med = {v: statistics.median(figure(s[0], s[i]) for s in ss) for v, ss in samples.items()}
        out[clock] = med
        # a ratio of costs (time per request, or the inverse of a rate): the median of the
        # rounds' own ratios, each from samples taken back to back, so a burst of noise on a
        # shared machine moves both sides of a ratio alike
        out[clock + "_ratio"] = {
            v: statistics.median(
                figure(a[0], a[i]) / figure(b[0], b[i])
                if unit == "us"
                else figure(b[0], b[i]) / figure(a[0], a[i])
                for a, b in zip(samples[v], samples["single"], strict=True)
            )
            for v in ("router", "router3")
        }
    return out


def render(rows: list[dict]) -> str:
    head = (
        f"{'median of rounds':32} {'single':>9} {'router':>9} {'router3':>9}  "
        f"{'ratio: wall':>11} {'(x3)':>6} {'cpu':>6} {'(x3)':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        m, w, c = r["wall"], r["wall_ratio"], r["cpu_ratio"]
        lines.append(
            f"{r['label']:32} {m['single']:9.1f} {m['router']:9.1f} {m['router3']:9.1f}  "
            f"{w['router']:10.3f}x {w['router3']:5.3f}x {c['router']:5.3f}x {c['router3']:5.3f}x"
        )
    return "\n".join(lines) + f"\ntarget: router / single <= {TARGET}x per request"


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table; with ``--check``, exit 1 above the target."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=["fake", "bench"], default="fake")
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 above the target")
    args = parser.parse_args(argv)
    plan = (
        {"rounds": 5, "requests": 100, "chunks": 500}
        if args.quick
        else {"rounds": 61, "requests": 60, "chunks": 1000}
    )
    server = Server(args.server)
    try:
        rows = measure(server.url, plan)
    finally:
        server.close()
    print(f"server: {args.server}; {plan}; python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(render(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"plan": plan, "rows": rows}, indent=2))
    missed = any(r["wall_ratio"]["router"] > TARGET for r in rows[:2])
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
