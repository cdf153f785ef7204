"""The plugin author kit's contract suite, run for the built-in ``openai`` provider against
llama.cpp's real server (xllamacpp serving the tiny GGUF)."""

from __future__ import annotations

import pytest

from llm_core.testing import AdapterContract

pytestmark = pytest.mark.engine


class TestOpenAIContract(AdapterContract):
    """``openai`` is built into the core (no entry point) and talks HTTP."""

    entry_point = False

    @pytest.fixture
    def provider_name(self) -> str:
        return "openai"

    @pytest.fixture
    def backend(self, llamacpp_server) -> str:
        return llamacpp_server.openai_url

    @pytest.fixture
    def model(self, llamacpp_server) -> str:
        return llamacpp_server.model

    @pytest.fixture
    def unknown_model(self) -> None:
        return None  # llama.cpp's server answers with its loaded model whatever the name


class TestOpenAIContractOnAiohttp(TestOpenAIContract):
    """The same contract with the async client on the aiohttp transport (SSE streams)."""

    transport = "aiohttp"
