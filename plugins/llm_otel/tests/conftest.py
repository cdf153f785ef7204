"""Fixtures for the OpenTelemetry plugin's tests: the real SDK with in-memory exporters.

``otel``: an :class:`~llm_core_otel.OtelPlugin` on an SDK tracer provider (in-memory span
exporter) and meter provider (in-memory reader), registered for the test only -- the process's
global providers are never set, so the entry-point plugin stays idle in every other test.
``ollama``: the Ollama emulator on a real loopback socket.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

pytest.importorskip("opentelemetry.sdk", reason="needs the SDK: pip install opentelemetry-sdk")

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import (
    InMemorySpanExporter,
)
from support.ollama_emulator import OllamaEmulator

import llm_core
from llm_core_otel import OtelPlugin


@pytest.fixture
def ollama() -> Iterator[OllamaEmulator]:
    with OllamaEmulator() as server:
        yield server


@pytest.fixture
def otel() -> Iterator[SimpleNamespace]:
    exporter, reader = InMemorySpanExporter(), InMemoryMetricReader()
    tracer_provider = TracerProvider()
    tracer_provider.add_span_processor(SimpleSpanProcessor(exporter))
    meter_provider = MeterProvider(metric_readers=[reader])
    plugin = OtelPlugin(tracer_provider, meter_provider)
    pm = llm_core.get_plugin_manager()
    pm.register(plugin, name="test-otel")

    def spans(prefix: str = "") -> list:
        return [s for s in exporter.get_finished_spans() if s.name.startswith(prefix)]

    def points(name: str) -> list:
        data = reader.get_metrics_data()
        return [
            p
            for rm in (data.resource_metrics if data else [])
            for sm in rm.scope_metrics
            for m in sm.metrics
            if m.name == name
            for p in m.data.data_points
        ]

    yield SimpleNamespace(plugin=plugin, spans=spans, points=points)
    pm.unregister(name="test-otel")
    tracer_provider.shutdown()
    meter_provider.shutdown()
