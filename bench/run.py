"""Benchmark llm-core against raw httpx2 on the same local server, side by side in one run.

    python bench/run.py                 # full run (a minute or two)
    python bench/run.py --quick         # short run
    python bench/run.py --json out.json # also write every figure and sample as JSON

Fresh-process figures (import, first call, RSS) are medians over several new interpreters;
in-process figures alternate the two sides round by round so machine noise hits both alike.
See bench/README.md for what each row means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from phases import PLANS, Meter, fresh_rows, log, loop_rows
from report import median, render, rows_as_json

import llm_core

CPU_UNITS = {
    "import": "ms",
    "first_call": "ms",
    "p50": "us per call",
    "rps32": "us per call",
    "stream": "us per chunk",
}


class BenchServer:
    """``bench/server.py`` in its own process (so it never shares the client's GIL)."""

    def __init__(self, chunks: int) -> None:
        script = Path(__file__).with_name("server.py")
        self.proc = subprocess.Popen(
            [sys.executable, str(script), "--port", "0", "--stream-chunks", str(chunks)],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip() if self.proc.stdout else ""
        if not line.startswith("http://"):
            self.close()
            raise RuntimeError(f"bench server did not start (said {line!r})")
        self.url = line

    def cpu_seconds(self) -> float | None:
        """User + system CPU the server has used so far (Linux only)."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        """Stop the server process."""
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def describe(url: str) -> dict[str, Any]:
    """What was measured: versions, installed plugins, the adapters Client resolves."""
    client = llm_core.Client("openai", base_url=url + "/v1", model="bench")
    aclient = llm_core.AsyncClient("openai", base_url=url + "/v1", model="bench")
    eps = metadata.entry_points(group="llm_core")
    meta = {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "llm_core": llm_core.__version__,
        "httpx2": metadata.version("httpx2"),
        "server": url,
        "entry_points": sorted(f"{ep.name} ({ep.dist.name if ep.dist else '?'})" for ep in eps),
        "client_adapter": repr(client.adapter),
        "async_client_adapter": repr(aclient.adapter),
    }
    client.close()
    return meta


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; 1 with ``--check`` if a target is missed."""
    parser = argparse.ArgumentParser(description="llm-core vs raw httpx2 on a local server")
    parser.add_argument("--quick", action="store_true", help="short run (fewer repetitions)")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON here")
    parser.add_argument("--chunks", type=int, default=1000, help="chunks per stream (1000)")
    parser.add_argument("--url", help="use a running bench server instead of starting one")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    plan = PLANS["quick" if args.quick else "full"]
    server = None if args.url else BenchServer(args.chunks)
    url = args.url or server.url
    meter = Meter(server)
    try:
        meta = describe(url)
        log(f"bench server {url}; measuring ({'quick' if args.quick else 'full'} run)")
        rows = fresh_rows(url, plan, meta)
        rows += loop_rows(url, plan, args.chunks, meter)
    finally:
        if server is not None:
            server.close()
    meta["providers"] = meta.pop("import_info")
    meta.pop("first_call_info", None)
    meta["server_cpu_share"] = meter.shares
    print(render(rows))
    print()
    print(
        f"providers discovered: {', '.join(meta['providers'])}; entry points: "
        f"{', '.join(meta['entry_points']) or 'none'}"
    )
    print(f"Client resolves: {meta['client_adapter']}")
    print(
        "server CPU (share of one core) while measuring: "
        + ", ".join(f"{k} {v:.0%}" for k, v in meter.shares.items())
    )
    print("client CPU time instead of wall time (steadier on a busy machine):")
    for row in rows:
        if "core_cpu" in row.data:
            core_cpu, raw_cpu = median(row.data["core_cpu"]), median(row.data["raw_cpu"])
            unit = CPU_UNITS.get(row.key, "us per operation")
            print(
                f"  {row.label}: {core_cpu:.1f} vs {raw_cpu:.1f} {unit} ({core_cpu / raw_cpu:.3f}x)"
            )
    print(f"python {meta['python']} on {meta['platform']}, {meta['cpus']} CPUs")
    if args.json:
        Path(args.json).write_text(
            json.dumps({"meta": meta, "plan": plan, "rows": rows_as_json(rows)}, indent=2)
        )
    return 1 if args.check and any(r.ok is False for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
