"""The Ollama emulator's ``POST /api/embed`` (PROTOCOLS.md §1.7), faithful where tests rely on it.

Vectors are float32, L2-normalized (as Ollama normalizes every embedding), deterministic per
(model, text): ``EMBED_LENGTH`` numbers from a generator seeded by the text, cut to
``dimensions`` and normalized again. Tokens are whitespace words, one more per input (BOS).
Errors with Ollama's statuses and texts: no model → 404 ``model '' not found``; unknown model →
404 ``model "NAME" not found, try pulling it first``; a model without the ``embedding``
capability → 501 ``this model does not support embeddings`` (the runner's answer); a non-string
input → 400 ``invalid input type``; ``truncate: false`` with an input over the context → 400;
an over-long input with truncation on is cut to the context (its vector is the cut text's).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from array import array
from typing import Any

from .httpserver import Reply, Request
from .ollama_models import keep_alive_seconds

EMBED_LENGTH = 768
OVERFLOW = "input exceeds maximum context length"
JSON = "application/json; charset=utf-8"


def _error(status: int, message: str) -> Reply:
    return Reply(status, body={"error": message}, content_type=JSON)


def vector(model: str, text: str, dimensions: int | None = None) -> list[float]:
    """The normalized float32 embedding of ``text`` on ``model``."""
    seed = hashlib.sha256(f"{model}\0{text}".encode()).digest()
    rng = random.Random(seed)
    raw = [rng.gauss(0.0, 1.0) for _ in range(EMBED_LENGTH)][: dimensions or EMBED_LENGTH]
    norm = math.sqrt(sum(x * x for x in raw)) or 1.0
    return array("f", [x / norm for x in raw]).tolist()


def embed(server: Any, req: Request) -> Reply:
    """Handle ``POST /api/embed`` on ``server`` (an OllamaEmulator)."""
    started = time.perf_counter_ns()
    data = server.body(req)
    if isinstance(data, Reply):
        return data
    name = data.get("model") or ""
    model = server.find(name) if name else None
    if model is None:
        return _error(404, f"model {name!r} not found" if not name else
                      f'model "{name}" not found, try pulling it first')  # fmt: skip
    inputs = data.get("input")
    inputs = [inputs] if isinstance(inputs, str) else inputs
    if not isinstance(inputs, list) or any(not isinstance(t, str) for t in inputs):
        return _error(400, "invalid input type")
    if not inputs:
        return Reply(body={"model": name, "embeddings": []}, content_type=JSON)
    if "embedding" not in model.capabilities:
        return _error(501, "this model does not support embeddings")
    dimensions = data.get("dimensions")
    if dimensions is not None and (not isinstance(dimensions, int) or not
                                   0 < dimensions <= EMBED_LENGTH):  # fmt: skip
        return _error(400, f"invalid dimensions: {dimensions}")  # wording inferred
    expiry = keep_alive_seconds(data.get("keep_alive"))
    if expiry is None:
        return _error(400, f'time: invalid duration "{data.get("keep_alive")}"')
    loaded = model.name in server.loaded
    vectors, tokens = [], 0
    for text in inputs:
        words = text.split()
        if len(words) + 1 > model.context_length:
            if data.get("truncate", True) is False:
                return _error(400, OVERFLOW)
            words = words[: model.context_length - 1]
            text = " ".join(words)
        tokens += len(words) + 1
        vectors.append(vector(model.name, text, dimensions))
    server.keep(model.name, expiry)
    took = time.perf_counter_ns() - started
    body = {"model": name, "embeddings": vectors, "total_duration": took,
            "prompt_eval_count": tokens}  # fmt: skip
    if not loaded:
        body["load_duration"] = 1_000_000
    return Reply(body=body, content_type=JSON)
