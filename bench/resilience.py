"""Overhead of the core's resilience wrappers on a healthy path, side by side in one run.

    python bench/resilience.py            # against the OpenAI fake (tests/support/openai_fake.py)
    python bench/resilience.py --server bench   # against bench/server.py (pre-built bytes)
    python bench/resilience.py --quick --json out.json

Variants of the built-in ``openai`` adapter on one server (in its own process, so it never
shares the client's GIL), measured in alternating rounds; figures are medians over rounds, by
wall time and by this process's CPU time: ``bare`` is the adapter class alone; ``wrapped`` what
``Client`` resolves by default (model cache, cooldown, retry, observe, and the logging plugin,
on but silent); ``quiet`` the same while no plugin observes (hooks skipped after one check).
Rows: ``generate`` time per request and stream chunks per second, sync and async (target: <= 5 %
overhead), then the wrappers alone around an adapter that answers at once.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the OpenAI fake and the scripted provider

import llm_core  # noqa: E402
from llm_core import Request  # noqa: E402
from llm_core.config import ProviderConfig  # noqa: E402
from llm_core.plugins import get_plugin_manager, get_provider  # noqa: E402

FAKE = (
    "from support.openai_fake import OpenAIFake\nimport sys\n"
    "with OpenAIFake() as s:\n    print(s.url, flush=True)\n    sys.stdin.read()\n"
)
VARIANTS = ("bare", "wrapped", "quiet")


class Server:
    """The OpenAI fake (or bench/server.py) in a child process."""

    def __init__(self, kind: str, cmd: list[str] | None = None) -> None:
        """``kind`` "fake" or "bench"; ``cmd`` another server command that prints its URL."""
        if cmd is None and kind == "fake":
            cmd = [sys.executable, "-c", FAKE]
        elif cmd is None:
            cmd = [sys.executable, str(ROOT / "bench" / "server.py"), "--port", "0"]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        self.url = (self.proc.stdout.readline() if self.proc.stdout else "").strip()
        if not self.url.startswith("http://"):
            self.close()
            raise RuntimeError(f"server did not start (said {self.url!r})")

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.terminate()
        self.proc.wait(10)


class Quiet:
    """While active, no plugin implements an observation hook (the logging plugin is out)."""

    def __enter__(self) -> None:
        self.pm = get_plugin_manager()
        self.plugin = self.pm.unregister(name="llm_core.logging")

    def __exit__(self, *exc: object) -> None:
        self.pm.register(self.plugin, name="llm_core.logging")


def adapters(url: str, is_async: bool) -> dict[str, Any]:
    config = ProviderConfig(provider="openai", base_url=url, model="bench")
    bare = get_provider("openai").adapter_class(is_async)(config)
    cls = llm_core.AsyncClient if is_async else llm_core.Client
    wrapped = cls("openai", base_url=url, model="bench").adapter
    return {"bare": bare, "wrapped": wrapped, "quiet": wrapped}


Sample = tuple[int, float, float]  # (units done, wall seconds, CPU seconds of this process)


def clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def since(units: int, start: tuple[float, float]) -> Sample:
    wall, cpu = clocks()
    return units, wall - start[0], cpu - start[1]


def rounds(n: int, measure: Callable[[str], Sample]) -> dict[str, list[Sample]]:
    """``n`` rounds; each measures every variant once, starting from a different one."""
    out: dict[str, list[Sample]] = {v: [] for v in VARIANTS}
    for r in range(n):
        for v in VARIANTS[r % 3 :] + VARIANTS[: r % 3]:
            with Quiet() if v == "quiet" else contextlib.nullcontext():
                out[v].append(measure(v))
    return out


def server_rows(url: str, plan: dict, is_async: bool) -> list[dict]:
    """Per-request time and stream chunk rate of the three variants against the server."""
    ads, n, req = adapters(url, is_async), plan["requests"], Request("hi")
    sreq = Request(
        "go", max_tokens=plan["chunks"], options={"extra_body": {"words": plan["chunks"]}}
    )
    loop = asyncio.new_event_loop() if is_async else None
    drive = loop.run_until_complete if loop is not None else (lambda result: result)

    async def agenerate(v: str) -> None:
        for _ in range(n):
            await ads[v].generate(req)

    async def astream(v: str) -> int:
        return sum([bool(event.text) async for event in ads[v].stream(sreq)])

    def sgenerate(v: str) -> None:
        for _ in range(n):
            ads[v].generate(req)

    def sstream(v: str) -> int:
        return sum(bool(event.text) for event in ads[v].stream(sreq))

    generate, stream = (agenerate, astream) if is_async else (sgenerate, sstream)

    def per_request(v: str) -> Sample:
        start = clocks()
        drive(generate(v))
        return since(n, start)

    def chunk_rate(v: str) -> Sample:
        start = clocks()
        return since(drive(stream(v)), start)

    kind = "async" if is_async else "sync"
    rows = [
        row(f"{kind} generate, us per request", rounds(plan["rounds"], per_request), "us"),
        row(f"{kind} stream, chunks per second", rounds(plan["rounds"], chunk_rate), "rate"),
    ]
    for a in (ads["bare"], ads["wrapped"]):
        drive(a.aclose()) if is_async else a.close()
    if loop is not None:
        loop.close()
    return rows


def row(label: str, samples: dict[str, list[Sample]], unit: str) -> dict:
    """Medians per variant, by wall time and by CPU time, and the overhead over ``bare``."""
    scale = {"us": 1e6, "ns": 1e9}.get(unit)

    def figure(units: int, seconds: float) -> float:
        return units / seconds if scale is None else seconds / units * scale

    out: dict[str, Any] = {"label": label, "unit": unit, "samples": samples}
    for clock, i in (("wall", 1), ("cpu", 2)):
        med = {v: statistics.median(figure(s[0], s[i]) for s in ss) for v, ss in samples.items()}
        sign = -1 if scale is None else 1  # a lower rate is an overhead too
        out[clock] = med
        out[clock + "_overhead_pct"] = {
            v: sign * (med[v] / med["bare"] - 1) * 100 for v in ("wrapped", "quiet")
        }
    return out


def render(rows: list[dict]) -> str:
    head = (
        f"{'median of rounds':36} {'bare':>9} {'wrapped':>9} {'quiet':>9}  "
        f"{'overhead: wall':>14} {'(quiet)':>8} {'cpu':>7} {'(quiet)':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        m, o, c = r["wall"], r["wall_overhead_pct"], r["cpu_overhead_pct"]
        lines.append(
            f"{r['label']:36} {m['bare']:9.1f} {m['wrapped']:9.1f} {m['quiet']:9.1f}  "
            f"{o['wrapped']:13.1f}% {o['quiet']:7.1f}% {c['wrapped']:6.1f}% "
            f"{c['quiet']:7.1f}%"
        )
    return "\n".join(lines)


def estimate(rows: list[dict]) -> str:
    """The wrappers' own CPU cost (null adapter rows) as a share of the bare server figures:
    steadier than the end-to-end rows on a busy machine, but a lower bound (in a tight loop the
    wrappers run with warm caches; inside a real request they cost about three times as much)."""
    by = {r["label"]: r["cpu"] for r in rows}
    call = by["null adapter generate, us per call"]
    event = by["null adapter stream, ns per event"]
    cost_us, event_ns = call["wrapped"] - call["bare"], event["wrapped"] - event["bare"]
    parts = []
    for kind in ("sync", "async"):
        request_us = by[f"{kind} generate, us per request"]["bare"]
        chunk_ns = 1e9 / by[f"{kind} stream, chunks per second"]["bare"]
        parts.append(
            f"{kind}: {cost_us / request_us:.1%} per request, {event_ns / chunk_ns:.1%} per chunk"
        )
    return (
        f"sync wrappers' own cost: {cost_us:.1f} us per call, {event_ns:.0f} ns per stream "
        f"event; as a share of the bare figures (CPU; a lower bound, caches are warm here): "
        + "; ".join(parts)
    )


def main(argv: list[str] | None = None) -> int:
    """Measure and print the table; with ``--check``, exit 1 above 5 % overhead."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", choices=["fake", "bench"], default="fake")
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    parser.add_argument("--check", action="store_true", help="exit 1 if over 5 %% overhead")
    args = parser.parse_args(argv)
    plan = (
        {"rounds": 5, "requests": 100, "chunks": 500}
        if args.quick
        else {"rounds": 31, "requests": 200, "chunks": 1000}
    )
    server = Server(args.server)
    try:
        rows = server_rows(server.url, plan, False) + server_rows(server.url, plan, True)
    finally:
        server.close()
    from resilience_null import null_rows  # the wrappers alone

    rows += null_rows(plan, rounds, row)
    print(
        f"server: {args.server} ({server.url}); {plan}; python {sys.version.split()[0]}, "
        f"{os.cpu_count()} CPUs"
    )
    print(render(rows))
    print(estimate(rows))
    if args.json:
        Path(args.json).write_text(json.dumps({"plan": plan, "rows": rows}, indent=2))
    return 1 if args.check and any(r["wall_overhead_pct"]["wrapped"] > 5 for r in rows[:4]) else 0


if __name__ == "__main__":
    sys.exit(main())
