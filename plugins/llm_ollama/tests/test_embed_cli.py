"""``llm-core embed`` against the Ollama emulator: arguments, --file, stdin, JSON and NDJSON."""

from __future__ import annotations

import io
import json

import pytest
from support.ollama_embed import vector

from llm_core.cli import main

FULL = "nomic-embed-text:latest"


def run(capsys, ollama, *argv: str) -> tuple[int, str, str]:
    target = ["-p", "ollama", "-m", "nomic-embed-text", "--base-url", ollama.url]
    code = main(["embed", *target, *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_arguments_to_one_json_object(capsys, ollama) -> None:
    code, out, _ = run(capsys, ollama, "hello", "world", "--dimensions", "4")
    data = json.loads(out)
    assert code == 0 and data["dimensions"] == 4 and data["provider"] == "ollama"
    assert data["embeddings"] == [vector(FULL, "hello", 4), vector(FULL, "world", 4)]


def test_file_to_ndjson_in_order(capsys, ollama, tmp_path) -> None:
    texts = [f"line {i}" for i in range(5)]
    path = tmp_path / "texts.txt"
    path.write_text("\n".join(texts[:3]) + "\n\n" + "\n".join(texts[3:]) + "\n")  # blank: skipped
    code, out, _ = run(capsys, ollama, "--file", str(path), "--ndjson", "--batch-size", "2")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [line["index"] for line in lines] == [0, 1, 2, 3, 4]
    assert [line["embedding"] for line in lines] == [vector(FULL, t) for t in texts]
    assert ollama.count("/api/embed") == 3


def test_stdin_one_text_per_line(capsys, ollama, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a\nb\n"))
    code, out, _ = run(capsys, ollama)
    assert code == 0 and len(json.loads(out)["embeddings"]) == 2


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--file", "/nonexistent/x.txt"], 2, "cannot read --file"),
        (["x", "--file", "y"], 2, "not both"),
        (["x", "--batch-size", "0"], 2, "batch_size must be a positive int"),
    ],
)
def test_bad_input_is_a_one_line_error(capsys, ollama, argv, code, message) -> None:
    got, _, err = run(capsys, ollama, *argv)
    assert got == code and message in err and "Traceback" not in err


def test_completion_model_fails_with_the_typed_error(capsys, ollama) -> None:
    code = main(["embed", "-p", "ollama", "-m", "llama3.2", "--base-url", ollama.url, "hi"])
    err = capsys.readouterr().err
    assert code == 1 and "NotSupportedError" in err and "hint:" in err
