"""Checks for a request's ``schema`` and ``repair`` fields (run by ``Request.__post_init__``)."""

from __future__ import annotations

from typing import Any

from llm_core.errors import ValidationError
from llm_core.structured.schema import to_schema

__all__ = ["DEFAULT_REPAIR", "MAX_REPAIR", "check_structured", "repairs_for"]

#: Repairs when a request names none: one more try with the validation error, as instructor does.
DEFAULT_REPAIR = 1
#: More repairs than this is a bug in the caller's loop, not a model that needs another go.
MAX_REPAIR = 10


def check_structured(request: Any) -> None:
    """Turn ``request.schema`` into a :class:`~llm_core.Schema` and set ``response_format``;
    check ``repair``. Raises :class:`~llm_core.errors.ValidationError` naming the field."""
    repair = request.repair
    if repair is not None and (
        not isinstance(repair, int) or isinstance(repair, bool) or not 0 <= repair <= MAX_REPAIR
    ):
        raise ValidationError(
            f"repair must be an integer from 0 to {MAX_REPAIR}, got {repair!r}",
            hint=f"Pass repair=0 to fail at the first invalid answer, or leave it out for "
            f"{DEFAULT_REPAIR}.",
        )
    if request.schema is None:
        return
    schema = request.schema = to_schema(request.schema)
    fmt = request.response_format
    if fmt is not None and fmt is not schema.json_schema and fmt != schema.json_schema:
        raise ValidationError(
            "pass schema= or response_format=, not both",
            hint="schema= sets response_format from the type; drop response_format.",
        )
    request.response_format = schema.json_schema


def repairs_for(request: Any) -> int:
    """How many repairs a request allows."""
    return DEFAULT_REPAIR if request.repair is None else request.repair
