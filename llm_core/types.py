"""The data model: Request in; Response, StreamEvent, ModelInfo, Health out.

Inputs are validated on construction (a bad value raises ValidationError naming the field);
outputs are plain slotted dataclasses, cheap to build on the hot path.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any

from llm_core.errors import ValidationError
from llm_core.messages import Message, ToolCall, coerce_messages

__all__ = [
    "Attempt",
    "Health",
    "ModelInfo",
    "Request",
    "Response",
    "StreamEvent",
    "Usage",
]


@dataclass(slots=True)
class Request:
    """What to generate: messages plus sampling settings and provider-specific ``options``.

    ``options`` are validated by the provider that runs the request: an unknown option name is
    a :class:`~llm_core.errors.ConfigurationError`, never silently dropped.
    ``response_format`` is a JSON schema (a dict) the answer must follow.
    ``tools`` is reserved for tool calling (a later release).
    """

    messages: list[Message]
    model: str | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    stop: list[str] | None = None
    seed: int | None = None
    response_format: dict[str, Any] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    tools: list[dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        self.messages = coerce_messages(self.messages)
        _check_range("temperature", self.temperature, 0.0, 2.0)
        _check_range("top_p", self.top_p, 0.0, 1.0)
        if self.max_tokens is not None and (
            not isinstance(self.max_tokens, int)
            or isinstance(self.max_tokens, bool)
            or self.max_tokens < 1
        ):
            raise ValidationError(
                f"max_tokens must be a positive integer, got {self.max_tokens!r}",
                hint="Pass max_tokens=256 or leave it out for the provider's default.",
            )
        if self.seed is not None and (
            not isinstance(self.seed, int) or isinstance(self.seed, bool)
        ):
            raise ValidationError(f"seed must be an integer, got {self.seed!r}")
        if isinstance(self.stop, str):
            self.stop = [self.stop]
        if self.stop is not None and not all(isinstance(s, str) and s for s in self.stop):
            raise ValidationError(f"stop must be a list of non-empty strings, got {self.stop!r}")
        if self.response_format is not None and not isinstance(self.response_format, dict):
            raise ValidationError(
                "response_format must be a JSON schema (a dict), "
                f"got {type(self.response_format).__name__}",
                hint='Pass e.g. {"type": "object", "properties": {"name": {"type": "string"}}}.',
            )
        if not isinstance(self.options, dict):
            raise ValidationError(f"options must be a dict, got {type(self.options).__name__}")

    def with_model(self, model: str | None) -> Request:
        """A copy with another model name (fallbacks use this)."""
        return replace(self, model=model)

    @property
    def is_deterministic(self) -> bool:
        """True when the same request should give the same answer (temperature 0 or a seed)."""
        return self.seed is not None or self.temperature == 0

    def cache_key_material(self) -> str:
        """A canonical JSON string of everything that shapes the answer (never credentials)."""
        msgs = [
            [
                m.role,
                m.content
                if isinstance(m.content, str)
                else [p.text if hasattr(p, "text") else p.image.cache_token() for p in m.content],
                m.name,
                m.tool_call_id,
            ]
            for m in self.messages
        ]
        body = [
            msgs,
            self.model,
            self.temperature,
            self.max_tokens,
            self.top_p,
            self.stop,
            self.seed,
            self.response_format,
            self.options,
            self.tools,
        ]
        return json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))


def _check_range(name: str, value: float | None, low: float, high: float) -> None:
    if value is None:
        return
    if (
        not isinstance(value, int | float)
        or isinstance(value, bool)
        or math.isnan(value)
        or not low <= value <= high
    ):
        raise ValidationError(
            f"{name} must be a number from {low} to {high}, got {value!r}",
            hint=f"Pass {name}={low} for the most predictable output.",
        )


@dataclass(slots=True)
class Usage:
    """Token counts; ``None`` where the provider did not say."""

    prompt_tokens: int | None = None
    completion_tokens: int | None = None

    @property
    def total_tokens(self) -> int | None:
        """Prompt plus completion tokens, if both are known."""
        if self.prompt_tokens is None or self.completion_tokens is None:
            return None
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class Attempt:
    """One try at a provider: its error (None if it succeeded) and the wait before the next."""

    provider: str
    number: int
    error: str | None = None
    error_type: str | None = None
    wait: float = 0.0


@dataclass(slots=True)
class Response:
    """A finished generation.

    ``latency`` is seconds from sending to the last byte; ``time_to_first_token`` is set for
    streams. ``attempts`` lists every try (filled by the retry layer), ``fallbacks`` names the
    providers that failed before ``provider`` answered, ``cached`` marks a response-cache hit.
    ``metrics`` holds provider timings in seconds and rates (``tokens_per_second``, ...);
    ``raw`` is the provider's own metadata, untouched.
    """

    content: str
    model: str
    provider: str
    finish_reason: str | None = None
    usage: Usage = field(default_factory=Usage)
    latency: float = 0.0
    time_to_first_token: float | None = None
    thinking: str = ""
    tool_calls: list[ToolCall] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    fallbacks: list[Attempt] = field(default_factory=list)
    cached: bool = False
    metrics: dict[str, float] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """Alias of ``content``."""
        return self.content

    def json(self) -> Any:
        """Parse ``content`` as JSON (for ``response_format`` requests)."""
        try:
            return json.loads(self.content)
        except ValueError as exc:
            raise ValidationError(f"response content is not JSON: {exc}") from None


@dataclass(slots=True)
class StreamEvent:
    """One event of a stream: a text delta, or the final event (``done``) with the Response."""

    text: str = ""
    thinking: str = ""
    done: bool = False
    response: Response | None = None

    @property
    def finish_reason(self) -> str | None:
        """Why generation stopped (final event only)."""
        return self.response.finish_reason if self.response else None

    @property
    def usage(self) -> Usage | None:
        """Token usage (final event only)."""
        return self.response.usage if self.response else None


@dataclass(slots=True)
class ModelInfo:
    """A model a provider can serve; fields are None where the provider does not know."""

    id: str
    provider: str
    vision: bool | None = None
    context_length: int | None = None
    size_bytes: int | None = None
    loaded: bool | None = None
    family: str | None = None
    parameter_size: str | None = None
    quantization: str | None = None
    format: str | None = None
    type: str | None = None
    modified_at: str | None = None
    capabilities: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Health:
    """Whether a provider answers: ``ok``, round-trip ``latency`` (s), server ``version``."""

    ok: bool
    provider: str
    latency: float = 0.0
    version: str | None = None
    detail: str = ""
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
