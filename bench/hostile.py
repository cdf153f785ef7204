"""Hostile answers with the real defaults: how long each call takes to end and the client's peak
RSS, for the cases of issue 17 (``timeouts.total`` = 3 s, default limits: 32 MiB per answer,
1 MiB per line).

Each case runs in a fresh child process (so ``ru_maxrss`` is that call's peak alone) against a
:class:`~llm_core.testing.hostile.HostileServer` in this process::

    python bench/hostile.py            # every case, a table
    python bench/hostile.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from llm_core.testing.hostile import HostileServer

TOTAL = 3.0
SSE_EVENT = b'data: {"choices":[{"delta":{"content":"hi"}}]}\n\n'
MB = 1 << 20

#: (name, provider, mode, HostileServer keyword arguments)
CASES = [
    (
        "one event then endless blank lines",
        "openai",
        "stream",
        {"kind": "endless", "prefix": SSE_EVENT, "pattern": b"\n", "repeat": 64, "interval": 0.001},
    ),
    (
        "endless spaces, no newline (SSE)",
        "openai",
        "stream",
        {"kind": "endless", "pattern": b" ", "repeat": 4096, "interval": 0.0},
    ),
    (
        "endless spaces, slow (SSE)",
        "openai",
        "stream",
        {"kind": "endless", "pattern": b" ", "repeat": 64, "interval": 0.001},
    ),
    ("stream dripping 1 byte / 50 ms", "openai", "stream", {"kind": "drip", "interval": 0.05}),
    (
        "JSON dripping 1 byte / 50 ms, 10 MB Content-Length",
        "openai",
        "generate",
        {"kind": "drip", "interval": 0.05, "length": 10_000_000},
    ),
    (
        "headers dripping 1 byte / 50 ms",
        "openai",
        "generate",
        {"kind": "drip", "interval": 0.05, "drip_head": True},
    ),
    (
        "endless spaces, no newline (NDJSON)",
        "ollama",
        "stream",
        {"kind": "endless", "pattern": b" ", "repeat": 4096, "interval": 0.0},
    ),
    (
        "endless spaces, slow (NDJSON)",
        "ollama",
        "stream",
        {"kind": "endless", "pattern": b" ", "repeat": 64, "interval": 0.001},
    ),
    ("gzip JSON inflating to 256 MB", "openai", "generate", {"kind": "gzip", "size": 256 * MB}),
    (
        "one 200 MB SSE line",
        "openai",
        "stream",
        {"kind": "big", "prefix": b"data: ", "size": 200 * MB},
    ),
    (
        "gzip SSE body inflating to 256 MB",
        "openai",
        "stream",
        {"kind": "gzip", "prefix": SSE_EVENT, "pattern": b"\n", "size": 256 * MB},
    ),
]

CHILD = r"""
import json, resource, sys, time
import llm_core
provider, mode, url, total = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
kwargs = dict(provider=provider, model="m", base_url=url, retry={"max_attempts": 1},
              timeouts={"total": total})
client = llm_core.Client(**kwargs)
started = time.monotonic()  # the call alone: the deadline starts with it
try:
    list(client.stream("hi")) if mode == "stream" else client.generate("hi")
    outcome = "answered"
except llm_core.LLMError as exc:
    cause = exc.__cause__
    outcome = type(exc).__name__ + (f"(phase={exc.phase})" if hasattr(exc, "phase") else "")
    if cause is not None:
        outcome += f" from {type(cause).__name__}(phase={getattr(cause, 'phase', '?')})"
    outcome += ": " + exc.message[:70]
took = time.monotonic() - started
client.close()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": took, "peak_rss_mb": peak, "outcome": outcome}))
"""

BASELINE = "import resource, llm_core; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def run_case(provider: str, mode: str, server_kwargs: dict) -> dict:
    """One case in a child process: its seconds, peak RSS (MB) and outcome."""
    with HostileServer(**server_kwargs) as server:
        path = "/v1" if provider == "openai" else ""
        argv = [sys.executable, "-c", CHILD, provider, mode, server.url + path, str(TOTAL)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    if done.returncode:
        return {"seconds": None, "peak_rss_mb": None, "outcome": done.stderr[-300:]}
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    base = subprocess.run([sys.executable, "-c", BASELINE], capture_output=True, text=True)
    baseline = int(base.stdout) / 1024
    print(
        f"timeouts.total = {TOTAL} s; peak RSS of a child that only imports llm_core: "
        f"{baseline:.1f} MB\n"
    )
    print("| case | provider | call | ended after (s) | peak RSS (MB) | outcome |")
    print("|---|---|---|---|---|---|")
    rows = []
    for name, provider, mode, server_kwargs in CASES:
        started = time.monotonic()
        row = {
            "case": name,
            "provider": provider,
            "mode": mode,
            **run_case(provider, mode, server_kwargs),
        }
        row["wall"] = time.monotonic() - started
        rows.append(row)
        secs = "-" if row["seconds"] is None else f"{row['seconds']:.2f}"
        rss = "-" if row["peak_rss_mb"] is None else f"{row['peak_rss_mb']:.1f}"
        print(f"| {name} | {provider} | {mode} | {secs} | {rss} | {row['outcome']} |", flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"total": TOTAL, "baseline_rss_mb": baseline, "rows": rows}, out, indent=1)


if __name__ == "__main__":
    main()
