"""The LM Studio emulator's ``POST /v1/embeddings`` (PROTOCOLS.md §3.3).

OpenAI shape: ``input`` a string or a list of strings; ``data`` items with ``index``, ``usage``
with ``prompt_tokens`` (whitespace words). A model of type ``embeddings`` answers (loading on
request with JIT, as chat does); any other model: 400 ``{"error": "Model is not embedding"}``
(reported). Vectors: the Ollama emulator's deterministic normalized float32 ones.
"""

from __future__ import annotations

from typing import Any

from .httpserver import Reply, Request
from .ollama_embed import vector

NOT_EMBEDDING = "Model is not embedding"


def embeddings(server: Any, req: Request) -> Reply:
    """Handle ``POST /v1/embeddings`` on ``server`` (an LMStudioEmulator)."""
    body = req.json() or {}
    model = server.resolve(body.get("model"))
    if isinstance(model, Reply):
        return model
    if model.type != "embeddings":
        return server.plain(NOT_EMBEDDING)
    inputs = body.get("input")
    inputs = [inputs] if isinstance(inputs, str) else inputs
    if not isinstance(inputs, list) or not inputs or any(not isinstance(t, str) for t in inputs):
        return server.plain("'input' field must be a string or an array of strings")  # inferred
    data = [{"object": "embedding", "embedding": vector(model.id, text), "index": i}
            for i, text in enumerate(inputs)]  # fmt: skip
    tokens = sum(len(text.split()) for text in inputs)
    usage = {"prompt_tokens": tokens, "total_tokens": tokens}
    return Reply(body={"object": "list", "data": data, "model": model.id, "usage": usage})
