"""The README stays true: each Python snippet runs in a fresh interpreter (its global SDK set up
as a user's would be), with the entry-point plugin installed, against the Ollama emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_the_readme_has_snippets() -> None:
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("code", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_snippet_runs(code: str, ollama) -> None:
    env = {**os.environ, "OLLAMA_HOST": ollama.url}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert "chat llama3.2 chat" in done.stdout or "gen_ai.client.operation.duration" in done.stdout
