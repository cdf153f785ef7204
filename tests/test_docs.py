"""Every Python snippet in README.md and specs/quickstart.md runs, so a pasted quickstart works.

The snippets are executed as written. The servers they expect are started here and found the way
a user's would be: Ollama through ``OLLAMA_HOST``, an OpenAI-compatible server through
``LLM_CORE_BASE_URL``, the vision model through ``VISION_MODEL``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ["README.md", "specs/quickstart.md"]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def snippets() -> list[tuple[str, int, str]]:
    found = []
    for doc in DOCS:
        for i, match in enumerate(BLOCK.finditer((ROOT / doc).read_text()), 1):
            found.append((doc, i, match.group(1)))
    return found


@pytest.fixture(scope="module")
def ollama():
    from support.ollama_emulator import OllamaEmulator

    with OllamaEmulator() as server:
        yield server


@pytest.fixture(scope="module")
def tool_server():
    """The OpenAI fake, scripted to call the snippet's tool (a tiny random model cannot)."""
    from support.openai_fake import OpenAIFake

    with OpenAIFake() as server:
        yield server


TOOL_SCRIPT = [
    [("get_weather", {"city": "Paris"})],
    "Sunny in Paris.",
    [("get_weather", {"city": "Rome"})],
    "Sunny in Rome.",
]


@pytest.mark.engine
@pytest.mark.parametrize(
    ("doc", "number", "code"), snippets(), ids=[f"{d}#{n}" for d, n, _ in snippets()]
)
def test_snippet_runs(
    doc, number, code, monkeypatch, capsys, ollama, llamacpp_server, tiny_vlm, tool_server
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", ollama.url)
    if 'Client("openai")' in code:  # LLM_CORE_BASE_URL is the primary provider's, any provider
        monkeypatch.setenv("LLM_CORE_BASE_URL", llamacpp_server.openai_url)
    if "tools=[" in code:
        tool_server.answers = list(TOOL_SCRIPT)
        monkeypatch.setenv("LLM_CORE_BASE_URL", tool_server.url + "/v1")
    monkeypatch.setenv("VISION_MODEL", str(tiny_vlm))
    exec(compile(code, f"{doc} snippet {number}", "exec"), {"__name__": "__main__"})
    printed = capsys.readouterr().out
    assert printed.strip() or "print(" not in code, f"{doc} snippet {number} printed nothing"
    if "tools=[" in code:  # the tools really ran: their results went back to the model
        assert not tool_server.answers, "the tool snippet did not play its whole script"
        sent = [m for r in tool_server.requests[-1:] for m in r.json()["messages"]]
        assert {"role": "tool", "content": "sunny, 21 C in Rome"}.items() <= sent[-1].items()


def test_docs_have_snippets() -> None:
    assert len([s for s in snippets() if s[0] == "README.md"]) >= 4
    assert any(s[0] == "specs/quickstart.md" for s in snippets())
