"""``pip install ./plugins/llm_ollama`` into a fresh venv makes ``llm-core providers`` list it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from support.ollama_emulator import OllamaEmulator

ROOT = Path(__file__).resolve().parents[3]
DEPENDENCIES = ["httpx2", "pluggy", "pydantic", "pydantic-settings", "hatchling"]


def _run(*args: str | Path, timeout: float = 300) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LLM_CORE_", "PYTHON"))}
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)  # fmt: skip
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_pip_install_of_the_plugin_registers_ollama(tmp_path: Path, ollama: OllamaEmulator):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    cli = python.with_name("llm-core")
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "-q",
           "--disable-pip-version-check"]  # fmt: skip
    # The dependencies come from the package index (or pip's cache); the two projects under
    # test are built from this checkout, without build isolation to save time.
    _run(*pip, *DEPENDENCIES)
    _run(*pip, "--no-deps", "--no-build-isolation", ROOT)
    assert "ollama" not in _run(cli, "providers").split()  # the core alone has no ollama
    _run(*pip, "--no-deps", "--no-build-isolation", ROOT / "plugins" / "llm_ollama")
    listing = _run(cli, "providers")
    assert any(line.split()[:2] == ["ollama", "llm-core-ollama"] for line in listing.splitlines())
    answer = _run(cli, "chat", "-p", "ollama", "-m", "llama3.2", "--base-url", ollama.url, "hi")
    assert answer == "echo: hi\n"
    assert ollama.requests[-1].json()["stream"] is True
