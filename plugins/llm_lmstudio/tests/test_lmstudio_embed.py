"""``embed`` on LM Studio's ``/v1/embeddings`` (the emulator, tests/support/lmstudio_embed.py)."""

from __future__ import annotations

import math

import pytest
from support.ollama_embed import vector

from llm_core import AsyncClient, Client, NotSupportedError

EMBED = "text-embedding-nomic-embed-text-v1.5"


def test_vectors_in_order_with_usage(lms) -> None:
    texts = ["one", "two words", "three more words"]
    with Client("lmstudio", base_url=lms.url, model=EMBED) as client:
        result = client.embed(texts, batch_size=2)
    assert result.vectors == [vector(EMBED, t) for t in texts]
    assert result.prompt_tokens == 6 and result.model == EMBED and result.provider == "lmstudio"
    assert all(abs(math.sqrt(sum(x * x for x in v)) - 1) < 1e-6 for v in result)
    assert [r.json()["input"] for r in lms.requests if r.path == "/v1/embeddings"] == [
        ["one", "two words"],
        ["three more words"],
    ]


def test_chat_model_is_not_embedding(lms) -> None:
    chat_model = next(m.id for m in lms.models.values() if m.type == "llm")
    client = Client("lmstudio", base_url=lms.url, model=chat_model)
    with client, pytest.raises(NotSupportedError, match="Model is not embedding") as info:
        client.embed("hi")
    assert info.value.status_code == 400 and "embedding model" in info.value.hint


@pytest.mark.anyio
async def test_async_embed(lms) -> None:
    async with AsyncClient("lmstudio", base_url=lms.url, model=EMBED) as client:
        result = await client.embed([f"t{i}" for i in range(5)], batch_size=1, concurrency=2)
    assert result.vectors == [vector(EMBED, f"t{i}") for i in range(5)]
