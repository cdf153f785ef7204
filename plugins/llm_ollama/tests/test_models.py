"""Model list, show (cached by digest), loaded models, version and health on the Ollama wire."""

from __future__ import annotations

import pytest
from support.ollama_emulator import VERSION, OllamaEmulator

from llm_core import AsyncClient, Client


def test_list_models_from_tags(client: Client) -> None:
    models = {m.id: m for m in client.list_models()}
    assert set(models) == {"llama3.2:latest", "llava:7b", "qwen3:0.6b",
                           "nomic-embed-text:latest"}  # fmt: skip
    llava = models["llava:7b"]
    assert llava.provider == "ollama"
    assert llava.size_bytes == 4_733_363_377
    assert (llava.family, llava.parameter_size, llava.quantization) == ("llama", "7B", "Q4_0")
    assert llava.modified_at == "2025-05-04T17:37:44.706015-07:00"
    assert llava.vision is True
    assert models["llama3.2:latest"].vision is False
    assert "thinking" in models["qwen3:0.6b"].capabilities


def test_older_servers_without_tag_capabilities_leave_vision_unknown(ollama, make_client):
    ollama.tags_capabilities = False
    models = make_client(ollama).list_models()
    assert {m.vision for m in models} == {None}


def test_show_is_fetched_only_when_asked_and_cached_by_digest(client: Client, ollama) -> None:
    client.list_models()
    client.generate("hi")
    assert ollama.count("/api/show") == 0  # never fetched behind the caller's back
    info = client.adapter.show("llava:7b")
    assert info.vision is True
    assert info.context_length == 32768
    assert info.capabilities == ("completion", "vision")
    assert client.adapter.capabilities("llava:7b") == ("completion", "vision")
    assert ollama.count("/api/show") == 1
    ollama.models["llava:7b"].digest = "f" * 64  # the model was re-pulled: a new digest
    client.adapter.invalidate_models()
    client.list_models()
    client.adapter.show("llava:7b")
    assert ollama.count("/api/show") == 2
    client.adapter.show("llava:7b", refresh=True)
    assert ollama.count("/api/show") == 3


def test_show_normalises_latest(client: Client, ollama) -> None:
    a = client.adapter.show("llama3.2")
    b = client.adapter.show("llama3.2:latest")
    assert a is b
    assert a.id == "llama3.2:latest"
    assert a.context_length == 131072
    assert ollama.count("/api/show") == 1


def test_loaded_models_and_version(client: Client) -> None:
    assert client.adapter.loaded_models() == []
    client.generate("hi")
    loaded = client.adapter.loaded_models()
    assert [m.id for m in loaded] == ["llama3.2:latest"]
    assert loaded[0].loaded is True
    assert loaded[0].context_length == 4096
    assert "expires_at" in loaded[0].raw
    assert client.adapter.version() == VERSION


def test_health_check_reads_the_banner_and_the_version(client: Client, ollama) -> None:
    health = client.health_check()
    assert health.ok is True
    assert health.version == VERSION
    assert health.detail == "Ollama is running"
    assert health.url == ollama.url
    assert ollama.count("/") == 1
    assert ollama.count("/api/version") == 1


@pytest.mark.anyio
async def test_async_models_show_ps_version_health(aclient: AsyncClient, ollama) -> None:
    models = await aclient.list_models()
    assert len(models) == 4
    info = await aclient.adapter.show("qwen3:0.6b")
    assert "thinking" in info.capabilities
    assert await aclient.adapter.capabilities("qwen3:0.6b") == info.capabilities
    assert ollama.count("/api/show") == 1
    await aclient.generate("hi", model="qwen3:0.6b")
    assert [m.id for m in await aclient.adapter.loaded_models()] == ["qwen3:0.6b"]
    assert await aclient.adapter.version() == VERSION
    health = await aclient.health_check()
    assert (health.ok, health.version) == (True, VERSION)


def test_emulator_name_normalisation_and_echo(ollama: OllamaEmulator) -> None:
    import httpx2

    body = {"model": "llama3.2", "messages": [{"role": "user", "content": "x"}], "stream": False}
    assert httpx2.post(ollama.url + "/api/chat", json=body).json()["model"] == "llama3.2"
    body["model"] = "llama3.2:latest"
    assert httpx2.post(ollama.url + "/api/chat", json=body).json()["model"] == "llama3.2:latest"
