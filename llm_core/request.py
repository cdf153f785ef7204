"""What goes in: a :class:`Request` (messages plus sampling settings), validated on construction.

A bad value raises :class:`~llm_core.errors.ValidationError` naming the field and the fix; the
messages themselves are checked by :mod:`llm_core.messages`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from llm_core.checks import check_json, check_optional_str
from llm_core.errors import ValidationError
from llm_core.messages import Message, coerce_messages

__all__ = ["Request"]


@dataclass(slots=True)
class Request:
    """What to generate: messages plus sampling settings and provider-specific ``options``.

    ``options`` are validated by the provider that runs the request: an unknown option name is
    a :class:`~llm_core.errors.ConfigurationError`, never silently dropped.
    ``response_format`` is a JSON schema (a dict) the answer must follow.
    ``tools`` are tool specs in the OpenAI shape; functions and :class:`~llm_core.tools.Tool`
    objects are turned into specs (``specs/tools.md``). ``tool_choice`` is ``"auto"``,
    ``"none"``, ``"required"``, a tool name, or the OpenAI object naming one.
    ``schema`` (a pydantic model, a type pydantic adapts, or a JSON-schema dict) asks for a
    validated object on ``Response.parsed``; it becomes a :class:`~llm_core.Schema` and sets
    ``response_format``. ``repair`` is how many times a failing answer is sent back to the model
    with the validation error (None: the default, 1; ``specs/structured-output.md``).
    """

    #: Which adapter method a layer's one-shot logic sends this to (see Layer.generate_of).
    operation: ClassVar[str] = "generate"

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
    schema: Any = None
    repair: int | None = None
    tool_choice: Any = None

    def __post_init__(self) -> None:
        self.messages = coerce_messages(self.messages)
        if self.tool_choice is not None or (
            self.tools is not None
            and (type(self.tools) is not list or not all(type(t) is dict for t in self.tools))
        ):
            from llm_core.tools.request import check_tools

            check_tools(self)
        if self.schema is not None or self.repair is not None:
            from llm_core.structured.request import check_structured

            check_structured(self)
        # Each check only for a field that was given: most requests set one or two.
        if self.temperature is not None:
            _check_range("temperature", self.temperature, 0.0, 2.0)
        if self.top_p is not None:
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
        if self.model is not None:
            check_optional_str("model", self.model)
        if self.stop is not None:  # each field's checks under one test: most are not given
            if isinstance(self.stop, str):
                self.stop = [self.stop]
            if not isinstance(self.stop, list | tuple) or not all(
                isinstance(s, str) and s for s in self.stop
            ):
                raise ValidationError(
                    f"stop must be a list of non-empty strings, got {self.stop!r:.80}",
                    hint="Pass stop=['\\n\\n'] or stop='END'.",
                )
            self.stop = list(self.stop)
            check_json("stop", self.stop)
        if self.response_format is not None:
            if not isinstance(self.response_format, dict):
                raise ValidationError(
                    "response_format must be a JSON schema (a dict), "
                    f"got {type(self.response_format).__name__}",
                    hint='Pass e.g. {"type": "object", "properties": '
                    '{"name": {"type": "string"}}}.',
                )
            check_json("response_format", self.response_format)
        if type(self.options) is not dict or self.options:
            if not isinstance(self.options, dict):
                raise ValidationError(f"options must be a dict, got {type(self.options).__name__}")
            check_json("options", self.options)
        if self.tools is not None:
            if not isinstance(self.tools, list) or not all(isinstance(t, dict) for t in self.tools):
                raise ValidationError(
                    f"tools must be a list of dicts, got {self.tools!r:.80}",
                    hint='Pass tools=[{"type": "function", "function": {...}}] or leave it out.',
                )
            check_json("tools", self.tools)

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
            *([self.tool_choice] if self.tool_choice is not None else []),
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
