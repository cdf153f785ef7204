"""The Ollama provider against raw httpx2 on the Ollama wire, side by side in one run.

    python bench/ollama.py                     # about 30 seconds
    python bench/ollama.py --quick             # a few seconds
    python bench/ollama.py --server emulator   # the tests' Ollama emulator instead
    python bench/ollama.py --json out.json     # also write every figure as JSON

The server runs in its own process (no shared GIL): by default ``bench/ollama_server.py``,
which answers ``/api/chat`` from pre-built bytes so the clients, not the server, are measured;
``--server emulator`` uses tests/support/ollama_emulator.py (Python threads, much slower per
piece, so the client ratio says less there). Rows:

- stream chunks/s: ``Client("ollama").stream`` (every core wrapper included) against a
  hand-written ``httpx2`` loop doing ``iter_lines`` + ``json.loads`` on the same NDJSON, with
  the same body (built by the plugin's own ``chat_body``). Target >= 0.9x raw.
- sequential latency p50 / p99 of a non-streamed chat: ``Client.generate`` against
  ``httpx2.post`` + ``.json()``. Target p50 <= 1.1x raw.
- the same rows for the plugin's ``OllamaAdapter`` used alone (no Client, no core wrappers),
  to show which share of the overhead is the plugin's and which is the core's.

Each round is one stream or one call per side, alternating which side goes first, so load
from other processes hits both sides alike. The client's CPU time per chunk and per call
(``time.process_time``; the server is another process) is shown too: it does not depend on
how busy the machine is.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2
from report import Row, median, percentile, render, rows_as_json

from llm_core import Client, Request
from llm_core_ollama.wire import chat_body

ROOT = Path(__file__).resolve().parents[1]
MODEL, PROMPT = "llama3.2", "Say hello."
PLANS = {"quick": {"calls": 500, "streams": 10, "chunks": 1000},
         "full": {"calls": 4000, "streams": 60, "chunks": 2000}}  # fmt: skip
EMULATOR = """
import sys
sys.path.insert(0, sys.argv[1])
from support.ollama_emulator import OllamaEmulator
server = OllamaEmulator(words=int(sys.argv[2])).start()
print(server.url, flush=True)
sys.stdin.read()
"""


def start_server(kind: str, chunks: int) -> tuple[subprocess.Popen, str]:
    """The server process and its base URL (the first line it prints)."""
    if kind == "emulator":
        args = ["-c", EMULATOR, str(ROOT / "tests"), str(chunks)]
    else:
        args = [str(Path(__file__).with_name("ollama_server.py")), "--stream-chunks", str(chunks)]
    proc = subprocess.Popen([sys.executable, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    url = proc.stdout.readline().strip() if proc.stdout else ""
    if not url.startswith("http://"):
        proc.kill()
        raise RuntimeError(f"bench server did not start (said {url!r})")
    return proc, url


class CoreSide:
    """llm-core's Client for provider ``ollama`` (model-list cache off; nothing else changed)."""

    name = "llm-core"

    def __init__(self, url: str) -> None:
        self.client = Client("ollama", base_url=url, model=MODEL, cache={"models_ttl": 0})

    def call(self) -> str:
        return self.client.generate(PROMPT).content

    def stream(self, n: int) -> int:
        count = 0
        for event in self.client.stream(PROMPT, max_tokens=n):
            if event.text:
                count += 1
        return count

    def close(self) -> None:
        self.client.close()


class AdapterSide(CoreSide):
    """The plugin's OllamaAdapter alone, without Client and the core's wrappers (diagnostic)."""

    name = "adapter alone"

    def __init__(self, url: str) -> None:
        from llm_core import ProviderConfig
        from llm_core_ollama.adapter import OllamaAdapter

        self.client = OllamaAdapter(ProviderConfig(provider="ollama", base_url=url, model=MODEL))
        self.request = Request(PROMPT)

    def call(self) -> str:
        return self.client.generate(self.request).content

    def stream(self, n: int) -> int:
        request = Request(PROMPT, max_tokens=n)
        return sum(1 for event in self.client.stream(request) if event.text)


