"""The :class:`Structured` layer: validates ``schema=`` answers onto ``Response.parsed`` and
repairs failing ones by asking again with the validation error, the way instructor does.

A repair is a new attempt at the whole chain below (cache, fallback, retry): the request gets the
failed answer as an assistant message and the errors as a user message. Each try is on
``Response.attempts`` (a failed one with ``error_type="StructuredOutputError"``), and each repair
is reported through ``llm_core_on_retry`` (``wait=0``) besides the attempt hooks below. Streams
are validated at their final event and never repaired: their text already reached the caller.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from llm_core.call import Call
from llm_core.errors import StructuredOutputError
from llm_core.layers import AsyncLayerAdapter, Flow, Layer, LayerAdapter, Opened
from llm_core.messages import Message
from llm_core.request import Request
from llm_core.resilience.observe import Observer
from llm_core.structured.partial import AsyncPartialEvents, PartialEvents, Partials
from llm_core.structured.request import repairs_for
from llm_core.types import Attempt, Response

__all__ = ["AsyncStructuredAdapter", "Structured", "StructuredAdapter", "repair_request"]


def repair_request(request: Request, error: StructuredOutputError) -> Request:
    """The request asking the model to fix ``error``: its answer, then what was wrong."""
    problems = "\n".join(
        f"- {'.'.join(str(p) for p in e.get('loc', ())) or '(root)'}: {e.get('msg')}"
        for e in error.errors[:20]
    )
    fix = (
        f"That answer failed validation against the {error.schema_name} JSON schema:\n"
        f"{problems}\nAnswer again with only the corrected JSON, matching this schema:\n"
        + json.dumps(request.response_format, separators=(",", ":"))
    )
    answer = error.raw_text or "(empty)"
    return replace(
        request, messages=[*request.messages, Message.assistant(answer), Message.user(fix)]
    )


class Structured(Layer):
    """Validation, repair and partial objects for ``schema=`` requests; a pass-through else."""

    def __init__(self, inner: Any, observer: Observer) -> None:
        super().__init__(inner)
        self.observer = observer

    def passes(self, request: Request) -> bool:
        """Nothing to do without a schema."""
        return request.schema is None

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        schema = request.schema
        if schema is None:
            return (yield from self.inner_generate(request, call))
        trail: list[Attempt] = []
        while True:
            response = yield from self.inner_generate(request, call)
            tries = response.attempts or [Attempt(response.provider, 1)]
            try:
                response.parsed = schema.validate_json(response.content)
            except StructuredOutputError as error:
                error.provider, error.model = response.provider, response.model
                failed = replace(tries[-1], error=error.message, error_type=type(error).__name__)
                trail += _numbered([*tries[:-1], failed], len(trail))
                repaired = sum(a.error_type == "StructuredOutputError" for a in trail)
                if repaired > repairs_for(request):
                    error.attempts = trail  # type: ignore[attr-defined]
                    raise
                self.observer.emit(
                    "llm_core_on_retry",
                    call=call,
                    provider=response.provider,
                    model=response.model,
                    attempt=len(trail),
                    error=error,
                    wait=0.0,
                )
                request = repair_request(request, error)
                continue
            if trail:
                response.attempts = trail + _numbered(tries, len(trail))
            return response

    def embed_flow(self, request: Any, call: Call) -> Flow[Any]:
        """Embeddings have no schema: straight to the inner adapter."""
        return (yield from self.inner_generate(request, call))

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        opened = yield from self.open_inner(request, call)
        schema = request.schema
        if schema is None:
            return opened

        def validated(response: Response) -> None:
            try:
                response.parsed = schema.validate_json(response.content)
            except StructuredOutputError as error:
                error.provider, error.model = response.provider, response.model
                raise

        partials = Partials(schema)
        opened.first = partials.see(opened.first)
        opened.events = self.partial_events(opened.events, partials)
        opened.watch(done=validated)
        return opened


def _numbered(attempts: list[Attempt], before: int) -> list[Attempt]:
    return [replace(a, number=before + i) for i, a in enumerate(attempts, 1)]


class StructuredAdapter(Structured, LayerAdapter):
    """Sync shell of :class:`Structured`."""

    partial_events = staticmethod(PartialEvents)


class AsyncStructuredAdapter(Structured, AsyncLayerAdapter):
    """Async shell of :class:`Structured`."""

    partial_events = staticmethod(AsyncPartialEvents)
