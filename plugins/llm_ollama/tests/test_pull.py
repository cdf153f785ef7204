"""Pulling models: the Python API (iterator and callback, sync and async) and ``llm-core pull``."""

from __future__ import annotations

import pytest
from support.ollama_emulator import OllamaEmulator

from llm_core import AsyncClient, Client, ModelNotFoundError
from llm_core.cli import main
from llm_core_ollama import PullProgress


def test_pull_stream_yields_progress_and_installs_the_model(client: Client, ollama) -> None:
    assert "smollm2:135m" not in {m.id for m in client.list_models()}
    reports = list(client.adapter.pull_stream("smollm2:135m"))
    assert reports[0] == PullProgress("pulling manifest")
    layer = [r for r in reports if r.total == 270_000_000]
    assert layer[0].completed is None  # 'completed' is missing early
    assert [r.fraction for r in layer] == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert [r.status for r in reports[-3:]] == ["verifying sha256 digest", "writing manifest",
                                                "success"]  # fmt: skip
    assert reports[-1].done
    client.adapter.invalidate_models()  # the core caches model lists; a pull changes them
    assert "smollm2:135m" in {m.id for m in client.list_models()}
    assert client.generate("hi", model="smollm2:135m").content == "echo: hi"


def test_pull_with_a_callback_returns_the_final_report(client: Client) -> None:
    seen: list[PullProgress] = []
    final = client.adapter.pull("smollm2:135m", on_progress=seen.append)
    assert final.done
    assert seen[-1] is final
    assert len(seen) == 19  # manifest, 3 layers x 5, verify, write, success


@pytest.mark.anyio
async def test_async_pull(aclient: AsyncClient, ollama: OllamaEmulator) -> None:
    statuses = [p.status async for p in aclient.adapter.pull_stream("smollm2:135m")]
    assert statuses[0] == "pulling manifest"
    assert statuses[-1] == "success"
    seen: list[PullProgress] = []
    final = await aclient.adapter.pull("smollm2:135m", on_progress=seen.append)
    assert final.done
    assert len(seen) == 19
    with pytest.raises(ModelNotFoundError, match="file does not exist"):
        await aclient.adapter.pull("nosuch")


def test_pull_command_shows_progress_on_stderr(ollama: OllamaEmulator, capsys) -> None:
    assert main(["pull", "smollm2:135m", "--base-url", ollama.url]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    lines = err.splitlines()
    assert lines[0] == "pulling manifest"  # not a terminal: one plain line per step
    assert any(line.startswith("pulling ") and "270.0 MB" in line for line in lines)
    assert lines[-2:] == ["success", "pulled smollm2:135m"]
    assert "smollm2:135m" in ollama.models


def test_pull_command_draws_a_bar_on_a_terminal(ollama, capsys, monkeypatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: True, raising=False)
    assert main(["pull", "smollm2:135m", "--base-url", ollama.url]) == 0
    err = capsys.readouterr().err
    assert "\r" in err
    assert "100.0% 270.0 MB/270.0 MB" in err


def test_pull_command_uses_ollama_host(ollama, capsys, monkeypatch) -> None:
    monkeypatch.setenv("OLLAMA_HOST", ollama.url.removeprefix("http://"))
    assert main(["pull", "-q", "smollm2:135m"]) == 0
    assert capsys.readouterr().err == "pulled smollm2:135m\n"


def test_pull_command_reports_a_missing_model_in_one_line(ollama, capsys) -> None:
    assert main(["pull", "nosuch", "--base-url", ollama.url]) == 1
    err = capsys.readouterr().err
    assert "error: ModelNotFoundError: ollama cannot pull 'nosuch'" in err
    assert "Traceback" not in err


def test_chat_command_streams_from_the_emulator(ollama: OllamaEmulator, capsys) -> None:
    args = ["chat", "-p", "ollama", "-m", "llama3.2", "--base-url", ollama.url, "hi there"]
    assert main(args) == 0
    assert capsys.readouterr().out == "echo: hi there\n"
    assert ollama.requests[-1].json()["stream"] is True
