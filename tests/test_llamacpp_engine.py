"""The test-support llama.cpp engine itself: tiny GGUF builder and in-process server."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

pytest.importorskip("gguf", reason="the gguf package builds the test model (pip install gguf)")
pytest.importorskip("xllamacpp", reason="llama.cpp's server comes from pip install xllamacpp")
httpx2 = pytest.importorskip("httpx2")

from support.llamacpp import LlamaCppServer  # noqa: E402
from support.tiny_gguf import build_tiny_gguf  # noqa: E402

pytestmark = pytest.mark.engine


def test_model_builds_deterministically(tmp_path: Path) -> None:
    first = build_tiny_gguf(tmp_path / "a.gguf", seed=7).read_bytes()
    assert first == build_tiny_gguf(tmp_path / "b.gguf", seed=7).read_bytes()
    assert first != build_tiny_gguf(tmp_path / "c.gguf", seed=8).read_bytes()
    assert first[:4] == b"GGUF"


def test_server_starts_answers_and_stops(tmp_path: Path) -> None:
    model = build_tiny_gguf(tmp_path / "tiny.gguf")
    with LlamaCppServer(model) as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}"
        assert server.openai_url == server.base_url + "/v1"
        assert httpx2.get(server.base_url + "/health").json() == {"status": "ok"}
        models = httpx2.get(server.openai_url + "/models").json()
        assert [m["id"] for m in models["data"]] == [server.model] == ["tiny-llama"]
        body = {"messages": [{"role": "user", "content": "Hello"}], "max_tokens": 8}
        answer = httpx2.post(server.openai_url + "/chat/completions", json=body).json()
    choice = answer["choices"][0]
    assert choice["finish_reason"] == "length"
    assert answer["usage"]["completion_tokens"] == 8
    text = choice["message"]["content"]
    assert text.strip()
    assert text.isascii()
    assert text.isprintable()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", server.port)) != 0  # the port is closed
    assert model.exists()  # a caller's model file is left alone


def test_stop_on_eos_model_ends_with_stop() -> None:
    with LlamaCppServer(stop_on_eos=True) as server:
        body = {"messages": [{"role": "user", "content": "Hi"}], "max_tokens": 16}
        answer = httpx2.post(server.openai_url + "/chat/completions", json=body).json()
        model_path = server.model_path
    assert answer["choices"][0]["finish_reason"] == "stop"
    assert answer["usage"]["completion_tokens"] < 16
    assert model_path is not None
    assert not model_path.exists()  # the temporary model is removed