class RawSide:
    """A hand-written httpx2 client sending the same bodies and reading the same fields."""

    name = "raw httpx2"

    def __init__(self, url: str) -> None:
        self.http = httpx2.Client(base_url=url, timeout=httpx2.Timeout(5.0, read=600.0))
        self.body = chat_body(Request(PROMPT), MODEL, {}, stream=False)

    def call(self) -> str:
        r = self.http.post("/api/chat", json=self.body)
        r.raise_for_status()
        return r.json()["message"]["content"]

    def stream(self, n: int) -> int:
        body = chat_body(Request(PROMPT, max_tokens=n), MODEL, {}, stream=True)
        count = 0
        with self.http.stream("POST", "/api/chat", json=body) as r:
            r.raise_for_status()
            for line in r.iter_lines():
                if not line:
                    continue
                data = json.loads(line)
                if "error" in data:
                    raise RuntimeError(data["error"])
                if data["message"]["content"]:
                    count += 1
                if data["done"]:
                    break
        return count

    def close(self) -> None:
        self.http.close()


def interleave(sides: list[Any], rounds: int, measure: Any) -> list[list[Any]]:
    """``measure(side)`` for each side in turn, ``rounds`` times, alternating which goes first.

    Rounds are short (one stream, one call), so load from other processes on a busy machine
    hits both sides alike instead of whichever side happened to run during a noisy second.
    """
    results: list[list[Any]] = [[] for _ in sides]
    for i in range(rounds):
        for k in range(len(sides)) if i % 2 == 0 else reversed(range(len(sides))):
            results[k].append(measure(sides[k]))
    return results


def timed(fn: Any) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) of one call of ``fn``."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def one_stream(side: Any, chunks: int) -> tuple[float, float]:
    def run() -> None:
        got = side.stream(chunks)
        if got != chunks:
            raise RuntimeError(f"{side.name}: expected {chunks} chunks, got {got}")

    return timed(run)


def run(kind: str, plan: dict[str, int]) -> list[Row]:
    """Measure both sides against one server process."""
    proc, url = start_server(kind, plan["chunks"])
    sides = [CoreSide(url), RawSide(url), AdapterSide(url)]
    n = plan["chunks"]
    try:
        for side in sides:  # warm up: connections, imports, caches
            for _ in range(50):
                side.call()
            side.stream(n)
        gc.collect()
        streams = interleave(sides, plan["streams"], lambda s: one_stream(s, n))
        calls = interleave(sides, plan["calls"], lambda s: timed(s.call))
    finally:
        for side in sides:
            side.close()
        proc.kill()
        proc.wait()
    rates = [[n / wall for wall, _ in side] for side in streams]
    cpu_chunk = [[cpu / n * 1e6 for _, cpu in side] for side in streams]
    wall_ms = [[wall * 1000 for wall, _ in side] for side in calls]
    cpu_call = [[cpu * 1e6 for _, cpu in side] for side in calls]
    where = "emulator" if kind == "emulator" else "ollama wire"
    rows = []
    for k, suffix in ((0, ""), (2, " (adapter alone)")):
        rows += [
            Row("stream_chunks_per_s", f"stream chunks/s, {where}{suffix}", "chunks/s",
                median(rates[k]), median(rates[1]), higher_is_better=True,
                target=None if k else 0.9, samples=len(rates[k]),
                data={"core": rates[k], "raw": rates[1]}),
            Row("stream_cpu_us_per_chunk", f"client CPU per chunk{suffix}", "us",
                median(cpu_chunk[k]), median(cpu_chunk[1]), samples=len(rates[k])),
            Row("p50_ms", f"sequential p50, {where}{suffix}", "ms", percentile(wall_ms[k], 50),
                percentile(wall_ms[1], 50), target=None if k else 1.1, samples=len(wall_ms[k])),
            Row("p99_ms", f"sequential p99, {where}{suffix}", "ms", percentile(wall_ms[k], 99),
                percentile(wall_ms[1], 99), samples=len(wall_ms[k])),
            Row("cpu_us_per_call", f"client CPU per call{suffix}", "us", median(cpu_call[k]),
                median(cpu_call[1]), samples=len(wall_ms[k])),
        ]  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table (exit 1 if a target is missed)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a short run")
    parser.add_argument("--server", choices=("fast", "emulator"), default="fast")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    rows = run(args.server, PLANS["quick" if args.quick else "full"])
    print(render(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows_as_json(rows), indent=2))
    return 0 if all(row.ok is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
