"""A Python type as a JSON schema and a validator, through pydantic: the one place that turns a
``schema=`` argument into what a server is sent and what its answer is checked against.

:func:`to_schema` accepts a pydantic model, anything pydantic's ``TypeAdapter`` adapts (a
``TypedDict``, a dataclass, ``list[Model]``, ``int``...) or a raw JSON-schema dict, and returns a
:class:`Schema`: ``name``, ``json_schema`` (the dict a provider sends natively) and
``validate_json(text)``. Tool calling builds its parameter schemas with the same function.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import pydantic
import pydantic_core

from llm_core.errors import StructuredOutputError, ValidationError

__all__ = ["Schema", "to_schema"]

_NAME = re.compile(r"[^A-Za-z0-9_-]+")


class Schema:
    """A schema ready to send (``json_schema``) and to check answers with (``validate_json``).

    ``source`` is what the caller passed; ``adapter`` the pydantic ``TypeAdapter`` (None for a
    raw JSON-schema dict, whose answers are parsed as JSON and left to the server's constraint).
    """

    __slots__ = ("adapter", "json_schema", "name", "source")

    def __init__(self, source: Any, json_schema: dict[str, Any], name: str, adapter: Any) -> None:
        self.source, self.json_schema, self.name, self.adapter = source, json_schema, name, adapter

    def __repr__(self) -> str:
        return f"Schema({self.name!r})"

    def validate_json(self, text: str) -> Any:
        """The answer as a validated object (a model instance, a list, a dict for a raw schema).

        Raises :class:`~llm_core.errors.StructuredOutputError` with the raw text and pydantic's
        errors when the text is not JSON or has the wrong shape.
        """
        try:
            if self.adapter is None:
                return pydantic_core.from_json(text)
            return self.adapter.validate_json(text)
        except pydantic.ValidationError as exc:
            raise structured_error(self, text, exc.errors(include_url=False)) from None
        except ValueError as exc:  # from_json: not JSON at all
            raise structured_error(
                self, text, [{"type": "json_invalid", "msg": str(exc)}]
            ) from None

    def plain(self, value: Any) -> Any:
        """A validated object as plain JSON values (dicts, lists, strings, numbers)."""
        return value if self.adapter is None else self.adapter.dump_python(value, mode="json")

    def partial(self, text: str) -> Any:
        """The JSON received so far as plain values (dicts, lists; an unfinished string kept),
        or None while nothing parses yet. Not validated: fields may still be missing."""
        try:
            return pydantic_core.from_json(text, allow_partial="trailing-strings")
        except ValueError:
            return None


def to_schema(source: Any) -> Schema:
    """A :class:`Schema` from a pydantic model, a type pydantic adapts, or a JSON-schema dict.

    A :class:`Schema` passes unchanged. Raises :class:`~llm_core.errors.ValidationError` naming
    ``schema`` when pydantic cannot adapt the type or build its JSON schema.
    """
    if isinstance(source, Schema):
        return source
    if isinstance(source, dict):
        if not source or not all(isinstance(k, str) for k in source):
            raise ValidationError(
                "schema must be a non-empty JSON schema dict with string keys",
                hint='Pass e.g. {"type": "object", "properties": {"name": {"type": "string"}}} '
                "or a pydantic model.",
            )
        return Schema(source, source, _clean(str(source.get("title") or "response")), None)
    if isinstance(source, str | bytes | int | float) or source is None:
        raise ValidationError(
            f"schema must be a type or a JSON schema dict, got {type(source).__name__} "
            f"{source!r:.60}",
            hint="Pass a pydantic model class (class Person(BaseModel): ...), list[Person], a "
            "TypedDict or dataclass, or a JSON-schema dict.",
        )
    try:
        return _adapted(source)
    except TypeError:  # unhashable (an Annotated with a dict in it...): built for this call
        return _adapt(source)


@lru_cache(maxsize=256)
def _adapted(source: Any) -> Schema:
    """:func:`_adapt`, once per type: pydantic builds a validator and a JSON schema in ~200 µs,
    a hundred times the validation itself."""
    return _adapt(source)


def _adapt(source: Any) -> Schema:
    try:
        adapter = pydantic.TypeAdapter(source)
        json_schema = adapter.json_schema()
    except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError) as exc:
        raise ValidationError(
            f"schema {_type_name(source)} cannot be turned into a JSON schema: "
            f"{str(exc).splitlines()[0]}",
            hint="Use JSON-friendly field types (str, int, float, bool, list, dict, nested "
            "models), or pass a JSON-schema dict.",
        ) from None
    return Schema(source, json_schema, _clean(_type_name(source)), adapter)


def structured_error(schema: Schema, text: str, errors: list[dict[str, Any]]) -> Exception:
    """The :class:`~llm_core.errors.StructuredOutputError` for an answer that failed ``schema``."""
    first = errors[0] if errors else {"msg": "invalid"}
    where = ".".join(str(p) for p in first.get("loc", ())) or "the answer"
    kind = "is not JSON" if first.get("type") == "json_invalid" else "does not match the schema"
    return StructuredOutputError(
        f"answer {kind} {schema.name}: {where}: {first.get('msg')} "
        f"({len(errors)} error{'s' * (len(errors) != 1)}; raw text {text[:80]!r})",
        raw_text=text,
        errors=errors,
        schema_name=schema.name,
        hint="Raise repair= to let the model fix its answer, raise max_tokens if the JSON was "
        "cut off, or use a model that supports structured output.",
    )


def _type_name(source: Any) -> str:
    return getattr(source, "__name__", None) or repr(source)


def _clean(name: str) -> str:
    """A name servers accept for ``json_schema.name`` (letters, digits, _ and -; 64 at most)."""
    return (_NAME.sub("_", name).strip("_") or "response")[:64]
