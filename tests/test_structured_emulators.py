"""Structured output on the Ollama and LM Studio wires (protocol-faithful emulators on real
sockets): the native schema fields, partial objects over NDJSON and SSE, and the refusals."""

from __future__ import annotations

import pytest
from pydantic import BaseModel
from support.lmstudio_emulator import LMStudioEmulator
from support.ollama_emulator import OllamaEmulator

from llm_core import AsyncClient, Client, NotSupportedError, ValidationError
from llm_core.cli import main


class City(BaseModel):
    city: str
    population: int
    capital: bool


EXPECTED = City(city="echo", population=42, capital=True)  # what the emulators answer


@pytest.fixture
def ollama():
    with OllamaEmulator() as server:
        yield server


@pytest.fixture
def lms():
    with LMStudioEmulator() as server:
        yield server


def chats(server) -> list[dict]:
    return [r.json() for r in server.requests if r.path.endswith(("/api/chat", "/completions"))]


def test_ollama_sends_the_schema_as_format(ollama) -> None:
    with Client("ollama", base_url=ollama.url, model="llama3.2") as client:
        response = client.generate("Paris?", schema=City)
    assert response.parsed == EXPECTED
    assert chats(ollama)[-1]["format"] == City.model_json_schema()


def test_ollama_streams_partial_objects_over_ndjson(ollama) -> None:
    client = Client("ollama", base_url=ollama.url, model="llama3.2")
    with client, client.stream("Paris?", schema=City) as stream:
        partials = [e.partial for e in stream if e.text]
    assert len(partials) > 3
    assert partials[0] == {"city": "echo"} or partials[0] == {}
    assert partials[-1] == EXPECTED.model_dump()
    assert stream.response.parsed == EXPECTED


def test_an_ollama_without_schema_support_is_not_supported(ollama) -> None:
    ollama.schemas = False  # an Ollama before 0.5
    client = Client("ollama", base_url=ollama.url, model="llama3.2")
    with client, pytest.raises(NotSupportedError, match="refused the JSON schema") as info:
        client.generate("Paris?", schema=City)
    assert "Upgrade Ollama to 0.5" in info.value.hint
    assert len(chats(ollama)) == 1  # not retried


def test_lmstudio_sends_json_schema_and_validates(lms) -> None:
    with Client("lmstudio", base_url=lms.url, model="qwen2.5-7b-instruct") as client:
        response = client.generate("Paris?", schema=City)
    assert response.parsed == EXPECTED
    sent = chats(lms)[-1]["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"] == {"name": "City", "schema": City.model_json_schema()}


@pytest.mark.anyio
async def test_lmstudio_streams_partial_objects_over_sse(lms) -> None:
    client = AsyncClient("lmstudio", base_url=lms.url, model="qwen2.5-7b-instruct")
    async with client, client.stream("Paris?", schema=City) as stream:
        partials = [e.partial async for e in stream if e.text]
    assert len(partials) > 3 and partials[-1] == EXPECTED.model_dump()
    assert stream.response.parsed == EXPECTED


def test_lmstudio_refusing_json_object_is_not_retried_as_json_object(lms) -> None:
    json_mode = {"extra_body": {"response_format": {"type": "json_object"}}}
    client = Client("lmstudio", base_url=lms.url, model="qwen2.5-7b-instruct")
    with client, pytest.raises(ValidationError, match="json_schema"):
        client.generate("hi", options=json_mode)
    assert len(chats(lms)) == 1


def test_cli_concise_schema(capsys, ollama) -> None:
    argv = ["chat", "-p", "ollama", "--base-url", ollama.url, "-m", "llama3.2"]
    code = main([*argv, "--schema", "city str, population int: people, capital bool", "Paris?"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.strip().startswith("{") and '"population": 42' in out
    code = main([*argv, "--schema", "city strr", "Paris?"])
    assert code == 2 and "unknown type 'strr'" in capsys.readouterr().err
