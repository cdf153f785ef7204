"""Integration tier (``-m integration``): the contract kit and LM Studio's own checks against
the developer's real LM Studio at ``LMSTUDIO_URL`` (default ``http://localhost:1234/v1``),
skipped with the reason when none answers."""

from __future__ import annotations

import pytest
from support.real_servers import lmstudio

import llm_core
from llm_core.testing import AdapterContract

REAL = lmstudio()
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(REAL.skip is not None, reason=REAL.skip or ""),
]


class TestRealLMStudioContract(AdapterContract):
    """The whole contract on a real LM Studio (which just-in-time loads the model)."""

    deterministic = False
    max_tokens = 16
    hang_limit = 120.0  # a just-in-time load of a real model takes a while

    @pytest.fixture
    def provider_name(self) -> str:
        return "lmstudio"

    @pytest.fixture
    def backend(self) -> dict:
        return REAL.backend()

    @pytest.fixture
    def model(self) -> str:
        return REAL.model or ""


def test_native_model_list_and_health() -> None:
    with llm_core.Client("lmstudio", **REAL.backend()) as client:
        assert REAL.model in {m.id for m in client.list_models()}
        health = client.health_check()
    assert health.ok, health.detail
