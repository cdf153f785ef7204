"""The README stays true: its snippet runs in a fresh interpreter on a real Redis and the Ollama
emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_the_readme_has_a_snippet() -> None:
    assert SNIPPETS


@pytest.mark.parametrize("code", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_snippet_runs(code: str, redis_server) -> None:
    from support.ollama_emulator import OllamaEmulator

    with OllamaEmulator() as ollama:
        env = {**os.environ, "REDIS_URL": redis_server.url, "OLLAMA_HOST": ollama.url}
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False True True"
