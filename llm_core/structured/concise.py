"""The CLI's schema syntax: ``'name str, age int'`` (simonw/llm's concise form) or a JSON file.

A field is ``name [type][: description]``; fields are separated by commas or new lines; the type
is one of ``str`` (default), ``int``, ``float``, ``bool``. :func:`schema_from_cli` turns the text
into a pydantic model, or reads a ``.json`` file as a raw JSON schema.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pydantic

from llm_core.errors import ValidationError

__all__ = ["concise_model", "schema_from_cli"]

_TYPES: dict[str, type] = {"str": str, "int": int, "float": float, "bool": bool}
_FIELD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:\s+([A-Za-z]+))?\s*(?::\s*(.*))?$")
_HINT = "Write e.g. --schema 'name str, age int: in years' (types: str, int, float, bool)."


def concise_model(text: str, name: str = "Answer") -> type[pydantic.BaseModel]:
    """A pydantic model from ``'name str, age int: description'``."""
    separator = "\n" if "\n" in text else ","
    fields: dict[str, Any] = {}
    for raw in text.split(separator):
        item = raw.strip()
        if not item:
            continue
        match = _FIELD.match(item)
        if match is None:
            raise ValidationError(f"--schema: cannot read the field {item!r}", hint=_HINT)
        field, kind, description = match.groups()
        if (kind or "str") not in _TYPES:
            raise ValidationError(
                f"--schema: field {field!r} has unknown type {kind!r}", hint=_HINT
            )
        fields[field] = (_TYPES[kind or "str"], pydantic.Field(description=description or None))
    if not fields:
        raise ValidationError("--schema names no fields", hint=_HINT)
    return pydantic.create_model(name, **fields)


def schema_from_cli(value: str) -> Any:
    """A ``schema=`` value from the CLI: a ``.json`` file's JSON schema, else the concise syntax."""
    if value.endswith(".json"):
        path = Path(value)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ValidationError(
                f"--schema: cannot read {value!r}: {exc.strerror}",
                hint="Give the path of a JSON-schema file, or the concise form 'name str'.",
            ) from None
        except ValueError as exc:
            raise ValidationError(
                f"--schema: {value!r} is not JSON: {exc}", hint="Fix the file's JSON."
            ) from None
    return concise_model(value)
