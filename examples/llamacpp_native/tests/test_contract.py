"""The llm-core adapter contract, run by the plugin author kit against a real llama.cpp server."""

import pytest

from llm_core.testing import AdapterContract


class TestLlamaCppNativeContract(AdapterContract):
    """``llamacpp`` talks HTTP to llama.cpp's native endpoints."""

    @pytest.fixture
    def provider_name(self):
        return "llamacpp"

    @pytest.fixture
    def backend(self, llamacpp):
        return llamacpp.base_url

    @pytest.fixture
    def model(self, llamacpp):
        return llamacpp.model
