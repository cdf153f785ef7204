"""The mlx provider does not embed: a NotSupportedError that says why, sync and async."""

from __future__ import annotations

import pytest

from llm_core import AsyncClient, Client, NotSupportedError


def test_embed_is_not_supported_with_a_hint() -> None:
    with Client("mlx", model="any") as client, pytest.raises(NotSupportedError) as info:
        client.embed("hello")
    assert info.value.provider == "mlx" and "ollama" in (info.value.hint or "")


@pytest.mark.anyio
async def test_async_embed_is_not_supported() -> None:
    async with AsyncClient("mlx", model="any") as client:
        with pytest.raises(NotSupportedError, match="does not support embeddings"):
            await client.embed(["a", "b"])
