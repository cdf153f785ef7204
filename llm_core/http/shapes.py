"""Sans-IO checks of the fields a wire parser reads: a wrong type is a :class:`WrongShape`
naming the field, never an ``AttributeError`` or ``TypeError`` from deep inside a parser.

Parsers catch :class:`WrongShape` once and turn it into their typed error
(:func:`~llm_core.http.shape_error` for a whole answer, ``StreamText.broken`` for a stream).
"""

from __future__ import annotations

from typing import Any

__all__ = ["WrongShape", "count_of", "kind", "object_of", "text_of"]


class WrongShape(ValueError):
    """A field of an answer has the wrong type (the message names the field)."""


def kind(value: Any) -> str:
    """A short description of ``value`` for messages: its JSON type and the start of it."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    name = names.get(type(value)) or ("a number" if isinstance(value, int | float) else "null")
    return f"{name} ({str(value)[:40]!r})" if value is not None else name


def text_of(value: Any, where: str) -> str:
    """A string field: ``""`` when absent (None), else it must be a string."""
    if value is None:
        return ""
    if type(value) is not str:
        raise WrongShape(f"{where} is {kind(value)}, not a string")
    return value


def count_of(value: Any, where: str) -> int | None:
    """A token count: None when absent, else a non-negative integer (not a bool, not "3")."""
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise WrongShape(f"{where} is {kind(value)}, not a non-negative integer")
    return value


def object_of(value: Any, where: str) -> dict[str, Any]:
    """An object field: ``{}`` when absent (None), else it must be an object."""
    if value is None:
        return {}
    if type(value) is not dict:
        raise WrongShape(f"{where} is {kind(value)}, not an object")
    return value
