"""``embed`` on the built-in OpenAI-compatible provider against llama.cpp's real server.

The server runs the tiny random-weight GGUF with embeddings on (mean pooling): 64-dimension
vectors that llama.cpp L2-normalizes, the same for the same request. Which inputs share a
request changes a text's vector on this model (support/llamacpp.py, "Observed"), so order is
checked against raw requests with the same batches.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from llm_core import (
    AsyncClient,
    Client,
    ContextLengthError,
    EmbeddingMismatchError,
    NotSupportedError,
)


@pytest.fixture(scope="module")
def embed_server(tiny_gguf: Path) -> Iterator[object]:
    """llama.cpp's server started with embeddings on (``--embeddings``, mean pooling)."""
    pytest.importorskip("xllamacpp", reason="llama.cpp's server comes from pip install xllamacpp")
    from support.llamacpp import LlamaCppServer

    with LlamaCppServer(tiny_gguf, embeddings=True) as server:
        yield server


@pytest.fixture
def client(embed_server) -> Iterator[Client]:
    with Client("openai", base_url=embed_server.openai_url, model=embed_server.model) as c:
        yield c


TEXTS = ["the sky is blue", "hello world", "a", "cats and dogs", "the sky is blue"]


def test_shape_normalization_and_determinism(client: Client) -> None:
    result = client.embed(TEXTS)
    assert len(result) == 5 and result.dimensions == 64
    assert all(abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-5 for v in result)
    assert len({tuple(v) for v in result}) >= 4  # distinct texts, distinct vectors
    assert result.prompt_tokens and result.prompt_tokens > 0
    assert client.embed(TEXTS).vectors == result.vectors


def _raw(server, texts: list[str]) -> list[list[float]]:
    data = httpx2.post(server.openai_url + "/embeddings", json={"input": texts}).json()["data"]
    return [item["embedding"] for item in sorted(data, key=lambda item: item["index"])]


@pytest.mark.parametrize("size", [1, 2, 3, 5])
def test_batches_reassemble_in_order(client: Client, embed_server, size: int) -> None:
    want = [v for i in range(0, 5, size) for v in _raw(embed_server, TEXTS[i : i + size])]
    assert client.embed(TEXTS, batch_size=size).vectors == want


def test_context_overflow_is_a_context_error(client: Client) -> None:
    with pytest.raises(ContextLengthError, match="context") as info:
        client.embed(["fine", "hello " * 300])
    assert info.value.status_code == 400


def test_dimensions_the_server_ignores_are_a_mismatch(client: Client) -> None:
    with pytest.raises(EmbeddingMismatchError, match="asked for 8 dimensions"):
        client.embed("hello", dimensions=8)


def test_server_without_embeddings_is_not_supported(llamacpp_server) -> None:
    client = Client("openai", base_url=llamacpp_server.openai_url)
    with client, pytest.raises(NotSupportedError, match="does not embed") as info:
        client.embed("hello")
    assert info.value.status_code == 501


@pytest.mark.anyio
async def test_async_parity(embed_server, client: Client) -> None:
    async with AsyncClient("openai", base_url=embed_server.openai_url) as a:
        got = await a.embed(TEXTS, batch_size=2, concurrency=1)
        concurrent = await a.embed(TEXTS, batch_size=1, concurrency=3)
    assert got.vectors == client.embed(TEXTS, batch_size=2).vectors
    # batches in flight at once share the server's decode batch, which moves vectors on this
    # model (see the module docstring): check the shape only
    assert len(concurrent) == 5 and concurrent.dimensions == 64
