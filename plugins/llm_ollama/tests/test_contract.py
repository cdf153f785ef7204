"""The core's adapter contract kit (``llm_core.testing.AdapterContract``) run for ``ollama``
against the protocol-faithful Ollama emulator (native ``/api``, NDJSON streams); the tool checks
against its tools model, scripted to call every tool it is offered."""

from __future__ import annotations

import pytest
from support.ollama_emulator import OllamaEmulator
from support.tool_script import CallsOfferedTools

from llm_core.testing import AdapterContract


class ToolCallingOllama(CallsOfferedTools, OllamaEmulator):
    """The emulator whose models call every tool offered (llama3.2 has the tools capability)."""


class TestOllamaContract(AdapterContract):
    """A vision model, named as ``/api/tags`` lists it; an unknown model is Ollama's 404; the
    tool checks on llama3.2 (the vision model has no tools capability)."""

    supports_images = True

    @pytest.fixture
    def provider_name(self) -> str:
        return "ollama"

    @pytest.fixture
    def backend(self):
        with ToolCallingOllama() as server:
            yield server.url
        assert not server.errors, server.errors

    @pytest.fixture
    def model(self) -> str:
        return "llava:7b"

    @pytest.fixture
    def tool_model(self) -> str:
        return "llama3.2"


class TestOllamaContractOnAiohttp(TestOllamaContract):
    """The same contract with the async client on the aiohttp transport (NDJSON streams)."""

    transport = "aiohttp"
