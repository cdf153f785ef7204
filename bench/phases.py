"""The measured phases: fresh-process probes and in-process loops, each giving table rows.

Every phase alternates the two sides (see :func:`loads.interleaved`) so that noise from the
machine lands on both.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from loads import (
    CoreSide,
    RawSide,
    concurrent_rate,
    interleaved,
    sequential_latencies,
    stream_rate,
)
from probes import PROBES, run_probe
from report import Row, median, percentile

__all__ = ["PLANS", "Meter", "fresh_rows", "log", "loop_rows"]

PLANS: dict[str, dict[str, int]] = {
    "quick": {
        "probes": 7,
        "seq_rounds": 4,
        "seq_calls": 100,
        "rate_rounds": 3,
        "rate_calls": 600,
        "stream_rounds": 4,
        "streams": 1,
    },
    "full": {
        "probes": 21,
        "seq_rounds": 10,
        "seq_calls": 300,
        "rate_rounds": 7,
        "rate_calls": 2000,
        "stream_rounds": 8,
        "streams": 3,
    },
}


def log(message: str) -> None:
    """Progress on stderr (the table goes to stdout)."""
    print(message, file=sys.stderr, flush=True)


class Meter:
    """Share of one CPU core the server used while a phase ran (is it the bottleneck?)."""

    def __init__(self, server: Any) -> None:
        self.server, self.shares = server, {}

    def phase(self, name: str, fn: Any) -> Any:
        """Run ``fn()``, recording the server's CPU share under ``name``; its result."""
        cpu0 = self.server.cpu_seconds() if self.server else None
        t0 = time.perf_counter()
        out = fn()
        cpu1 = self.server.cpu_seconds() if self.server else None
        if cpu0 is not None and cpu1 is not None:
            self.shares[name] = (cpu1 - cpu0) / (time.perf_counter() - t0)
        return out


LABELS = {"import": "import + plugin discovery", "first_call": "first call (import+client+1 req)"}


def fresh_rows(url: str, plan: dict[str, int], meta: dict[str, Any]) -> list[Row]:
    """Import time, RSS after import and first call, each a median over new interpreters."""
    n = plan["probes"]
    rows = []
    for key in ("import", "first_call"):
        codes = list(PROBES[key])
        for code in codes:  # warm-up: byte-code cache written, disk cache hot
            meta.setdefault(f"{key}_info", run_probe(code, url)["info"])
        log(f"  {key}: {n} fresh processes per side")
        results = interleaved(codes, n, lambda code: run_probe(code, url))
        ms = [[r["seconds"] * 1000 for r in side] for side in results]
        cpu = [[r["cpu_seconds"] * 1000 for r in side] for side in results]
        data = {"core": ms[0], "raw": ms[1], "core_cpu": cpu[0], "raw_cpu": cpu[1]}
        rows.append(
            Row(
                key,
                LABELS[key],
                "ms",
                median(ms[0]),
                median(ms[1]),
                target=1.15,
                samples=n,
                data=data,
            )
        )
        if key == "import":
            rss = [[r["rss_kb"] / 1024 for r in side] for side in results]
            rss_row = Row(
                "rss",
                "RSS after import",
                "MB",
                median(rss[0]),
                median(rss[1]),
                target=1.15,
                samples=n,
                data={"core": rss[0], "raw": rss[1]},
            )
    rows.append(rss_row)
    return rows


def _split(results: list[list[tuple[Any, float]]]) -> tuple[list[list[Any]], list[list[float]]]:
    """Per side: the measured values, and the CPU microseconds per operation of each round."""
    values = [[value for value, _ in side] for side in results]
    return values, [[cpu * 1e6 for _, cpu in side] for side in results]


def loop_rows(url: str, plan: dict[str, int], chunks: int, meter: Meter) -> list[Row]:
    """Sequential latency, requests/s at 32 in flight, stream chunks/s (in this process)."""
    sides = [CoreSide(url), RawSide(url)]
    pairs = [(side, side.client()) for side in sides]
    try:
        for side, client in pairs:
            sequential_latencies(side, client, 100)  # warm-up
        log(f"  sequential: {plan['seq_rounds']} x {plan['seq_calls']} calls per side")
        seq = meter.phase(
            "sequential",
            lambda: interleaved(
                pairs,
                plan["seq_rounds"],
                lambda p: sequential_latencies(p[0], p[1], plan["seq_calls"]),
            ),
        )
        log(f"  stream: {plan['stream_rounds']} x {plan['streams']} streams of {chunks}")
        for side, client in pairs:
            stream_rate(side, client, 1, chunks)  # warm-up
        streams = meter.phase(
            "stream",
            lambda: interleaved(
                pairs,
                plan["stream_rounds"],
                lambda p: stream_rate(p[0], p[1], plan["streams"], chunks),
            ),
        )
    finally:
        for side, client in pairs:
            side.close(client)
    log(f"  req/s @32: {plan['rate_rounds']} x {plan['rate_calls']} calls per side")
    rates = meter.phase(
        "rate@32",
        lambda: interleaved(
            sides, plan["rate_rounds"], lambda s: concurrent_rate(s, plan["rate_calls"])
        ),
    )
    (lat, seq_cpu), (rate, rate_cpu), (chunk, chunk_cpu) = map(_split, (seq, rates, streams))
    flat = [[x * 1000 for rnd in side for x in rnd] for side in lat]
    n_lat = len(flat[0])
    return [
        Row(
            "p50",
            "sequential p50",
            "ms",
            percentile(flat[0], 50),
            percentile(flat[1], 50),
            target=1.10,
            samples=n_lat,
            data={"core": flat[0], "raw": flat[1], "core_cpu": seq_cpu[0], "raw_cpu": seq_cpu[1]},
        ),
        Row(
            "p99",
            "sequential p99",
            "ms",
            percentile(flat[0], 99),
            percentile(flat[1], 99),
            samples=n_lat,
        ),
        Row(
            "rps32",
            "requests/s @32 in flight (async)",
            "req/s",
            median(rate[0]),
            median(rate[1]),
            higher_is_better=True,
            target=0.95,
            samples=plan["rate_rounds"],
            data={"core": rate[0], "raw": rate[1], "core_cpu": rate_cpu[0], "raw_cpu": rate_cpu[1]},
        ),
        Row(
            "stream",
            f"stream chunks/s ({chunks}-chunk stream)",
            "chunks/s",
            median(chunk[0]),
            median(chunk[1]),
            higher_is_better=True,
            target=0.90,
            samples=plan["stream_rounds"],
            data={
                "core": chunk[0],
                "raw": chunk[1],
                "core_cpu": chunk_cpu[0],
                "raw_cpu": chunk_cpu[1],
            },
        ),
    ]
