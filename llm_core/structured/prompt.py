"""JSON mode by prompt: the instruction a model gets when the server cannot constrain the answer
to a schema (the OpenAI-compatible ``json_object`` fallback, the mlx provider)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["json_instruction", "with_json_instruction"]


def json_instruction(json_schema: dict[str, Any]) -> str:
    """The system text asking for one JSON value that matches ``json_schema``."""
    return (
        "Answer with one JSON value only (no prose, no code fences) that matches this JSON "
        "schema:\n" + json.dumps(json_schema, separators=(",", ":"))
    )


def with_json_instruction(chat: list[dict[str, Any]], json_schema: dict[str, Any]) -> list:
    """OpenAI-shaped chat messages with the instruction added to the leading system message
    (or as a new one first): most chat templates take one system message, at the start."""
    text = json_instruction(json_schema)
    if chat and chat[0].get("role") == "system" and isinstance(chat[0].get("content"), str):
        return [{**chat[0], "content": chat[0]["content"] + "\n\n" + text}, *chat[1:]]
    return [{"role": "system", "content": text}, *chat]
