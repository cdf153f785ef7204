"""Structured output end to end on llama.cpp's real server (xllamacpp, tiny random GGUF): the
schema becomes a grammar, so even random weights answer JSON of the schema's shape. Strings and
numbers are bounded in the schemas: random weights never close an unbounded string."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel, Field

from llm_core import AsyncClient, Client
from llm_core.cli import main

pytestmark = pytest.mark.engine


class Person(BaseModel):
    name: str = Field(max_length=8)
    age: int = Field(ge=0, le=150)
    ok: bool


class Team(BaseModel):
    members: list[Person] = Field(min_length=1, max_length=2)


@pytest.fixture
def client(llamacpp_server):
    with Client("openai", base_url=llamacpp_server.openai_url) as c:
        yield c


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_constrained_json_validates_into_the_model(client: Client, seed: int) -> None:
    response = client.generate("Who?", schema=Person, max_tokens=150, seed=seed)
    assert isinstance(response.parsed, Person), response.content
    assert json.loads(response.content) == response.parsed.model_dump()
    assert [a.error_type for a in response.attempts] == [None]  # no repair was needed


def test_nested_lists_of_models(client: Client) -> None:
    response = client.generate("A team", schema=Team, max_tokens=200, seed=7)
    assert 1 <= len(response.parsed.members) <= 2
    assert all(isinstance(m, Person) for m in response.parsed.members)


def test_a_stream_yields_growing_partial_objects_then_the_validated_one(client: Client) -> None:
    with client.stream("Who?", schema=Person, max_tokens=150, seed=4) as stream:
        events = list(stream)
    partials = [e.partial for e in events if e.text]
    assert partials[0] == {} or partials[0] is None  # "{" parses to an empty object
    assert all(isinstance(p, dict) for p in partials[1:])
    sizes = [len(p or {}) for p in partials]
    assert sizes == sorted(sizes) and sizes[-1] == 3  # keys only ever appear
    final = events[-1].response
    assert final is stream.response and isinstance(final.parsed, Person)
    assert final.parsed.model_dump() == partials[-1]


@pytest.mark.anyio
async def test_async_generate_and_stream(llamacpp_server) -> None:
    async with AsyncClient("openai", base_url=llamacpp_server.openai_url) as client:
        response = await client.generate("Who?", schema=Person, max_tokens=150, seed=5)
        async with client.stream("Who?", schema=Person, max_tokens=150, seed=5) as stream:
            final = await stream.until_done()
    assert isinstance(response.parsed, Person) and final.parsed == response.parsed


def test_cli_schema_file_prints_the_validated_json(capsys, tmp_path, llamacpp_server) -> None:
    path = tmp_path / "person.json"
    path.write_text(json.dumps(Person.model_json_schema()))
    argv = ["chat", "-p", "openai", "--base-url", llamacpp_server.openai_url, "--seed", "3"]
    code = main([*argv, "--max-tokens", "150", "--schema", str(path), "Who?"])
    out = capsys.readouterr().out
    assert code == 0
    assert set(json.loads(out)) == {"name", "age", "ok"}
