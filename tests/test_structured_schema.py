"""Schemas: a Python type or a JSON-schema dict in, a JSON schema and a validator out; the bad
inputs each a typed error naming the field and the fix."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import BaseModel, Field
from typing_extensions import TypedDict  # typing.TypedDict needs Python 3.12 for pydantic

from llm_core import Request, Schema, StructuredOutputError, ValidationError, to_schema
from llm_core.structured.concise import concise_model, schema_from_cli


class Person(BaseModel):
    name: str
    age: int = Field(ge=0)


class Movie(TypedDict):
    title: str
    year: int


@dataclasses.dataclass
class Point:
    x: float
    y: float


def test_a_model_gives_its_json_schema_and_validates_to_an_instance() -> None:
    schema = to_schema(Person)
    assert schema.name == "Person"
    assert schema.json_schema["required"] == ["name", "age"]
    assert schema.validate_json('{"name": "Ada", "age": 36}') == Person(name="Ada", age=36)
    assert to_schema(schema) is schema


@pytest.mark.parametrize(
    ("source", "text", "expected"),
    [
        (Movie, '{"title": "Alien", "year": 1979}', {"title": "Alien", "year": 1979}),
        (Point, '{"x": 1, "y": 2.5}', Point(1.0, 2.5)),
        (list[Person], '[{"name": "A", "age": 1}]', [Person(name="A", age=1)]),
        ({"type": "object", "title": "raw thing"}, '{"any": [1]}', {"any": [1]}),
    ],
)
def test_types_pydantic_adapts_and_raw_schemas(source, text, expected) -> None:
    schema = to_schema(source)
    assert schema.validate_json(text) == expected
    assert schema.json_schema["type"] in ("object", "array")
    assert schema.name.replace("_", "").isalnum()


def test_a_wrong_shape_carries_raw_text_and_pydantic_errors() -> None:
    with pytest.raises(StructuredOutputError) as info:
        to_schema(Person).validate_json('{"name": "Ada", "age": -1}')
    err = info.value
    assert err.raw_text == '{"name": "Ada", "age": -1}'
    assert err.errors[0]["loc"] == ("age",) and err.errors[0]["type"] == "greater_than_equal"
    assert "does not match the schema Person: age:" in err.message
    assert "repair=" in err.hint and err.schema_name == "Person"


def test_an_answer_that_is_not_json_says_so() -> None:
    with pytest.raises(StructuredOutputError, match="is not JSON") as info:
        to_schema({"type": "object"}).validate_json("Sure! Here it is")
    assert info.value.errors[0]["type"] == "json_invalid"


def test_partial_json_parses_as_it_grows() -> None:
    schema = to_schema(Person)
    assert schema.partial("") is None
    assert schema.partial('{"name": "Ad') == {"name": "Ad"}
    assert schema.partial('{"name": "Ada", "age": 3') == {"name": "Ada", "age": 3}


def test_a_long_stream_is_parsed_again_only_as_it_grows_by_a_sixteenth() -> None:
    from types import SimpleNamespace

    from llm_core.structured.partial import EVERY_EVENT, Partials
    from llm_core.types import StreamEvent

    text = '{"name": "' + "a" * 20_000 + '", "age": 3}'
    schema, parsed = to_schema(Person), []
    partials = Partials(schema)
    partials.schema = SimpleNamespace(partial=lambda t: parsed.append(len(t)) or schema.partial(t))
    for i in range(0, len(text), 4):
        event = partials.see(StreamEvent(text=text[i : i + 4]))
        seen = len(event.partial.get("name", ""))
        assert seen >= (i + 4) * 15 // 16 - 12  # lags a sixteenth at most
    short = EVERY_EVENT // 4
    assert parsed[:short] == list(range(4, EVERY_EVENT + 1, 4))  # every event while short
    assert all(b - a >= b // 16 for a, b in zip(parsed[short - 1 :], parsed[short:], strict=False))
    assert len(parsed) < short + 100  # then rarely: not once per event (5,003 events)


def test_a_type_is_adapted_once() -> None:
    assert to_schema(Person) is to_schema(Person)
    assert to_schema(list[Person]) is to_schema(list[Person])


class NotAdaptable:
    pass


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("Person", "must be a type or a JSON schema dict"),
        (42, "must be a type or a JSON schema dict"),
        ({}, "non-empty JSON schema dict"),
        (NotAdaptable, "cannot be turned into a JSON schema"),
    ],
)
def test_bad_schemas_are_validation_errors_with_a_fix(source, words) -> None:
    with pytest.raises(ValidationError, match=words) as info:
        Request("hi", schema=source)
    assert info.value.hint


def test_request_fields() -> None:
    request = Request("hi", schema=Person)
    assert isinstance(request.schema, Schema)
    assert request.response_format == request.schema.json_schema
    assert request.with_model("m").schema is request.schema  # replace() keeps it
    with pytest.raises(ValidationError, match="not both"):
        Request("hi", schema=Person, response_format={"type": "object"})
    for bad in (-1, 11, 1.5, True):
        with pytest.raises(ValidationError, match="repair must be an integer from 0 to 10"):
            Request("hi", schema=Person, repair=bad)


def test_the_cache_key_includes_the_schema() -> None:
    plain = Request("hi", temperature=0).cache_key_material()
    person = Request("hi", temperature=0, schema=Person).cache_key_material()
    movie = Request("hi", temperature=0, schema=Movie).cache_key_material()
    assert len({plain, person, movie}) == 3


def test_the_concise_cli_syntax() -> None:
    model = concise_model("name str, age int: in years, score float, ok bool, nick")
    fields = model.model_fields
    assert [f.annotation for f in fields.values()] == [str, int, float, bool, str]
    assert fields["age"].description == "in years"
    assert concise_model("name\nage int").model_fields["age"].annotation is int
    for bad, words in (("name strr", "unknown type 'strr'"), ("  ,", "no fields"), ("1x", "1x")):
        with pytest.raises(ValidationError, match=words):
            concise_model(bad)


def test_a_schema_file(tmp_path) -> None:
    path = tmp_path / "s.json"
    path.write_text('{"type": "object", "properties": {"a": {"type": "string"}}}')
    assert schema_from_cli(str(path))["properties"] == {"a": {"type": "string"}}
    with pytest.raises(ValidationError, match="cannot read"):
        schema_from_cli(str(tmp_path / "missing.json"))
    path.write_text("{nope")
    with pytest.raises(ValidationError, match="is not JSON"):
        schema_from_cli(str(path))
