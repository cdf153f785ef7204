"""The emulator itself follows PROTOCOLS.md §1 (checked with raw httpx2, not the plugin)."""

from __future__ import annotations

import json

import httpx2
import pytest
from support.ollama_emulator import OllamaEmulator

USER = [{"role": "user", "content": "hi"}]


def _post(server: OllamaEmulator, path: str, body: object) -> httpx2.Response:
    return httpx2.post(server.url + path, json=body)


def test_chat_streams_ndjson_when_stream_is_omitted(ollama: OllamaEmulator) -> None:
    r = _post(ollama, "/api/chat", {"model": "llama3.2", "messages": USER})
    assert r.headers["content-type"] == "application/x-ndjson"
    assert r.headers["transfer-encoding"] == "chunked"
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert [line["done"] for line in lines] == [False, False, True]
    assert lines[-1]["done_reason"] == "stop"
    assert all(isinstance(lines[-1][k], int) for k in ("eval_duration", "total_duration"))


def test_non_streamed_chat_is_one_json_object(ollama: OllamaEmulator) -> None:
    body = {"model": "llama3.2", "messages": USER, "stream": False}
    r = _post(ollama, "/api/chat", body)
    assert r.headers["content-type"] == "application/json; charset=utf-8"
    assert r.json()["message"] == {"role": "assistant", "content": "echo: hi"}
    again = _post(ollama, "/api/chat", body).json()  # loaded and cached: zeros are omitted
    assert "load_duration" not in again
    assert "prompt_eval_count" not in again
    assert again["eval_count"] == 2


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (None, 400, "missing request body"),
        ({"messages": USER}, 400, "model is required"),
        ({"model": "nope", "messages": USER}, 404, "model 'nope' not found"),
        ({"model": "nomic-embed-text", "messages": USER}, 400,
         '"nomic-embed-text" does not support chat'),
        ({"model": "llama3.2", "messages": USER, "think": True}, 400,
         '"llama3.2" does not support thinking'),
        ({"model": "qwen3:0.6b", "messages": USER, "think": "extreme"}, 400,
         'invalid think value: "extreme"'),
        ({"model": "llava:7b", "messages": [{"role": "user", "content": "x",
          "images": ["data:image/png;base64,iVBO"]}]}, 400, "illegal base64 data at input byte 4"),
        ({"model": "llama3.2", "messages": USER, "format": "yaml"}, 500, "invalid format"),
        ({"model": "llama3.2", "messages": USER, "keep_alive": "soon"}, 400, "invalid duration"),
        ({"model": "llava:7b", "messages": USER, "tools": [{"type": "function"}]}, 400,
         "registry.ollama.ai/library/llava:7b does not support tools"),
    ],
)  # fmt: skip
def test_chat_errors_have_ollamas_status_and_text(ollama, body, status, message) -> None:
    r = httpx2.post(ollama.url + "/api/chat", content=json.dumps(body) if body else b"")
    assert r.status_code == status
    assert message in r.json()["error"]


def test_images_to_a_text_model_get_the_nested_runner_error(ollama: OllamaEmulator) -> None:
    messages = [{"role": "user", "content": "x", "images": ["iVBORw0KGgo="]}]
    r = _post(ollama, "/api/chat", {"model": "llama3.2", "messages": messages})
    inner = json.loads(r.json()["error"])
    assert inner["error"]["code"] == 400
    assert "does not support multimodal" in inner["error"]["message"]


def test_empty_messages_load_and_keep_alive_zero_unloads(ollama: OllamaEmulator) -> None:
    load = _post(ollama, "/api/chat", {"model": "llama3.2", "messages": []}).json()
    assert (load["done"], load["done_reason"]) == (True, "load")
    assert len(httpx2.get(ollama.url + "/api/ps").json()["models"]) == 1
    body = {"model": "llama3.2", "messages": [], "keep_alive": 0}
    assert _post(ollama, "/api/chat", body).json()["done_reason"] == "unload"
    assert httpx2.get(ollama.url + "/api/ps").json() == {"models": []}


def test_liveness_version_show_and_plain_text_pages(ollama: OllamaEmulator) -> None:
    assert httpx2.get(ollama.url + "/").text == "Ollama is running"
    assert httpx2.get(ollama.url + "/api/version").json() == {"version": "0.33.0"}
    show = _post(ollama, "/api/show", {"name": "llava:7b"}).json()  # deprecated alias
    assert show["model_info"]["llama.context_length"] == 32768
    assert _post(ollama, "/api/show", {}).json() == {"error": "model is required"}
    missing = httpx2.get(ollama.url + "/api/nothing")
    assert (missing.status_code, missing.text) == (404, "404 page not found")
    assert missing.headers["content-type"].startswith("text/plain")
    wrong = httpx2.delete(ollama.url + "/api/tags")
    assert (wrong.status_code, wrong.text) == (405, "405 method not allowed")


def test_pull_streams_by_default_and_fails_inside_the_stream(ollama: OllamaEmulator) -> None:
    ok = _post(ollama, "/api/pull", {"model": "smollm2:135m"})
    lines = [json.loads(line) for line in ok.text.splitlines()]
    assert lines[0] == {"status": "pulling manifest"}
    assert lines[-1] == {"status": "success"}
    bad = _post(ollama, "/api/pull", {"model": "nosuch"})
    assert bad.status_code == 200
    assert [json.loads(line) for line in bad.text.splitlines()] == [
        {"status": "pulling manifest"},
        {"error": "pull model manifest: file does not exist"},
    ]
    single = _post(ollama, "/api/pull", {"model": "nosuch", "stream": False})
    assert single.status_code == 500
