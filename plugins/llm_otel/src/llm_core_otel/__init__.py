"""OpenTelemetry for llm-core: GenAI semantic-convention spans and metrics for every call.

Installed, the ``otel`` entry point registers :data:`llm_core_otel.plugin.plugin`, which reports
to the global tracer and meter providers the application configures with the OpenTelemetry SDK.
Until one is configured it stays idle (the core skips its hooks). Build your own
:class:`OtelPlugin` to report to explicit providers instead (see the README).
"""

from __future__ import annotations

from llm_core_otel.plugin import CAPTURE_ENV, OtelPlugin

__all__ = ["CAPTURE_ENV", "OtelPlugin", "__version__"]

__version__ = "0.1.0"
