"""The core's adapter contract kit (``llm_core.testing.AdapterContract``) run for ``lmstudio``:
against the LM Studio emulator (native ``/api/v0`` path, a vision model), and against both real
engines through the ``/v1`` fallback: llama.cpp's server and ``mlx_vlm.server`` (images). The
tool checks run on the emulator's GGUF model (scripted to call every tool offered) and on
llama.cpp's tools model."""

from __future__ import annotations

import pytest
from support.lmstudio_emulator import LMStudioEmulator
from support.tool_script import CallsOfferedTools

from llm_core.testing import AdapterContract


class ToolCallingLMStudio(CallsOfferedTools, LMStudioEmulator):
    """The emulator whose models call every tool offered."""


class TestLMStudioEmulatorContract(AdapterContract):
    """LM Studio itself (emulated): JIT-loads the vision model, answers unknown names with
    ``Invalid model identifier``; the tool checks on its GGUF model (tool_choice "required"
    needs the llama.cpp engine)."""

    supports_images = True

    @pytest.fixture
    def provider_name(self) -> str:
        return "lmstudio"

    @pytest.fixture
    def backend(self):
        with ToolCallingLMStudio() as server:
            yield server.url

    @pytest.fixture
    def model(self) -> str:
        return "qwen2-vl-2b-instruct"

    @pytest.fixture
    def tool_model(self) -> str:
        return "qwen2.5-7b-instruct"


@pytest.mark.engine
class TestLMStudioOnLlamaCppContract(AdapterContract):
    """LM Studio's GGUF engine: llama.cpp's server serves any model name; tools on its tools
    model, one call at a time."""

    parallel_tool_calls = False

    @pytest.fixture
    def provider_name(self) -> str:
        return "lmstudio"

    @pytest.fixture
    def backend(self, llamacpp_server) -> str:
        return llamacpp_server.openai_url

    @pytest.fixture
    def model(self, llamacpp_server) -> str:
        return llamacpp_server.model

    @pytest.fixture
    def unknown_model(self) -> None:
        return None

    @pytest.fixture
    def tool_backend(self, llamacpp_tools_server) -> str:
        return llamacpp_tools_server.openai_url


@pytest.mark.engine
@pytest.mark.slow
class TestLMStudioOnMlxVlmServerContract(AdapterContract):
    """LM Studio's MLX engine family: ``mlx_vlm.server`` with the tiny Qwen2-VL."""

    supports_images = True

    @pytest.fixture
    def provider_name(self) -> str:
        return "lmstudio"

    @pytest.fixture
    def backend(self, mlx_vlm_server) -> str:
        return mlx_vlm_server.url

    @pytest.fixture
    def model(self, mlx_vlm_server) -> str:
        return mlx_vlm_server.model

    @pytest.fixture
    def unknown_model(self) -> None:
        return None  # an unknown name makes mlx_vlm.server unload its model: not tried here

    @pytest.fixture
    def tool_backend(self) -> None:
        pytest.skip(
            "mlx_vlm.server parses calls from the model's own text (tool_choice 'required' is "
            "a prompt instruction, no grammar): the tiny random-weight model never writes one"
        )
