"""The LM Studio provider against raw httpx2, side by side, on the servers the tests use.

    python bench/lmstudio.py            # about 20 seconds
    python bench/lmstudio.py --quick    # a few seconds

Servers run in their own processes (no shared GIL): the LM Studio emulator
(tests/support/lmstudio_emulator.py, models preloaded so no JIT load is timed) for the native
``/api/v0`` paths, and llama.cpp's real server (xllamacpp, tiny GGUF) for the ``/v1`` paths the
provider falls back to. Each row is the median (p50) and p99 per call of ``Client("lmstudio")``
(every core wrapper included; the model-list cache off) and of a hand-written httpx2 call that
sends the same body and reads the same fields. Rounds alternate the sides. "first call" builds
a new client each time: for llama.cpp it includes the provider's one ``/api/v0`` probe (a 404).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx2

from llm_core import Client, Request
from llm_core.openai import chat_body

ROOT = Path(__file__).resolve().parents[1]
EMULATOR = """
import sys, time
sys.path.insert(0, sys.argv[1])
from support.lmstudio_emulator import LMStudioEmulator
server = LMStudioEmulator().start()
for model in server.models.values():
    model.state = "loaded"
print(server.url, flush=True)
sys.stdin.read()
"""
LLAMACPP = """
import sys
sys.path.insert(0, sys.argv[1])
from support.llamacpp import LlamaCppServer
server = LlamaCppServer()
print(server.openai_url, server.model, flush=True)
sys.stdin.read()
"""


def start(code: str) -> tuple[subprocess.Popen, list[str]]:
    """Run a server script in a child process; its first output line says where it listens."""
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(ROOT / "tests")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline().split() if proc.stdout else []
    if not line:
        proc.kill()
        raise RuntimeError("bench server did not start")
    return proc, line


def timed(fn: Callable[[], object], n: int) -> list[float]:
    """Per-call seconds of ``n`` calls."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def side_by_side(
    core: Callable[[], object], raw: Callable[[], object], n: int, rounds: int
) -> tuple[list[float], list[float]]:
    """Warm both, then alternate rounds of ``n`` calls so machine noise hits both alike."""
    core(), raw()
    a: list[float] = []
    b: list[float] = []
    for r in range(rounds):
        if r % 2:
            b += timed(raw, n)
            a += timed(core, n)
        else:
            a += timed(core, n)
            b += timed(raw, n)
    return a, b


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def row(name: str, core: list[float], raw: list[float]) -> dict:
    c50, r50 = pct(core, 50) * 1000, pct(raw, 50) * 1000
    return {
        "row": name,
        "lmstudio_p50_ms": c50,
        "raw_p50_ms": r50,
        "ratio_p50": c50 / r50,
        "lmstudio_p99_ms": pct(core, 99) * 1000,
        "raw_p99_ms": pct(raw, 99) * 1000,
        "samples": len(core),
    }


def raw_chat(http: httpx2.Client, path: str, body: dict) -> str:
    r = http.post(path, json=body)
    r.raise_for_status()
    data = r.json()
    if "error" in data:
        raise RuntimeError(data["error"])
    return data["choices"][0]["message"]["content"]


def raw_stream(http: httpx2.Client, path: str, body: dict) -> str:
    parts = []
    with http.stream("POST", path, json=body) as r:
        r.raise_for_status()
        for line in r.iter_lines():
            if line.startswith("data: ") and line != "data: [DONE]":
                choices = json.loads(line[6:]).get("choices") or [{}]
                parts.append((choices[0].get("delta") or {}).get("content") or "")
    return "".join(parts)


def emulator_rows(url: str, n: int, rounds: int) -> list[dict]:
    model = "qwen2.5-7b-instruct"
    prompt = "a short benchmark prompt " * 4
    body = chat_body(Request(prompt), model, {}, stream=False)
    sbody = chat_body(Request(prompt), model, {}, stream=True)
    out = []
    with (
        Client("lmstudio", base_url=url, model=model, cache={"models_ttl": 0}) as client,
        httpx2.Client(base_url=url) as http,
    ):
        pairs = {
            "emulator generate (/api/v0 + stats)": (
                lambda: client.generate(prompt).metrics["tokens_per_second"],
                lambda: raw_chat(http, "/api/v0/chat/completions", body),
            ),
            "emulator stream (/v1, 17 text chunks)": (
                lambda: client.stream(prompt).until_done(),
                lambda: raw_stream(http, "/v1/chat/completions", sbody),
            ),
            "emulator list_models (/api/v0/models)": (
                client.list_models,
                lambda: http.get("/api/v0/models").json()["data"],
            ),
        }
        for name, (core, raw) in pairs.items():
            out.append(row(name, *side_by_side(core, raw, n, rounds)))
    return out


def llamacpp_rows(url: str, model: str, n: int, rounds: int) -> list[dict]:
    kw = {"max_tokens": 4, "temperature": 0}
    body = chat_body(Request("Hi", **kw), model, {}, stream=False)
    out = []
    with (
        Client("lmstudio", base_url=url, model=model) as client,
        httpx2.Client(base_url=url) as http,
    ):
        core, raw = side_by_side(
            lambda: client.generate("Hi", **kw),
            lambda: raw_chat(http, "/chat/completions", body),
            n,
            rounds,
        )
        out.append(row("llama.cpp generate (/v1, 4 tokens)", core, raw))

    def core_first() -> None:
        with Client("lmstudio", base_url=url, model=model) as fresh:
            fresh.generate("Hi", **kw)

    def raw_first() -> None:
        with httpx2.Client(base_url=url) as fresh:
            raw_chat(fresh, "/chat/completions", body)

    firsts = max(10, n // 5)
    out.append(
        row(
            "llama.cpp first call (new client; + /api/v0 probe)",
            *side_by_side(core_first, raw_first, firsts, rounds),
        )
    )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls")
    parser.add_argument("--json", metavar="PATH", help="also write the rows as JSON")
    args = parser.parse_args()
    n, rounds = (50, 2) if args.quick else (200, 4)
    rows: list[dict] = []
    emulator, (emu_url,) = start(EMULATOR)
    try:
        rows += emulator_rows(emu_url, n, rounds)
    finally:
        emulator.kill()
    llama, (llama_url, model) = start(LLAMACPP)
    try:
        rows += llamacpp_rows(llama_url, model, n, rounds)
    finally:
        llama.kill()
    print(f"{'row':52} {'lmstudio p50':>13} {'raw p50':>9} {'ratio':>6} {'p99 l/r (ms)':>15}")
    for r in rows:
        print(
            f"{r['row']:52} {r['lmstudio_p50_ms']:10.3f} ms {r['raw_p50_ms']:6.3f} ms "
            f"{r['ratio_p50']:5.2f}x {r['lmstudio_p99_ms']:7.2f}/{r['raw_p99_ms']:.2f}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
