"""What comes out: Response, StreamEvent, Usage, Attempt, ModelInfo, Health.

Plain slotted dataclasses, cheap to build on the hot path (a stream builds one event per token).
What goes in is :class:`~llm_core.request.Request` and :mod:`llm_core.messages`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from llm_core.errors import ValidationError
from llm_core.messages import Message, ToolCall

__all__ = [
    "Attempt",
    "Health",
    "ModelInfo",
    "Response",
    "StreamEvent",
    "Usage",
]


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
    """One try at a provider: its error (None if it succeeded) and the wait before the next.

    ``provider`` is the bare provider name (as the observation hooks get it) and ``model`` the
    model configured for that link (None when the request's model was used); ``label`` is the
    two together as messages show them (``ollama:llama3.2``). ``number`` counts from 1 per link.
    ``deployment`` names the router deployment that was tried (None outside a router); the
    label then ends with it: ``ollama:llama3.2@gpu-a:11434``.
    """

    provider: str
    number: int
    error: str | None = None
    error_type: str | None = None
    wait: float = 0.0
    model: str | None = None
    deployment: str | None = None

    @property
    def label(self) -> str:
        """``provider``, ``provider:model``, and ``@deployment`` behind a router."""
        base = f"{self.provider}:{self.model}" if self.model else self.provider
        return f"{base}@{self.deployment}" if self.deployment else base


@dataclass(slots=True)
class Response:
    """A finished generation.

    ``latency`` is seconds from sending to the last byte; ``time_to_first_token`` is set for
    streams. ``attempts`` lists every try (filled by the retry layer), ``fallbacks`` names the
    providers that failed before ``provider`` answered, ``cached`` marks a response-cache hit.
    ``metrics`` holds provider timings in seconds and rates (``tokens_per_second``, ...);
    ``raw`` is the provider's own metadata, untouched. ``parsed`` is the validated object of a
    ``schema=`` request (a model instance, a list, a dict for a raw JSON schema).
    After a tool loop (``client.run``), ``rounds`` holds every round's response and
    ``messages`` the whole conversation with the calls and their results.
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
    parsed: Any = None
    rounds: list[Response] = field(default_factory=list)
    messages: list[Any] = field(default_factory=list)

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
    """One event of a stream: a text delta, or the final event (``done``) with the Response.

    With ``schema=``, ``partial`` is the JSON received so far as plain dicts and lists (not yet
    validated); the final event's ``response.parsed`` is the validated object.
    ``tool_calls`` holds the streamed tool calls this event completed, in index order (one
    chunk may complete several; the final ``response.tool_calls`` lists them all);
    ``tool_call`` is the last of them, for code that expects one call per event. In a
    streamed tool loop (``client.run_stream``) ``tool_result`` is the result message of a call.
    """

    text: str = ""
    thinking: str = ""
    done: bool = False
    response: Response | None = None
    partial: Any = None
    tool_calls: tuple[ToolCall, ...] = ()
    tool_result: Message | None = None

    @property
    def tool_call(self) -> ToolCall | None:
        """The last call this event completed (None if none); see ``tool_calls``."""
        return self.tool_calls[-1] if self.tool_calls else None

    @tool_call.setter
    def tool_call(self, call: ToolCall | None) -> None:
        self.tool_calls = () if call is None else (call,)

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
