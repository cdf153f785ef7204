"""The core's adapter contract kit (``llm_core.testing.AdapterContract``) run for ``mlx``: real
mlx-vlm in-process on the tiny random-weight Qwen2-VL (root fixture ``tiny_vlm``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llm_core.testing import AdapterContract

pytestmark = pytest.mark.engine


class TestMlxContract(AdapterContract):
    """In-process: no URL, so the refused-port, silent-server and proxy checks skip. The model's
    folder is in ``model_dirs``, so ``list_models`` lists it (by path)."""

    http = False
    supports_images = True

    @pytest.fixture
    def provider_name(self) -> str:
        return "mlx"

    @pytest.fixture
    def backend(self, tiny_vlm: Path) -> dict:
        return {"options": {"model_dirs": [str(tiny_vlm.parent)]}}

    @pytest.fixture
    def model(self, tiny_vlm: Path) -> str:
        return str(tiny_vlm)
