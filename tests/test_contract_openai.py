"""The plugin author kit's contract suite, run for the built-in ``openai`` provider against
llama.cpp's real server (xllamacpp serving the tiny GGUF)."""

from __future__ import annotations

import pytest

from llm_core.testing import AdapterContract

pytestmark = pytest.mark.engine


class TestOpenAIContract(AdapterContract):
    """``openai`` is built into the core (no entry point) and talks HTTP. The tool checks run
    against the tools variant of the tiny GGUF: llama.cpp's own call grammar, one call at a
    time (a bigram model cannot count to two calls)."""

    entry_point = False
    parallel_tool_calls = False

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

    @pytest.fixture
    def tool_backend(self, llamacpp_tools_server) -> str:
        return llamacpp_tools_server.openai_url

    @pytest.fixture
    def tool_model(self, llamacpp_tools_server) -> str:
        return llamacpp_tools_server.model


class TestOpenAIContractOnAiohttp(TestOpenAIContract):
    """The same contract with the async client on the aiohttp transport (SSE streams)."""

    transport = "aiohttp"
