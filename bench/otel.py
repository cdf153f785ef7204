"""Cost of the OpenTelemetry plugin (plugins/llm_otel) per call, side by side in one run.

    python bench/otel.py [--quick]

One sync ``Client("openai")`` against the OpenAI fake (its own process), in alternating rounds:
``absent`` the plugin unregistered (as if not installed); ``no SDK`` the entry-point plugin with
no SDK configured (idle: the core skips its hooks); ``SDK`` an ``OtelPlugin`` on the real SDK
with in-memory span exporter and metric reader (every span and histogram recorded). Figures are
medians over rounds of microseconds per ``generate``; the ratio is against ``absent``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from resilience import Server

import llm_core


def main() -> None:
    quick = "--quick" in sys.argv
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from llm_core_otel import OtelPlugin

    exporter, tracer_provider = InMemorySpanExporter(), TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    sdk = OtelPlugin(tracer_provider, MeterProvider(metric_readers=[InMemoryMetricReader()]))
    pm = llm_core.get_plugin_manager()
    idle = pm.get_plugin("otel")
    server = Server("fake")
    client = llm_core.Client("openai", base_url=server.url, model="bench")
    n, rounds = (100, 5) if quick else (300, 15)

    def setup(variant: str) -> None:
        for name in ("otel", "bench-otel"):
            if pm.has_plugin(name):
                pm.unregister(name=name)
        if variant == "no SDK" and idle is not None:
            pm.register(idle, name="otel")
        elif variant == "SDK":
            pm.register(sdk, name="bench-otel")

    variants = ("absent", "no SDK", "SDK")
    samples: dict[str, list[float]] = {v: [] for v in variants}
    for r in range(rounds):
        for v in variants[r % 3 :] + variants[: r % 3]:
            setup(v)
            client.generate("hi")  # warm
            start = time.perf_counter()
            for _ in range(n):
                client.generate("hi")
            samples[v].append((time.perf_counter() - start) / n * 1e6)
            exporter.clear()
    setup("no SDK")
    client.close()
    server.close()
    base = statistics.median(samples["absent"])
    print(f"{'sync generate, us per call (median)':40} {'us':>8} {'vs absent':>10}")
    for v in variants:
        med = statistics.median(samples[v])
        print(f"{'  otel ' + v:40} {med:8.1f} {med / base:9.3f}x")


if __name__ == "__main__":
    main()
