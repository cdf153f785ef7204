"""The ``otel`` plugin: llm-core's observation hooks as OpenTelemetry GenAI spans and metrics.

One span per logical call (``chat {model}``, ``embeddings {model}``; an embed call makes one per
batch), opened at ``llm_core_on_call_start`` and ended at ``llm_core_on_call_end`` -- for a
stream that is its final event, its failure, or the caller closing it. Each attempt at a provider
is a child span (``attempt {provider}``); retry waits, fallbacks and cache hits are events on the
call span. Nothing is imported from OpenTelemetry until a call is traced, and while the
application has configured no SDK (the API's proxies are still in place) the plugin tells the
core it observes nothing, so its hooks are skipped.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from llm_core import Call, Embeddings, Request, Response, hookimpl
from llm_core_otel.content import CAPTURE_ENV, capture_enabled, input_messages, output_messages

__all__ = ["CAPTURE_ENV", "OtelPlugin", "plugin"]

_TRACED = ("chat", "embed")
_IDLE_PROVIDERS = {"ProxyTracerProvider", "NoOpTracerProvider"}
_IDLE_METERS = {"_ProxyMeterProvider", "NoOpMeterProvider"}


_TRACE, _METRICS, _MODULES = "opentelemetry.trace", "opentelemetry.metrics", sys.modules


def sdk_configured() -> bool:
    """Whether the application set a real global tracer or meter provider (an SDK)."""
    trace = _MODULES.get(_TRACE)  # not imported: nobody configured anything
    if trace is not None and type(trace.get_tracer_provider()).__name__ not in _IDLE_PROVIDERS:
        return True
    metrics = _MODULES.get(_METRICS)
    return metrics is not None and type(metrics.get_meter_provider()).__name__ not in _IDLE_METERS


class _Traced:
    """What the plugin keeps per call in ``call.state``."""

    __slots__ = ("attempt", "attrs", "span")

    def __init__(self, span: Any, attrs: dict[str, Any]) -> None:
        self.span, self.attrs, self.attempt = span, attrs, None


class OtelPlugin:
    """GenAI spans and metrics for every chat and embed call.

    :param tracer_provider: where spans go (default: the global one the application configures).
    :param meter_provider: where metrics go (default: the global one).
    :param capture_content: record prompts and answers (``gen_ai.input.messages``,
        ``gen_ai.output.messages``); None reads :data:`CAPTURE_ENV`
        (``OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT``; off unless ``true``). Images
        are never recorded, only where they were.
    """

    def __init__(
        self,
        tracer_provider: Any = None,
        meter_provider: Any = None,
        capture_content: bool | None = None,
    ) -> None:
        self.tracer_provider, self.meter_provider = tracer_provider, meter_provider
        self.capture_content = capture_content
        self._live = tracer_provider is not None or meter_provider is not None
        self._otel: Any = None  # (tracer, instruments, trace module, attributes module)

    def observes(self) -> bool:
        """False until an SDK is configured (or providers were given): the core skips us. The
        same answer for every hook, so the core asks once per group of hooks."""
        if self._live:
            return True
        if _TRACE not in _MODULES and _METRICS not in _MODULES:
            return False  # opentelemetry not even imported: nobody configured it (no call)
        self._live = sdk_configured()  # once configured, a global provider stays
        return self._live

    def _parts(self) -> Any:
        if self._otel is None:
            from opentelemetry import metrics, trace

            from llm_core_otel import __version__, attributes
            from llm_core_otel.metrics import Instruments

            tracer = trace.get_tracer(
                "llm_core_otel", __version__, tracer_provider=self.tracer_provider
            )
            meter = metrics.get_meter(
                "llm_core_otel", __version__, meter_provider=self.meter_provider
            )
            self._otel = (tracer, Instruments(meter), trace, attributes)
        return self._otel

    @hookimpl
    def llm_core_on_call_start(self, call: Call) -> None:
        """Open the call's span with what the request says."""
        if call.operation not in _TRACED or not self.observes():
            return  # (the core calls every implementation when any observer is live)
        tracer, _, trace, at = self._parts()
        operation = at.OPERATIONS[call.operation]
        attrs = at.call_attributes(call, operation)
        span = tracer.start_span(
            at.span_name(operation, call.model), kind=trace.SpanKind.CLIENT, attributes=attrs
        )
        if call.operation == "chat" and capture_enabled(self.capture_content):
            span.set_attribute(at.INPUT_MESSAGES, input_messages(call.request.messages))
        call.state[self] = _Traced(span, attrs)

    @hookimpl
    def llm_core_on_request(
        self, call: Call, provider: str, model: str | None, request: Request, attempt: int
    ) -> None:
        """Open a child span for this attempt at ``provider``."""
        traced = call.state.get(self)
        if traced is None:
            return
        tracer, _, trace, at = self._otel
        _end_attempt(traced)
        attrs = {at.OPERATION: traced.attrs[at.OPERATION], at.PROVIDER: provider}
        attrs[at.ATTEMPT], attrs[at.LINK] = attempt, call.link
        if model:
            attrs[at.REQUEST_MODEL] = model
        traced.attempt = tracer.start_span(
            f"attempt {provider}",
            context=trace.set_span_in_context(traced.span),
            kind=trace.SpanKind.INTERNAL,
            attributes=attrs,
        )

    @hookimpl
    def llm_core_on_response(self, call: Call, response: Response) -> None:
        """End the attempt's span with what the provider answered."""
        traced = call.state.get(self)
        if traced is not None and traced.attempt is not None:
            traced.attempt.set_attributes(self._otel[3].response_attributes(response))
            _end_attempt(traced)

    @hookimpl
    def llm_core_on_error(self, call: Call, error: BaseException) -> None:
        """End the attempt's span as failed, with ``error.type``."""
        traced = call.state.get(self)
        if traced is not None and traced.attempt is not None:
            _fail(self._otel, traced.attempt, error)
            _end_attempt(traced)

    @hookimpl
    def llm_core_on_retry(
        self, call: Call, attempt: int, error: BaseException, wait: float
    ) -> None:
        """An event on the call span: the retry layer waits ``wait`` seconds."""
        traced = call.state.get(self)
        if traced is not None:
            at = self._otel[3]
            traced.span.add_event(
                "llm_core.retry",
                {at.ATTEMPT: attempt, at.RETRY_WAIT: wait, at.ERROR_TYPE: at.error_type(error)},
            )

    @hookimpl
    def llm_core_on_fallback(
        self, call: Call, failed: str, error: BaseException, next_provider: str
    ) -> None:
        """An event on the call span: the chain moves from ``failed`` to ``next_provider``."""
        traced = call.state.get(self)
        if traced is not None:
            at = self._otel[3]
            attrs = {at.FALLBACK_FROM: failed, at.FALLBACK_TO: next_provider}
            traced.span.add_event(
                "llm_core.fallback", {**attrs, at.ERROR_TYPE: at.error_type(error)}
            )

    @hookimpl
    def llm_core_on_cache_hit(self, call: Call, kind: str) -> None:
        """An event on the call span: a cache answered (no provider was asked)."""
        traced = call.state.get(self)
        if traced is not None:
            at = self._otel[3]
            traced.span.add_event("llm_core.cache_hit", {at.CACHE_KIND: kind})
            traced.span.set_attribute(at.CACHE_HIT, True)

    @hookimpl
    def llm_core_on_call_end(
        self, call: Call, response: Response | Embeddings | None, error: BaseException | None
    ) -> None:
        """End the call's span and record its duration, tokens and time to first chunk."""
        traced = call.state.pop(self, None)
        if traced is None:
            return
        ended = time.perf_counter()
        _, instruments, _, at = self._otel
        span, attrs = traced.span, traced.attrs
        _end_attempt(traced)  # a stream closed early leaves its attempt open
        ttft = None if call.first_token is None else call.first_token - call.started
        if ttft is not None:
            span.set_attribute(at.TTFT, ttft)
        if response is not None:
            attrs.update(at.response_attributes(response))
            span.set_attributes(attrs)
            if isinstance(response, Response) and capture_enabled(self.capture_content):
                span.set_attribute(at.OUTPUT_MESSAGES, output_messages(response))
        elif error is not None:
            _fail(self._otel, span, error)
        elif call.stream:
            span.set_attribute(at.CLOSED_EARLY, True)
        span.end()
        instruments.record(at.metric_attributes(attrs, error), ended - call.started, response, ttft)


def _end_attempt(traced: _Traced) -> None:
    if traced.attempt is not None:
        traced.attempt.end()
        traced.attempt = None


def _fail(otel: Any, span: Any, error: BaseException) -> None:
    trace, at = otel[2], otel[3]
    kind = at.error_type(error)
    span.set_attribute(at.ERROR_TYPE, kind)
    span.set_status(trace.Status(trace.StatusCode.ERROR, f"{kind}: {error}"[:1000]))


#: The instance the ``otel`` entry point registers: global providers, capture by environment.
plugin = OtelPlugin()
