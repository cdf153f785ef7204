"""Integration tier (``-m integration``): the contract kit and Ollama's own checks against the
developer's real Ollama at ``OLLAMA_HOST``, skipped with the reason when none answers
(``tests/support/real_servers.py`` says which variables pick the server and the model)."""

from __future__ import annotations

import pytest
from support.real_servers import RealServerContract, ollama, tier_marks

import llm_core

REAL = ollama()
pytestmark = tier_marks(REAL)


class TestRealOllamaContract(RealServerContract):
    """The whole contract, on a real server: its model, its errors, its wire."""

    provider_under_test = "ollama"
    real = REAL
    supports_images = REAL.vision


def test_models_carry_ollama_details() -> None:
    with llm_core.Client("ollama", base_url=REAL.url) as client:
        models = {m.id: m for m in client.list_models()}
        assert REAL.model in models
        assert client.health_check().ok


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
def test_stream_and_generate_agree_on_the_shape(is_async: bool) -> None:
    async def both() -> tuple:
        async with llm_core.AsyncClient("ollama", base_url=REAL.url, model=REAL.model) as c:
            return await c.generate("Say hi", max_tokens=8), await c.stream(
                "Say hi", max_tokens=8
            ).until_done()

    if is_async:
        import anyio

        generated, streamed = anyio.run(both)
    else:
        with llm_core.Client("ollama", base_url=REAL.url, model=REAL.model) as client:
            generated = client.generate("Say hi", max_tokens=8)
            streamed = client.stream("Say hi", max_tokens=8).until_done()
    for response in (generated, streamed):
        assert response.provider == "ollama" and response.finish_reason in ("stop", "length")
        assert response.usage.completion_tokens and response.usage.completion_tokens <= 8
