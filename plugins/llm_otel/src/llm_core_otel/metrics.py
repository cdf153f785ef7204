"""The GenAI client metrics: operation duration, token usage, and time to first chunk.

Histogram names and units follow the conventions (``gen_ai.client.operation.duration`` in s,
``gen_ai.client.token.usage`` in ``{token}``, ``gen_ai.client.operation.time_to_first_chunk`` in
s), with the bucket boundaries they recommend.
"""

from __future__ import annotations

from typing import Any

from opentelemetry.semconv._incubating.attributes import gen_ai_attributes as ga
from opentelemetry.semconv._incubating.metrics import gen_ai_metrics as gm

from llm_core import Embeddings, Response

__all__ = ["Instruments"]

_DURATION_BUCKETS = [0.01 * 2**i for i in range(14)]  # 0.01 s .. 81.92 s
_TOKEN_BUCKETS = [4**i for i in range(14)]  # 1 .. 67108864
_TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0]
_INPUT = ga.GenAiTokenTypeValues.INPUT.value
_OUTPUT = ga.GenAiTokenTypeValues.OUTPUT.value


class Instruments:
    """The three histograms, created once on ``meter``."""

    def __init__(self, meter: Any) -> None:
        self.duration = meter.create_histogram(
            gm.GEN_AI_CLIENT_OPERATION_DURATION,
            unit="s",
            description="GenAI operation duration.",
            explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
        )
        self.tokens = meter.create_histogram(
            gm.GEN_AI_CLIENT_TOKEN_USAGE,
            unit="{token}",
            description="Number of input and output tokens used.",
            explicit_bucket_boundaries_advisory=_TOKEN_BUCKETS,
        )
        self.ttft = meter.create_histogram(
            gm.GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
            unit="s",
            description="Time from the request to the first chunk of a streamed answer.",
            explicit_bucket_boundaries_advisory=_TTFT_BUCKETS,
        )

    def record(
        self,
        attrs: dict[str, Any],
        seconds: float,
        response: Response | Embeddings | None,
        ttft: float | None,
    ) -> None:
        """One finished call: its duration, its token counts, and a stream's first chunk."""
        self.duration.record(seconds, attrs)
        if ttft is not None:
            self.ttft.record(ttft, attrs)
        if response is None or response.cached is True:
            return  # a cached chat answer used no tokens (an embed batch counts what it sent)
        if isinstance(response, Embeddings):
            counts = ((_INPUT, response.prompt_tokens),)
        else:
            counts = (
                (_INPUT, response.usage.prompt_tokens),
                (_OUTPUT, response.usage.completion_tokens),
            )
        for kind, count in counts:
            if count is not None:
                self.tokens.record(count, {**attrs, ga.GEN_AI_TOKEN_TYPE: kind})
