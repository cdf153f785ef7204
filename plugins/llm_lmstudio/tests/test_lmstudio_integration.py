"""Integration tier (``-m integration``): the contract kit and LM Studio's own checks against
the developer's real LM Studio at ``LMSTUDIO_URL`` (default ``http://localhost:1234/v1``),
skipped with the reason when none answers."""

from __future__ import annotations

from support.real_servers import RealServerContract, lmstudio, tier_marks

import llm_core

REAL = lmstudio()
pytestmark = tier_marks(REAL)


class TestRealLMStudioContract(RealServerContract):
    """The whole contract on a real LM Studio (which just-in-time loads the model)."""

    provider_under_test = "lmstudio"
    real = REAL
    hang_limit = 120.0  # a just-in-time load of a real model takes a while


def test_native_model_list_and_health() -> None:
    with llm_core.Client("lmstudio", **REAL.backend()) as client:
        assert REAL.model in {m.id for m in client.list_models()}
        health = client.health_check()
    assert health.ok, health.detail
