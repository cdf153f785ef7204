"""``embed`` on Ollama's ``/api/embed`` (the emulator, tests/support/ollama_embed.py)."""

from __future__ import annotations

import math
import threading
import time
from typing import Any

import pytest
from support.faults import Fault
from support.ollama_embed import vector
from support.ollama_emulator import OllamaEmulator

from llm_core import (
    ContextLengthError,
    EmbeddingMismatchError,
    FallbackExhaustedError,
    ModelNotFoundError,
    NotSupportedError,
    ValidationError,
)

EMBED = "nomic-embed-text"


def test_vectors_are_normalized_and_in_input_order(ollama, make_client) -> None:
    client = make_client(ollama, model=EMBED)
    texts = [f"text {i}" for i in range(7)]
    result = client.embed(texts, batch_size=3)
    assert len(result) == 7 and result.dimensions == 768
    assert result.vectors == [vector("nomic-embed-text:latest", t) for t in texts]
    assert all(abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-6 for v in result)
    assert result.prompt_tokens == 7 * 3  # two words and BOS each, summed over three batches
    assert ollama.count("/api/embed") == 3
    assert result.model == EMBED and result.provider == "ollama"


def test_one_string_is_one_input_and_dimensions_shorten(ollama, make_client) -> None:
    client = make_client(ollama, model=EMBED)
    result = client.embed("hello", dimensions=16, keep_alive="1m")
    assert len(result) == 1 and result.dimensions == 16
    assert abs(math.sqrt(sum(x * x for x in result[0])) - 1) < 1e-6
    assert ollama.requests[-1].json()["keep_alive"] == "1m"
    assert result.array().shape == (1, 16)


def test_completion_only_model_is_not_supported(ollama, make_client) -> None:
    with pytest.raises(NotSupportedError) as info:
        make_client(ollama).embed("hi")  # llama3.2: Ollama's 501
    assert info.value.status_code == 501 and "embedding model" in info.value.hint
    assert ollama.count("/api/embed") == 1  # not retried


def test_overflow_without_truncation_is_a_context_error(ollama, make_client) -> None:
    client = make_client(ollama, model=EMBED)
    long = " ".join(["w"] * 3000)
    with pytest.raises(ContextLengthError, match="exceeds"):
        client.embed(long, truncate=False)
    assert ollama.requests[-1].json()["truncate"] is False
    cut = client.embed(long)  # truncation on (the default): the server cuts it
    assert cut.vectors[0] == vector("nomic-embed-text:latest", " ".join(["w"] * 2047))


@pytest.mark.parametrize(
    ("texts", "fields", "match"),
    [
        ([], {}, "empty list"),
        (["a", 3], {}, r"texts\[1\] is int"),
        (b"bytes", {}, "string or a list"),
        (["a"], {"dimensions": 0}, "dimensions"),
        (["a"], {"batch_size": 0}, "batch_size"),
        (["a"], {"colour": "red"}, "unknown embed argument 'colour'"),
    ],
)
def test_bad_input_is_refused_before_sending(ollama, make_client, texts, fields, match) -> None:
    with pytest.raises(ValidationError, match=match):
        make_client(ollama, model=EMBED).embed(texts, **fields)
    assert ollama.count("/api/embed") == 0


def test_unknown_model_is_model_not_found(ollama, make_client) -> None:
    with pytest.raises(ModelNotFoundError):
        make_client(ollama, model="nope-embed").embed("hi")


def test_retry_is_per_batch(ollama, make_client) -> None:
    ollama.faults.push(Fault.error(503, body={"error": "server busy"}), times=1, path="/api/embed")
    result = make_client(ollama, model=EMBED).embed(["a", "b", "c", "d"], batch_size=2)
    assert len(result) == 4 and ollama.count("/api/embed") == 3  # batch 1 twice, batch 2 once
    assert [a.error_type for a in result.attempts] == ["ServerError", None, None]


def test_cache_sends_only_the_misses(ollama, make_client) -> None:
    client = make_client(ollama, model=EMBED, cache={"embeddings": True})
    first = client.embed(["a", "b"])
    again = client.embed(["b", "a", "c"])
    assert again.cached == 2 and first.cached == 0
    assert ollama.requests[-1].json()["input"] == ["c"]
    assert again.vectors[:2] == [first[1], first[0]]
    again.vectors[0][0] = 99.0  # a caller's edit never reaches the store
    assert client.embed("b").vectors[0] == first[1] and ollama.count("/api/embed") == 2


def test_cache_keys_by_dimensions(ollama, make_client) -> None:
    client = make_client(ollama, model=EMBED, cache={"embeddings": True})
    assert client.embed("a", dimensions=8).dimensions == 8
    assert client.embed("a").dimensions == 768 and ollama.count("/api/embed") == 2


def test_fallback_only_to_the_same_model(ollama, make_client) -> None:
    with OllamaEmulator() as other:
        ollama.faults.push(Fault.error(503), times=None, path="/api/embed")
        same = {"provider": "ollama", "base_url": other.url}
        client = make_client(ollama, model=EMBED, retry={"max_attempts": 1}, fallbacks=[same])
        assert len(client.embed(["a", "b"])) == 2 and other.count("/api/embed") == 1
        wrong = {**same, "model": "llama3.2"}
        client = make_client(ollama, model=EMBED, retry={"max_attempts": 1}, fallbacks=[wrong])
        with pytest.raises(FallbackExhaustedError) as info:
            client.embed("a")
        failures = [type(err) for _, err in info.value.failures]
        assert failures[1] is EmbeddingMismatchError and other.count("/api/embed") == 1


class _Counting(OllamaEmulator):
    """Counts the embed requests in flight at once (each takes 50 ms)."""

    def __init__(self) -> None:
        super().__init__()
        self.lock, self.now, self.peak = threading.Lock(), 0, 0

    def handle(self, req: Any) -> Any:
        if req.path != "/api/embed":
            return super().handle(req)
        with self.lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        time.sleep(0.05)
        try:
            return super().handle(req)
        finally:
            with self.lock:
                self.now -= 1


@pytest.mark.anyio
async def test_async_batches_run_concurrently_within_the_limit(make_aclient) -> None:
    seen: list[tuple[int, int]] = []
    with _Counting() as server:
        client = make_aclient(server, model=EMBED)
        texts = [f"t{i}" for i in range(20)]
        result = await client.embed(
            texts, batch_size=2, concurrency=3, progress=lambda d, t: seen.append((d, t))
        )
    assert result.vectors == [vector("nomic-embed-text:latest", t) for t in texts]
    assert server.peak == 3 and server.count("/api/embed") == 10
    assert seen[-1] == (20, 20) and len(seen) == 10


@pytest.mark.anyio
async def test_async_parity(ollama, make_aclient, make_client) -> None:
    texts = ["x", "y", "z"]
    got = await make_aclient(ollama, model=EMBED).embed(texts, batch_size=2)
    assert got.vectors == make_client(ollama, model=EMBED).embed(texts).vectors
