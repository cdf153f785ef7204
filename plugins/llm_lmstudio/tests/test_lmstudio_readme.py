"""The plugin's README stays true: its Python snippets run (against the emulator, found through
``LLM_CORE_BASE_URL`` as a user's server would be) and its option table names every option."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from llm_core_lmstudio.protocol import LMStudioOptions

README = Path(__file__).resolve().parents[1] / "README.md"
SNIPPETS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


@pytest.mark.parametrize("code", SNIPPETS, ids=[f"snippet{i}" for i in range(len(SNIPPETS))])
def test_snippet_runs(code: str, lms, monkeypatch, capsys) -> None:
    monkeypatch.setenv("LLM_CORE_BASE_URL", lms.url)
    exec(compile(code, str(README), "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    assert "echo: Say hi" in out
    assert lms.count("/api/v0/chat/completions") >= 1


def test_option_table_lists_every_option() -> None:
    table = README.read_text().split("### Options", 1)[1].split("##", 1)[0]
    documented = set(re.findall(r"`([a-z_]+)`", table))
    assert set(LMStudioOptions.model_fields) <= documented
