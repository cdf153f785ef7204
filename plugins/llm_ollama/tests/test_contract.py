"""The core's adapter contract kit (``llm_core.testing.AdapterContract``) run for ``ollama``
against the protocol-faithful Ollama emulator (native ``/api``, NDJSON streams)."""

from __future__ import annotations

import pytest
from support.ollama_emulator import OllamaEmulator

from llm_core.testing import AdapterContract


class TestOllamaContract(AdapterContract):
    """A vision model, named as ``/api/tags`` lists it; an unknown model is Ollama's 404."""

    supports_images = True

    @pytest.fixture
    def provider_name(self) -> str:
        return "ollama"

    @pytest.fixture
    def backend(self):
        with OllamaEmulator() as server:
            yield server.url
        assert not server.errors, server.errors

    @pytest.fixture
    def model(self) -> str:
        return "llava:7b"


class TestOllamaContractOnAiohttp(TestOllamaContract):
    """The same contract with the async client on the aiohttp transport (NDJSON streams)."""

    transport = "aiohttp"
