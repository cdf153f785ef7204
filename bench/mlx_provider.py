"""The mlx provider against raw mlx-vlm, side by side, on the same model and prompt.

    python bench/mlx_provider.py              # the tiny offline Qwen2-VL, about a minute
    python bench/mlx_provider.py --quick      # fewer rounds, about 20 seconds
    python bench/mlx_provider.py --model mlx-community/Qwen2-VL-2B-Instruct-4bit --tokens 64

Rows (each the median p50 and the p99 per call; rounds alternate the sides):
- generate, text only and with one image: ``Client("mlx").generate`` (every core wrapper
  included) vs ``mlx_vlm.generate`` after ``apply_chat_template``, on a model loaded once;
- stream: ``Client.stream`` read to the end vs iterating ``mlx_vlm.stream_generate``;
- async stream: ``AsyncClient.stream`` vs the same raw loop;
- first call with load, in fresh interpreters: import, load, one generation (median of N);
- memory: the model's weights, mlx-vlm's peak memory and the process RSS after the first call.
Target: every steady-state p50 ratio (llm-core / raw) <= 1.05x.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from report import percentile

os.environ.setdefault("HF_HUB_OFFLINE", "1")

PROMPT = "Describe this picture in detail."
FIRST_CALL = """
import json, os, resource, sys, time
t0 = time.perf_counter()
side, model, image, tokens = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
if side == "llm-core":
    import llm_core
    with llm_core.Client("mlx", model=model) as client:
        r = client.generate("Describe this picture in detail.", images=[image], max_tokens=tokens,
                            temperature=0.0)
    text, peak = r.content, r.metrics["peak_memory_gb"]
else:
    import mlx_vlm
    m, p = mlx_vlm.load(model)
    prompt = mlx_vlm.apply_chat_template(p, m.config, "Describe this picture in detail.",
                                         num_images=1)
    r = mlx_vlm.generate(m, p, prompt, image=[image], max_tokens=tokens, temperature=0.0)
    text, peak = r.text, r.peak_memory
