"""A scripted model for the emulators' tool behaviour: it calls every tool it is offered.

Mixed into an emulator that reads ``self.answers`` (the Ollama and LM Studio emulators, see
``ollama_tools`` / ``lmstudio_tools``): when a chat request offers tools, its last message is
the user's and no answer is scripted, the answer calls each offered tool once, in order
(parallel calls when several), with arguments built from the tool's schema (an ``enum``'s first
value, as ``format_answer`` builds a structured answer). After a tool result the model answers
in text. This is what the contract kit's tool checks need from a backend.
"""

from __future__ import annotations

import json
from typing import Any

from .httpserver import Reply, Request
from .ollama_models import format_answer

CHAT_PATHS = ("/api/chat", "/v1/chat/completions", "/api/v0/chat/completions")


def calls_for(body: Any) -> list[tuple[str, dict[str, Any]]] | None:
    """The calls a request's offered tools get, or None (no tools, or not the user's turn)."""
    if not isinstance(body, dict) or not body.get("tools") or not body.get("messages"):
        return None
    last = body["messages"][-1]
    if not isinstance(last, dict) or last.get("role") != "user":
        return None
    calls = []
    for tool in body["tools"]:
        function = tool.get("function") or {}
        params = function.get("parameters") or {"type": "object", "properties": {}}
        calls.append((function.get("name", ""), json.loads(format_answer(params))))
    return calls


class CallsOfferedTools:
    """Mixin (first base) for an emulator with ``answers``: offered tools are called."""

    answers: list

    def handle(self, req: Request) -> Reply:
        if req.method == "POST" and req.path in CHAT_PATHS and not self.answers:
            try:
                calls = calls_for(json.loads(req.body or b"null"))
            except ValueError:
                calls = None
            if calls:
                self.answers.append(calls)
        return super().handle(req)  # type: ignore[misc]
