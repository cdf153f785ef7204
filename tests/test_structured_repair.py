"""Validation and repair against a scripted OpenAI-compatible server on a real socket: an invalid
answer first, then a valid one; the repair visible on Response.attempts and to the hooks; the
json_object fallback; cached answers validated again; the layer replaceable by name."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, Field
from support.openai_fake import OpenAIFake

from llm_core import (
    AsyncClient,
    Client,
    NotSupportedError,
    StructuredOutputError,
    get_plugin_manager,
    hookimpl,
)
from llm_core.plugins import reset_plugin_manager


class Person(BaseModel):
    name: str
    age: int = Field(ge=0)


GOOD, BAD = '{"name": "Ada", "age": 36}', '{"name": "Ada", "age": -3}'


@pytest.fixture
def server():
    with OpenAIFake() as fake:
        yield fake


def client_for(server: OpenAIFake, **kwargs) -> Client:
    return Client("openai", base_url=server.url + "/v1", **kwargs)


class Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple] = []

    @hookimpl
    def llm_core_on_retry(self, attempt, error, wait) -> None:
        self.seen.append(("retry", attempt, type(error).__name__, wait))

    @hookimpl
    def llm_core_on_request(self, request) -> None:
        self.seen.append(("request", len(request.messages)))


@pytest.fixture
def recorder():
    pm, rec = get_plugin_manager(), Recorder()
    pm.register(rec, name="test.structured-recorder")
    yield rec
    pm.unregister(name="test.structured-recorder")


def test_an_invalid_answer_is_repaired_with_the_validation_error(server, recorder) -> None:
    server.answers = ["Sure: " + BAD, GOOD]
    with client_for(server) as client:
        response = client.generate("Who?", schema=Person)
    assert response.parsed == Person(name="Ada", age=36)
    assert [(a.number, a.error_type) for a in response.attempts] == [
        (1, "StructuredOutputError"),
        (2, None),
    ]
    assert recorder.seen == [("request", 1), ("retry", 1, "StructuredOutputError", 0.0),
                             ("request", 3)]  # fmt: skip
    repair = server.requests[-1].json()["messages"]
    assert [m["role"] for m in repair] == ["user", "assistant", "user"]
    assert repair[1]["content"] == "Sure: " + BAD
    assert "failed validation against the Person JSON schema" in repair[2]["content"]
    assert "- (root): Invalid JSON" in repair[2]["content"]


def test_when_repairs_run_out_the_error_has_the_raw_text_and_errors(server) -> None:
    server.answers = [BAD, BAD, BAD]
    with client_for(server) as client, pytest.raises(StructuredOutputError) as info:
        client.generate("Who?", schema=Person, repair=2)
    err = info.value
    assert (err.raw_text, err.errors[0]["loc"], err.provider) == (BAD, ("age",), "openai")
    assert [a.error_type for a in err.attempts] == ["StructuredOutputError"] * 3
    assert len(server.requests) == 3
    server.answers = [BAD, GOOD]
    with client_for(server) as client, pytest.raises(StructuredOutputError):
        client.generate("Who?", schema=Person, repair=0)  # no second request
    assert server.answers == [GOOD]


@pytest.mark.anyio
async def test_async_repair(server) -> None:
    server.answers = ["not json", GOOD]
    async with AsyncClient("openai", base_url=server.url + "/v1") as client:
        response = await client.generate("Who?", schema=Person)
    assert response.parsed.age == 36 and len(response.attempts) == 2


def test_a_server_refusing_json_schema_gets_json_object_mode(recorder) -> None:
    with OpenAIFake(refuse_schemas=True) as server, client_for(server) as client:
        server.answers = [GOOD]  # the refused request is answered before the script
        response = client.generate([{"role": "system", "content": "Be brief."}, "Who?"],
                                   schema=Person)  # fmt: skip
        first, second = (r.json() for r in server.requests)
    assert response.parsed == Person(name="Ada", age=36)
    assert first["response_format"]["type"] == "json_schema"
    assert second["response_format"] == {"type": "json_object"}
    system = second["messages"][0]["content"]
    assert system.startswith("Be brief.\n\nAnswer with one JSON value only")
    assert '"minimum":0' in system


def test_a_server_without_json_mode_either_cannot_do_structured_output(server) -> None:
    server.refused_formats = {"json_schema", "json_object"}
    with client_for(server) as client, pytest.raises(NotSupportedError) as info:
        client.generate("Who?", schema=Person)
    assert "neither response_format json_schema nor json_object" in info.value.message
    assert "fallback" in info.value.hint and info.value.provider == "openai"
    assert [r.json()["response_format"]["type"] for r in server.requests] == [
        "json_schema",
        "json_object",
    ]  # asked once each: never retried


def test_cached_answers_are_validated_again(server) -> None:
    server.answers = [GOOD]
    with client_for(server, cache={"responses": True}) as client:
        first = client.generate("Who?", schema=Person, temperature=0)
        again = client.generate("Who?", schema=Person, temperature=0)
        other = client.generate("Who?", temperature=0)  # no schema: another key
    assert again.cached and again.parsed == first.parsed and again.parsed is not first.parsed
    assert not other.cached and other.parsed is None
    assert len(server.requests) == 2


def test_the_layer_is_replaceable_by_name(server) -> None:
    pm = get_plugin_manager()
    pm.set_blocked("llm_core.structured")
    try:
        server.answers = [BAD]
        with client_for(server) as client:
            response = client.generate("Who?", schema=Person)
        assert response.parsed is None and response.content == BAD  # sent, not validated
        assert server.requests[-1].json()["response_format"]["json_schema"]["name"] == "Person"
    finally:
        reset_plugin_manager()


def test_a_stream_is_validated_at_its_end_and_never_repaired(server) -> None:
    server.answers = [BAD, GOOD]
    with client_for(server) as client:
        stream = client.stream("Who?", schema=Person)
        with stream, pytest.raises(StructuredOutputError) as info:
            for _ in stream:
                pass
    assert info.value.raw_text == BAD and stream.text == BAD
    assert len(server.requests) == 1 and server.answers == [GOOD]


def test_a_cached_stream_is_validated_again(server) -> None:
    server.answers = [GOOD]
    with client_for(server, cache={"responses": True}) as client:
        client.generate("Who?", schema=Person, seed=1)
        with client.stream("Who?", schema=Person, seed=1) as stream:
            events = list(stream)
    assert stream.response.cached and stream.response.parsed == Person(name="Ada", age=36)
    assert events[0].partial == {"name": "Ada", "age": 36}
    assert len(server.requests) == 1