seconds = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)
rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_gb": peak, "rss_mb": rss, "text": text}))
"""


def side_by_side(rounds: int, ours: Callable[[], object], raw: Callable[[], object]) -> dict:
    """Time both callables ``rounds`` times each, alternating which goes first.

    Wall time per call, and process CPU time (every thread, MLX's own included): on a busy
    machine the CPU time is the steadier measure of the work each side does.
    """
    wall: dict[str, list[float]] = {"llm-core": [], "raw": []}
    cpu: dict[str, list[float]] = {"llm-core": [], "raw": []}
    ours(), raw()  # warm-up
    for i in range(rounds):
        order = [("llm-core", ours), ("raw", raw)]
        for name, fn in order if i % 2 else order[::-1]:
            start, start_cpu = time.perf_counter(), time.process_time()
            fn()
            wall[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    return {
        name: {
            "p50": statistics.median(w),
            "min": min(w),
            "p99": percentile(w, 99),
            "cpu": statistics.median(cpu[name]),
        }
        for name, w in wall.items()
    }


def steady_rows(model: str, image: str, tokens: int, rounds: int) -> dict[str, dict]:
    """Generate and stream rows on a loaded model (both sides loaded before timing)."""
    import mlx_vlm

    import llm_core

    m, p = mlx_vlm.load(model)
    prompts = {
        0: mlx_vlm.apply_chat_template(p, m.config, PROMPT, num_images=0),
        1: mlx_vlm.apply_chat_template(p, m.config, PROMPT, num_images=1),
    }
    kw = {"max_tokens": tokens, "temperature": 0.0}
    client = llm_core.Client("mlx", model=model)
    aclient = llm_core.AsyncClient("mlx", model=model)
    ours_text = client.generate(PROMPT, images=[image], **kw).content
    raw_text = mlx_vlm.generate(m, p, prompts[1], image=[image], **kw).text
    assert ours_text == raw_text, (ours_text, raw_text)  # the same work on both sides

    def raw_stream(n_images: int) -> None:
        images = [image] if n_images else None
        for _ in mlx_vlm.stream_generate(m, p, prompts[n_images], image=images, **kw):
            pass

    async def ours_async_stream() -> None:
        async for _ in aclient.stream(PROMPT, images=[image], **kw):
            pass

    loop = asyncio.new_event_loop()
    one = {**kw, "max_tokens": 1}
    rows = {
        "generate, 1 token": side_by_side(
            rounds,
            lambda: client.generate(PROMPT, **one),
            lambda: mlx_vlm.generate(m, p, prompts[0], **one),
        ),
        "generate, text only": side_by_side(
            rounds,
            lambda: client.generate(PROMPT, **kw),
            lambda: mlx_vlm.generate(m, p, prompts[0], **kw),
        ),
        "generate, one image": side_by_side(
            rounds,
            lambda: client.generate(PROMPT, images=[image], **kw),
            lambda: mlx_vlm.generate(m, p, prompts[1], image=[image], **kw),
        ),
        "stream, one image": side_by_side(
            rounds,
            lambda: client.stream(PROMPT, images=[image], **kw).until_done(),
            lambda: raw_stream(1),
        ),
        "async stream, one image": side_by_side(
            rounds, lambda: loop.run_until_complete(ours_async_stream()), lambda: raw_stream(1)
        ),
    }
    response = client.generate(PROMPT, images=[image], **kw)
    rows["_info"] = {
        "generated_tokens": response.usage.completion_tokens,
        "prompt_tokens": response.usage.prompt_tokens,
        "weights_mb": response.raw["weight_bytes"] / 1e6,
        "generation_tps": response.metrics["generation_tokens_per_second"],
        "adapter": repr(client.adapter),
    }
    loop.run_until_complete(aclient.aclose())
    loop.close()
    client.close()
    return rows


def first_call_rows(model: str, image: str, tokens: int, runs: int) -> dict[str, dict]:
    """Fresh interpreters: import + load + one generation, median of ``runs`` per side."""
    out: dict[str, list[dict]] = {"llm-core": [], "raw": []}
    for i in range(runs):
        for side in ("llm-core", "raw") if i % 2 == 0 else ("raw", "llm-core"):
            args = [sys.executable, "-c", FIRST_CALL, side, model, image, str(tokens)]
            done = subprocess.run(
                args, capture_output=True, text=True, check=True, cwd=Path(image).parent
            )
            out[side].append(json.loads(done.stdout.strip().splitlines()[-1]))
    texts = {r["text"] for runs_ in out.values() for r in runs_}
    assert len(texts) == 1, texts
    return {
        side: {
            k: statistics.median(r[k] for r in results)
            for k in ("seconds", "cpu", "peak_gb", "rss_mb")
        }
        for side, results in out.items()
    }


def report(rows: dict, first: dict, args: argparse.Namespace) -> bool:
    """Print the table; True when every steady-state p50 ratio meets the 1.05x target."""
    info = rows.pop("_info")
    print(
        f"\nmodel {args.model_label}: {info['weights_mb']:.2f} MB of weights; "
        f"{info['prompt_tokens']} prompt tokens (with the image), "
        f"{info['generated_tokens']} generated per call, "
        f"~{info['generation_tps']:.0f} tokens/s; {args.rounds} rounds per row"
    )
    print(f"llm-core adapter chain: {info['adapter']}\n")
    head = (
        f"{'row':<26}{'llm-core p50':>13}{'raw p50':>10}{'ratio':>8}{'llm-core p99':>13}"
        f"{'raw p99':>10}{'min ratio':>10}{'cpu ratio':>10}  target (p50)"
    )
    print(head)
    print("-" * len(head))
    ok = True
    for name, r in rows.items():
        ours, raw = r["llm-core"], r["raw"]
        ratio = ours["p50"] / raw["p50"]
        ok &= ratio <= 1.05
        print(
            f"{name:<26}{ours['p50'] * 1e3:>11.1f}ms{raw['p50'] * 1e3:>8.1f}ms{ratio:>7.3f}x"
            f"{ours['p99'] * 1e3:>11.1f}ms{raw['p99'] * 1e3:>8.1f}ms"
            f"{ours['min'] / raw['min']:>9.3f}x"
            f"{ours['cpu'] / raw['cpu']:>9.3f}x  <= 1.05x {'ok' if ratio <= 1.05 else 'MISSED'}"
        )
    o, r = first["llm-core"], first["raw"]
    print(
        f"{'first call incl. load':<26}{o['seconds'] * 1e3:>11.0f}ms{r['seconds'] * 1e3:>8.0f}ms"
        f"{o['seconds'] / r['seconds']:>7.3f}x  (fresh interpreter: import + load + 1 call, "
        f"median of {args.processes}; CPU {o['cpu']:.2f} s vs {r['cpu']:.2f} s = "
        f"{o['cpu'] / r['cpu']:.3f}x)"
    )
    print(
        f"\nmemory after the first call: mlx peak {o['peak_gb'] * 1e3:.1f} MB (llm-core) vs "
        f"{r['peak_gb'] * 1e3:.1f} MB (raw); process RSS {o['rss_mb']:.0f} MB vs "
        f"{r['rss_mb']:.0f} MB"
    )
    return ok


def main() -> int:
    """Run the benchmark; exit status 1 with --check if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="HF id or folder (default: the tiny offline Qwen2-VL)")
    parser.add_argument("--tokens", type=int, default=200, help="tokens per call (default 200)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--processes", type=int, default=3, help="fresh interpreters per side")
    parser.add_argument("--quick", action="store_true", help="8 rounds, 1 process per side")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.processes = 8, 1
    with tempfile.TemporaryDirectory() as tmp:
        model = args.model
        if model is None:
            from llm_core_mlx.tiny_model import build_tiny_qwen2_vl

            model = str(build_tiny_qwen2_vl(Path(tmp) / "tiny-qwen2-vl"))
        args.model_label = args.model or "tiny Qwen2-VL (random weights)"
        from llm_core_mlx.demo import draw_picture

        image = str(draw_picture(Path(tmp) / "scene.png"))
        rows = steady_rows(model, image, args.tokens, args.rounds)
        first = first_call_rows(model, image, args.tokens, args.processes)
        ok = report(rows, first, args)
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    sys.exit(main())
