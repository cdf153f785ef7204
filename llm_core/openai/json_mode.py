"""The ``json_object`` fallback: for an OpenAI-compatible server that refuses
``response_format: {"type": "json_schema"}`` (a 400/422 naming the field), ask again in JSON
mode with the schema in the system message; the ``llm_core.structured`` layer still validates.
"""

from __future__ import annotations

from typing import Any

from llm_core.errors import LLMError, ValidationError
from llm_core.structured.prompt import with_json_instruction

__all__ = ["json_object_body", "refuses_schema"]

_WORDS = ("json_schema", "response_format", "schema")


def refuses_schema(error: LLMError, body: dict[str, Any]) -> bool:
    """Whether ``error`` is the server refusing the body's JSON-schema response format."""
    fmt = body.get("response_format")
    if not isinstance(fmt, dict) or fmt.get("type") != "json_schema":
        return False
    text = (error.message or "").lower()
    return isinstance(error, ValidationError) and any(word in text for word in _WORDS)


def json_object_body(body: dict[str, Any]) -> dict[str, Any]:
    """The body again, in JSON mode, with the schema as an instruction."""
    schema = body["response_format"]["json_schema"]["schema"]
    return {
        **body,
        "response_format": {"type": "json_object"},
        "messages": with_json_instruction(body["messages"], schema),
    }
