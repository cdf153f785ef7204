"""The ``json_object`` fallback: for an OpenAI-compatible server that refuses
``response_format: {"type": "json_schema"}`` (a 400/422 naming the field), ask again in JSON
mode with the schema in the system message; the ``llm_core.structured`` layer still validates.
A server that refuses JSON mode as well cannot do structured output: :func:`no_json_mode` makes
that a :class:`~llm_core.errors.NotSupportedError` (a fallback chain moves on to a provider that
can).
"""

from __future__ import annotations

from typing import Any

from llm_core.errors import LLMError, NotSupportedError, ValidationError
from llm_core.structured.prompt import with_json_instruction

__all__ = ["json_object_body", "no_json_mode", "refuses_schema"]

_WORDS = ("json_schema", "response_format", "schema", "json_object")


def refuses_schema(error: LLMError, body: dict[str, Any]) -> bool:
    """Whether ``error`` is the server refusing the body's JSON-schema response format."""
    fmt = body.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return False
    return _names_the_format(error)


def _names_the_format(error: LLMError) -> bool:
    text = (error.message or "").lower()
    return isinstance(error, ValidationError) and any(word in text for word in _WORDS)


def no_json_mode(error: LLMError) -> LLMError:
    """The error to raise when the ``json_object`` request failed too: a refusal of the format
    becomes :class:`~llm_core.errors.NotSupportedError`; any other failure stays as it is."""
    if not _names_the_format(error):
        return error
    return NotSupportedError(
        f"{error.provider or 'the server'} supports neither response_format json_schema nor "
        f"json_object, so it cannot do structured output (schema=): {error.message}",
        provider=error.provider,
        model=error.model,
        url=error.url,
        hint="Use a server with structured output (llama.cpp, Ollama 0.5+, LM Studio, vLLM), "
        "add one as a fallback, or leave out schema= and parse the text yourself.",
    )


def json_object_body(body: dict[str, Any]) -> dict[str, Any]:
    """The body again, in JSON mode, with the schema as an instruction."""
    schema = body["response_format"]["json_schema"]["schema"]
    return {
        **body,
        "response_format": {"type": "json_object"},
        "messages": with_json_instruction(body["messages"], schema),
    }
